// In-process cache of built programs, keyed by program key: each variant is compiled once per
// process however many shapes use it. Build failures are cached too, with their log.
#pragma once

#include <map>
#include <string>

#include "cl/cl_core.h"

namespace mace_tune {

struct BuildResult {
  Program program;      // empty when the build failed
  std::string error;    // "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)\n<log>" on failure
  double build_ms = 0;  // 0 when served from the cache
};

class ProgramCache {
 public:
  ProgramCache(cl_context context, cl_device_id device) : context_(context), device_(device) {}
  // The program built from the embedded source with these options; never throws for a failed build.
  const BuildResult& Get(const std::string& program_name, const std::string& options, bool* cached);
  size_t size() const { return cache_.size(); }
  // Builds `program` from this text instead of the embedded source: the tests use it to feed the
  // harness kernels that fail to build or compute wrong numbers.
  void OverrideSource(const std::string& program, std::string source);

 private:
  cl_context context_;
  cl_device_id device_;
  std::map<std::string, BuildResult> cache_;
  std::map<std::string, std::string> overrides_;
};

}  // namespace mace_tune
