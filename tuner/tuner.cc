// SPDX-License-Identifier: Apache-2.0
// The tuning loop over a workload's keys (tune_instance.cc tunes each), the run's records around
// it (device, run, clocks and temperature at start and end) and its overhead account.
#include "tuner/tuner.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

#include "tuner/build_pool.h"
#include "tuner/device_state.h"
#include "tuner/program_cache.h"
#include "tuner/tune_instance.h"

namespace mace_tune {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

RunInfo RunInfoOf(const TuneRequest& request) {
  RunInfo info;
  info.tool_version = request.tool_version;
  info.workload = request.workload.name;
  info.strategy = request.strategy;
  info.command = request.command;
  info.seed = request.seed;
  info.max_evals = request.budget.max_evals;
  info.time_limit_s = request.budget.time_limit_s;
  return info;
}

// Reads the clocks and temperatures, records them with the run ("start" or "end"), and describes them.
std::string RecordDeviceState(Store& store, int64_t run_id, const std::string& phase) {
  const auto readings = ReadDeviceReadings();
  store.RecordDeviceState(run_id, phase, readings);
  return FormatDeviceState(readings);
}

// Build jobs: worker processes build ahead and evaluate (build_pool.h); on a CPU device the others
// are stopped while one times, since they share the cores the timed kernel runs on.
std::unique_ptr<BuildPool> MakeBuildPool(const TuneContext& ctx, const TuneRequest& request) {
  if (request.build_jobs <= 0) return nullptr;
  const bool cpu = (DeviceValue<cl_device_type>(ctx.device(), CL_DEVICE_TYPE) & CL_DEVICE_TYPE_CPU) != 0;
  return std::make_unique<BuildPool>(request.worker, request.build_jobs, cpu, request.measure);
}

// The run's totals once its keys are done: what was built ahead, the device's state, the time.
void Conclude(TuneReport* report, const ProgramCache& cache, const BuildPool* pool) {
  report->prebuilt_used = static_cast<int64_t>(cache.prebuilt_used());
  if (pool != nullptr) {
    report->prebuilt_used = pool->stats().prebuilt;
    report->build_wait_s = pool->stats().build_wait_ms / 1e3;
    report->build_jobs = pool->jobs();
    report->worker_restarts += pool->restarts();
  }
}

}  // namespace

TuneReport Tune(TuneContext& ctx, Store& store, const TuneRequest& request, const std::atomic<bool>* stop,
                TuneReporter* reporter) {
  const auto start = Clock::now();
  TuneReport report;
  const int64_t device_id = store.AddDevice(ctx.fingerprint, ctx.profile.name);
  report.run_id = store.BeginRun(device_id, RunInfoOf(request));
  report.device_state_start = RecordDeviceState(store, report.run_id, "start");
  ProgramCache cache(ctx.context.get(), ctx.device(),
                     request.isolate || request.build_jobs > 0 ? 0 : request.build_threads);
  const std::unique_ptr<BuildPool> pool = MakeBuildPool(ctx, request);
  const std::function<bool()> stopped = [stop] { return stop != nullptr && stop->load(); };
  TuneRun run{ctx, store, request, stopped, device_id, cache, pool.get(), reporter, report};
  try {
    for (size_t index = 0; index < request.workload.items.size() && !stopped(); ++index) {
      std::optional<InstanceReport> r = TuneInstance(run, index);
      if (!r) break;
      report.instances.push_back(std::move(*r));
    }
  } catch (...) {
    try {
      store.ReleaseClaims();  // a claim left behind is taken over anyway once this process is gone
    } catch (const std::exception&) {
    }
    store.FinishRun(report.run_id, "failed");
    throw;
  }
  store.ReleaseClaims();
  Conclude(&report, cache, pool.get());
  report.interrupted = stopped();
  report.device_state_end = RecordDeviceState(store, report.run_id, "end");
  report.wall_s = SecondsSince(start);
  store.SetRunOverhead(report.run_id, report.OverheadBreakdown());
  store.FinishRun(report.run_id, report.interrupted ? "interrupted" : "done");
  return report;
}

void OverheadAccount::Add(const EvalPhases& p, bool ahead) {
  // Built ahead: its compiling, first launch and checks happened in a worker while the device
  // measured others; only the wait for it (p.build, set by the pool) was on the critical path.
  const double prepared = (p.setup + p.first_launch + p.verify) / 1e3;
  build += p.build / 1e3;
  if (ahead) {
    hidden_build += prepared;
  } else {
    setup += p.setup / 1e3;
    first_launch += p.first_launch / 1e3;
    verify += p.verify / 1e3;
  }
  warmup += p.warmup / 1e3;
  sampling_gaps += p.sampling / 1e3;
}

std::string TuneReport::OverheadBreakdown() const {
  if (measured == 0) return {};
  const double n = static_cast<double>(measured);
  const OverheadAccount& o = overhead;
  auto ms = [n](double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", s * 1e3 / n);
    return std::string(text);
  };
  const double inside[] = {o.build, o.setup, o.first_launch, o.verify, o.warmup, o.sampling_gaps, o.store_write};
  const char* names[] = {"build", "setup", "first launch", "verification", "warm-up", "sampling gaps", "store"};
  std::string text;
  double accounted = 0;
  for (size_t i = 0; i < std::size(inside); ++i) {
    accounted += inside[i];
    text += (text.empty() ? "" : ", ") + std::string(names[i]) + " " + ms(inside[i]);
    if (i == 0 && o.hidden_build > 0) text += " (+" + ms(o.hidden_build) + " done ahead in workers)";
  }
  text += ", other " + ms(measure_wall_s - kernel_s - accounted);
  return text + "; outside the evaluations: search spaces " + ms(o.space) + ", strategy " + ms(o.strategy) +
         ", store lookups " + ms(o.store_lookup) + ", inputs+reference " + ms(o.init);
}

}  // namespace mace_tune
