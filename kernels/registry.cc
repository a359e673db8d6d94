// SPDX-License-Identifier: Apache-2.0
// The tuner's families: one generic KernelFamily per registered description, made on first use,
// with the CPU references the built-in families' .cc files registered at static-init time.
#include "runtime/desc/registry.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "kernels/kernel_family.h"

namespace mace_tune {
namespace {

std::map<std::string, CpuReference>& References() {
  static std::map<std::string, CpuReference> references;
  return references;
}

}  // namespace

bool RegisterCpuReference(const char* family, CpuReference reference) {
  References()[family] = reference;
  return true;
}

const KernelFamily* FindKernelFamily(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<KernelFamily>, std::less<>> families;
  std::lock_guard<std::mutex> lock(mutex);
  if (const auto it = families.find(name); it != families.end()) return it->second.get();
  const desc::KernelDescription* description = desc::FindDescription(name);
  if (description == nullptr) return nullptr;
  CpuReference reference = nullptr;
  if (description->text().verify.reference == "cpu") {
    const auto it = References().find(description->name());
    if (it == References().end()) {
      throw std::logic_error("family " + description->name() + " asks for a CPU reference that is not linked in");
    }
    reference = it->second;
  }
  auto family = std::make_unique<KernelFamily>(*description, reference);
  return families.emplace(std::string(name), std::move(family)).first->second.get();
}

}  // namespace mace_tune
