// SPDX-License-Identifier: Apache-2.0
// Crash-proof evaluation (DESIGN.md "Failures are results"): configs are evaluated in a child
// process ("mace_tune eval-worker") that owns its own OpenCL context, over pipes, under a watchdog.
// A crash is recorded as launch_failed, a hang past the watchdog as timeout; the worker is then
// restarted for the next config and tuning goes on.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tuner/evaluator.h"

namespace mace_tune {

struct WorkerOptions {
  std::string exe;  // the mace_tune binary (default: /proc/self/exe)
  std::string platform, device;
  double watchdog_s = 60;            // no answer for one config within this: the worker is killed
  std::vector<std::string> kernels;  // users' kernel descriptions the worker registers (--kernel)
  std::string device_lock;           // the build pool's lock file (device_lock.h); "" alone
};

class WorkerEvaluator {
 public:
  WorkerEvaluator(const WorkerOptions& options, const TuningKey& key, uint64_t seed, const MeasureOptions& measure);
  ~WorkerEvaluator();
  WorkerEvaluator(const WorkerEvaluator&) = delete;
  WorkerEvaluator& operator=(const WorkerEvaluator&) = delete;

  // Like InstanceEvaluator::Evaluate; a crash or hang of the worker is a result, not an exception.
  // Throws only when a fresh worker cannot even start (device gone, binary missing).
  // `on_timing` (pool workers): called when the worker has the device lock and starts timing.
  Measurement Evaluate(const ParamMap& params, const std::function<void()>& on_timing = {});
  int restarts() const { return restarts_; }

  // For a pool of workers (build_pool.h). The next key: the worker (kept running) re-initializes
  // for it without waiting. Build: prepare a config in the worker ahead of its Evaluate (built,
  // launched once, verified), without waiting for the answer. WaitBuilt: read the answers of every
  // build sent so far; false when the worker died or hung meanwhile (it is then restarted by the
  // next call). Pause / Resume stop and continue the process (SIGSTOP / SIGCONT).
  void SetKey(const TuningKey& key, uint64_t seed);
  void Build(const ParamMap& params);
  bool WaitBuilt();
  // Reads the answers that have already arrived, without waiting; pending() then counts the builds
  // still running. A dead worker is noticed by the next WaitBuilt or Evaluate.
  void Poll();
  size_t pending() const { return expected_.size(); }
  // Whether a build of this config was sent (answered or not) and not yet evaluated.
  bool Has(const std::string& params_text) const;
  static constexpr size_t kKeptBuilds = 16;  // prepared configs a worker keeps (the oldest go)
  void Pause();
  void Resume();
  // Milliseconds the last Evaluate waited for the worker's earlier builds, and the compiler time
  // they reported (both 0 without builds).
  double last_wait_ms() const { return last_wait_ms_; }

 private:
  void Start();
  void Stop(bool kill);
  void Send(const std::string& line);
  bool ReadLine(std::string* line, double timeout_s);  // false: EOF or timeout (timed_out_ set)
  std::string DescribeExit();
  Measurement Lost(Measurement m, std::chrono::steady_clock::time_point start);

  WorkerOptions options_;
  TuningKey key_;
  uint64_t seed_;
  MeasureOptions measure_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string buffer_;
  bool timed_out_ = false;
  bool paused_ = false;
  int restarts_ = 0;
  std::vector<std::string> expected_;  // replies due: "" for READY, else a BUILD's config text
  std::vector<std::string> built_;     // configs the worker holds prepared (its last kKeptBuilds)
  std::string start_error_;            // an ERROR line read instead of READY
  double last_wait_ms_ = 0;
};

// The child's side: reads INIT and EVAL lines on stdin, answers on stdout. Returns the exit code.
// Test hooks: a config whose "NAME=VALUE,..." text contains $MACE_TUNE_TEST_CRASH_PARAMS aborts
// the worker, one containing $MACE_TUNE_TEST_HANG_PARAMS makes it hang.
int RunEvalWorker(const std::string& platform, const std::string& device, const std::string& device_lock = {});

// Tab-separated line form of a Measurement (escapes \t \n \\), shared by both sides. Decoding
// refuses an unknown status, a number that is not finite, or more than kMaxWorkerSamples samples.
std::string EncodeMeasurement(const Measurement& m);
bool DecodeMeasurement(const std::string& line, Measurement* m);
// The INIT line: the key, the seed and the measure options (each within the CLI's ranges).
std::string EncodeInit(const TuningKey& key, uint64_t seed, const MeasureOptions& measure);
bool DecodeInit(const std::string& line, TuningKey* key, uint64_t* seed, MeasureOptions* measure);

inline constexpr size_t kMaxWorkerSamples = 1000000;
inline constexpr size_t kMaxWorkerLine = size_t{64} << 20;  // a longer line is a broken worker

}  // namespace mace_tune
