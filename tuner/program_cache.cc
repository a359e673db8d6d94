// Building and caching variants.
#include "program_cache.h"

#include <chrono>

#include "mace_tune/families.h"

namespace mace_tune {

const BuildResult& ProgramCache::Get(const std::string& program_name, const std::string& options,
                                     bool* cached) {
  const auto override_it = overrides_.find(program_name);
  const bool overridden = override_it != overrides_.end();
  const std::string key = ProgramKey(program_name, options, ProgramSourceDigest(program_name)) +
                          (overridden ? "|override" : "");
  auto it = cache_.find(key);
  *cached = it != cache_.end();
  if (*cached) return it->second;
  BuildResult result;
  const auto start = std::chrono::steady_clock::now();
  try {
    const std::string source = overridden ? override_it->second : ProgramSource(program_name);
    if (source.empty()) throw std::runtime_error("no embedded source for program '" + program_name + "'");
    result.program = BuildFromSource(context_, device_, source, options);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  result.build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return cache_.emplace(key, std::move(result)).first->second;
}

void ProgramCache::OverrideSource(const std::string& program, std::string source) {
  overrides_[program] = std::move(source);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->first.rfind(program + "|", 0) == 0 ? cache_.erase(it) : std::next(it);
  }
}

}  // namespace mace_tune
