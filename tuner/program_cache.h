// SPDX-License-Identifier: Apache-2.0
// In-process cache of built programs, keyed by program key: each variant is compiled once per
// process however many shapes use it. Build failures are cached too, with their log. With build
// threads, Prebuild() compiles the variants a strategy will propose next while the device measures.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cl/cl_core.h"

namespace mace_tune {

struct BuildResult {
  Program program;      // empty when the build failed
  std::string error;    // "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)\n<log>" on failure
  double build_ms = 0;  // how long the compiler took
};

class ProgramCache {
 public:
  // build_threads > 0 starts that many threads for Prebuild(); 0 builds only on demand.
  ProgramCache(cl_context context, cl_device_id device, int build_threads = 0);
  ~ProgramCache();  // waits for builds in flight; drops queued ones
  ProgramCache(const ProgramCache&) = delete;
  ProgramCache& operator=(const ProgramCache&) = delete;

  // The program built from the embedded source with these options; never throws for a failed build.
  // *cached is false when this call built it. When a build thread was still compiling it, this
  // call waits and *waited_ms (if given) says how long; otherwise *waited_ms is 0.
  const BuildResult& Get(const std::string& program_name, const std::string& options, bool* cached,
                         double* waited_ms = nullptr);
  // Queues a build on the build threads unless built, queued or building already. No-op without
  // build threads. A Get() of a queued (not yet started) build builds it on the caller's thread.
  void Prebuild(const std::string& program_name, const std::string& options);
  // Returns once every queued build is done (tests, and before changing sources).
  void WaitForBuilds();
  size_t size() const;
  int build_threads() const { return static_cast<int>(workers_.size()); }
  // Distinct programs that a build thread compiled and Get() then served.
  size_t prebuilt_used() const;
  // Builds `program` from this text instead of the embedded source: the tests use it to feed the
  // harness kernels that fail to build or compute wrong numbers. Waits for builds in flight.
  void OverrideSource(const std::string& program, std::string source);

 private:
  enum class State { kQueued, kBuilding, kReady };
  struct Entry {
    State state = State::kQueued;
    BuildResult result;
    bool prebuilt = false;  // built by a build thread
    bool used = false;      // served by Get()
  };
  struct Job {
    std::string key, program, options;
  };

  std::string Key(const std::string& program_name, const std::string& options) const;  // locked
  BuildResult Build(const std::string& program_name, const std::string& options,
                    std::unique_lock<std::mutex>& lock);  // unlocks while compiling
  void WorkerLoop();

  cl_context context_;
  cl_device_id device_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> cache_;  // node-based: references stay valid as it grows
  std::map<std::string, std::string> overrides_;
  std::deque<Job> queue_;
  size_t prebuilt_used_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mace_tune
