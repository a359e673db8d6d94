// SPDX-License-Identifier: Apache-2.0
// Where kernel descriptions are found by name: the built-in families (kernels/*.toml, embedded in
// the runtime at build time) and the user kernels registered in this process (the tuner's
// --kernel files). A Runtime adds those of its tuned-parameter file in a DescriptionSet of its own.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/desc/kernel_description.h"

namespace mace_tune::desc {

class DescriptionSet {
 public:
  // Refuses a second description of one name unless it is the same (same digest and source);
  // built-in names are never replaced.
  Status Add(DescriptionPtr description);
  const KernelDescription* Find(std::string_view name) const;
  const KernelDescription* FindProgram(std::string_view program) const;
  std::vector<std::string> Names() const;
  std::vector<DescriptionPtr> All() const;
  size_t size() const { return by_name_.size(); }

 private:
  std::map<std::string, DescriptionPtr, std::less<>> by_name_;
};

// Built-ins and registered user kernels (thread-safe; descriptions are never removed, so the
// pointers stay valid for the process).
const KernelDescription* FindDescription(std::string_view name);
const KernelDescription* FindDescriptionOfProgram(std::string_view program);
std::vector<std::string> BuiltinNames();
std::vector<std::string> RegisteredNames();  // built-ins first, then user kernels in name order
Status RegisterDescription(DescriptionPtr description);

// The digest that stands for a user kernel's program in program keys and the store: its source's
// and its description's digests together, so a change of either is a different program.
std::string UserProgramDigest(const std::string& source, const KernelDescription& description);

}  // namespace mace_tune::desc
