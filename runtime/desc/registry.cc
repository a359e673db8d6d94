// SPDX-License-Identifier: Apache-2.0
// The process-wide description registry: built-ins decoded once from the bytes that
// mace_tune_descc embedded, then user kernels as the tuner registers them.
#include "runtime/desc/registry.h"

#include <mutex>

#include "runtime/src/sha256.h"

namespace mace_tune::desc {
namespace detail {
// Generated at build time (kernels/*.toml through mace_tune_descc): name -> DESC payload.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedDescriptions();
}  // namespace detail

namespace {

struct Global {
  std::mutex mutex;
  DescriptionSet set;
  std::vector<std::string> builtins;
};

Global& Registry() {
  static Global* global = [] {
    auto* g = new Global();
    for (const auto& [name, bytes] : detail::EmbeddedDescriptions()) {
      DescriptionText text;
      DescriptionPtr description;
      std::string error;
      const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
      // The build checked these bytes (mace_tune_descc): a failure here is a build bug, and the
      // family is left out rather than the process stopped.
      if (!DecodeDescription(data, bytes.size(), &text, &error) ||
          !KernelDescription::Build(std::move(text), &description, &error) || !g->set.Add(description).ok()) {
        continue;
      }
      g->builtins.emplace_back(name);
    }
    return g;
  }();
  return *global;
}

}  // namespace

Status DescriptionSet::Add(DescriptionPtr description) {
  const auto it = by_name_.find(description->name());
  if (it != by_name_.end()) {
    const KernelDescription& old = *it->second;
    if (old.digest() == description->digest() && old.text().source == description->text().source) return Status::Ok();
    return Status(StatusCode::kInvalidArgument,
                  old.builtin() ? "'" + description->name() + "' is the name of a built-in family"
                                : "two different descriptions of kernel '" + description->name() + "'");
  }
  for (const auto& [name, other] : by_name_) {
    if (other->program() == description->program()) {
      return Status(StatusCode::kInvalidArgument, "program '" + description->program() + "' of '" +
                                                      description->name() + "' is already " + "the program of '" +
                                                      name + "'");
    }
  }
  by_name_.emplace(description->name(), std::move(description));
  return Status::Ok();
}

const KernelDescription* DescriptionSet::Find(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

const KernelDescription* DescriptionSet::FindProgram(std::string_view program) const {
  for (const auto& [name, description] : by_name_) {
    if (description->program() == program) return description.get();
  }
  return nullptr;
}

std::vector<std::string> DescriptionSet::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, description] : by_name_) names.push_back(name);
  return names;
}

std::vector<DescriptionPtr> DescriptionSet::All() const {
  std::vector<DescriptionPtr> all;
  for (const auto& [name, description] : by_name_) all.push_back(description);
  return all;
}

const KernelDescription* FindDescription(std::string_view name) {
  Global& g = Registry();
  std::lock_guard<std::mutex> lock(g.mutex);
  return g.set.Find(name);
}

const KernelDescription* FindDescriptionOfProgram(std::string_view program) {
  Global& g = Registry();
  std::lock_guard<std::mutex> lock(g.mutex);
  return g.set.FindProgram(program);
}

std::vector<std::string> BuiltinNames() {
  Global& g = Registry();
  std::lock_guard<std::mutex> lock(g.mutex);
  return g.builtins;
}

std::vector<std::string> RegisteredNames() {
  Global& g = Registry();
  std::lock_guard<std::mutex> lock(g.mutex);
  std::vector<std::string> names = g.builtins;
  for (const auto& name : g.set.Names()) {
    if (!g.set.Find(name)->builtin()) names.push_back(name);
  }
  return names;
}

Status RegisterDescription(DescriptionPtr description) {
  if (description->builtin())
    return Status(StatusCode::kInvalidArgument, "a built-in description cannot be registered");
  Global& g = Registry();
  std::lock_guard<std::mutex> lock(g.mutex);
  return g.set.Add(std::move(description));
}

std::string UserProgramDigest(const std::string& source, const KernelDescription& description) {
  return mace_tune::detail::Sha256Hex(mace_tune::detail::Sha256Hex(source) + ":" + description.digest());
}

}  // namespace mace_tune::desc
