// SPDX-License-Identifier: Apache-2.0
// Build, verify and time one config.
#include "tuner/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

namespace mace_tune {
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string FirstLines(const std::string& text, size_t max_chars) {
  return text.size() <= max_chars ? text : text.substr(0, max_chars) + "...";
}

}  // namespace

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)) + upper) / 2;
}

double MedianAbsoluteDeviation(const std::vector<double>& values) {
  const double median = Median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - median));
  return Median(std::move(deviations));
}

double MedianCiRelative(std::vector<double> v) {
  const size_t n = v.size();
  if (n < 6) return std::numeric_limits<double>::infinity();
  std::sort(v.begin(), v.end());
  const double half = 0.98 * std::sqrt(static_cast<double>(n));
  const double mid = static_cast<double>(n) / 2;
  const size_t lo = static_cast<size_t>(std::max(0.0, std::floor(mid - half)));
  const size_t hi = std::min(n - 1, static_cast<size_t>(std::ceil(mid + half)) - 1);
  const double median = Median(v);
  if (median <= 0) return std::numeric_limits<double>::infinity();
  return (v[hi] - v[lo]) / 2 / median;
}

InstanceEvaluator::InstanceEvaluator(TuneContext& ctx, ProgramCache& cache, const KernelFamily& family,
                                     const TuningKey& key, uint64_t seed, const MeasureOptions& options,
                                     Clock::time_point created)
    : ctx_(ctx),
      cache_(cache),
      family_(family),
      key_(key),
      key_text_(key.ToString()),
      info_(FindFamily(key.family)),
      digest_(ProgramSourceDigest(info_->program)),
      options_(options),
      data_(ctx.context.get(), ctx.device(), ctx.queue.get(), family, key, seed, ctx.limits),
      init_ms_(MsSince(created)) {}

Measurement InstanceEvaluator::Fail(Measurement m, MeasurementStatus status, std::string reason) const {
  m.status = status;
  m.reason = FirstLines(reason, 4000);
  return m;
}

Measurement InstanceEvaluator::Evaluate(const ParamMap& params) { return Time(Prepare(params)); }

Measurement InstanceEvaluator::Evaluate(const ParamMap& params, const std::string& params_text) {
  return Time(Prepare(params, params_text));
}

InstanceEvaluator::Prepared InstanceEvaluator::Prepare(const ParamMap& params) {
  return Prepare(params, FormatParams(params));
}

InstanceEvaluator::Prepared InstanceEvaluator::Prepare(const ParamMap& params, const std::string& params_text) {
  const auto start = Clock::now();
  Prepared p;
  Measurement& m = p.m;
  m.tuning_key = key_text_;
  m.family = key_.family;
  m.params = params_text;
  const FamilyInfo* info = info_;
  m.source_digest = digest_;
  auto finish = [&](Measurement r) {
    r.eval_ms = MsSince(start);
    p.m = std::move(r);
    return std::move(p);
  };

  if (std::string why = family_.CheckConfig(key_, params, ctx_.limits); !why.empty()) {
    return finish(Fail(m, MeasurementStatus::kInvalid, why));
  }
  std::string options;
  Status status = FamilyBuildOptions(key_, params, &options);
  if (status.ok()) status = FamilyGeometry(key_, params, &p.geometry);
  if (!status.ok()) return finish(Fail(m, MeasurementStatus::kInvalid, status.ToString()));

  bool cached = false;
  double waited_ms = 0;
  auto phase = Clock::now();
  const BuildResult& built = cache_.Get(std::string(info->program), options, &cached, &waited_ms);
  // Built here: the compiler's time. Built earlier (cache, or a build thread while the device
  // measured the config before): only what this evaluation waited for it, usually 0.
  m.build_ms = cached ? waited_ms : built.build_ms;
  m.phases.build = MsSince(phase);
  if (!built.program) return finish(Fail(m, MeasurementStatus::kBuildFailed, built.error));

  try {
    phase = Clock::now();
    Kernel kernel = CreateKernel(built.program.get(), std::string(info->kernel));
    const LaunchGeometry& g = p.geometry;
    const size_t lws = g.lws[0] * g.lws[1] * g.lws[2];
    const size_t kernel_max = KernelWorkGroupSize(kernel.get(), ctx_.device());
    m.kernel_max_work_group = kernel_max;
    m.build_options = options;
    if (lws > kernel_max) {
      return finish(Fail(
          m, MeasurementStatus::kInvalid,
          "local size " + std::to_string(lws) + " exceeds CL_KERNEL_WORK_GROUP_SIZE " + std::to_string(kernel_max)));
    }
    const bool image = family_.UsesImages(key_, params);
    family_.SetArgs(kernel.get(), key_, params, data_.Memory(image));
    m.phases.setup = MsSince(phase);

    // Verification run on poisoned outputs: an element the kernel never writes stays NaN.
    DeviceLock::Hold hold(lock_);
    phase = Clock::now();
    data_.PoisonOutputs(image);
    m.phases.verify = MsSince(phase);
    const auto run_start = Clock::now();
    Launch(ctx_.queue.get(), kernel.get(), g.dims, g.gws, g.lws);
    MT_CL_CHECK(clFinish(ctx_.queue.get()));
    m.phases.first_launch = MsSince(run_start);
    if (MsSince(run_start) > options_.timeout_ms) {
      return finish(Fail(m, MeasurementStatus::kTimeout, "one run took " + std::to_string(MsSince(run_start)) + " ms"));
    }
    phase = Clock::now();
    const VerifyResult v = data_.VerifyOutputs(image, &m.max_error);
    m.phases.verify += MsSince(phase);
    if (!v.ok) return finish(Fail(m, MeasurementStatus::kWrongResult, v.reason));
    p.kernel.emplace(std::move(kernel));
  } catch (const ClError& e) {
    return finish(Fail(m, MeasurementStatus::kLaunchFailed, e.what()));
  }
  p.failed = false;
  m.eval_ms = MsSince(start);
  return p;
}

Measurement InstanceEvaluator::Time(Prepared p) {
  if (p.failed || !p.kernel) return std::move(p.m);
  const auto start = Clock::now();
  Measurement m = std::move(p.m);
  const double prepare_ms = m.eval_ms;
  const cl_kernel kernel = p.kernel->get();
  const LaunchGeometry& g = p.geometry;
  DeviceLock::Hold hold(lock_);
  if (timing_hook_) timing_hook_();
  try {
    for (int i = 0; i < options_.warmup; ++i) Launch(ctx_.queue.get(), kernel, g.dims, g.gws, g.lws);
    MT_CL_CHECK(clFinish(ctx_.queue.get()));
    m.phases.warmup = MsSince(start);
    const auto sampling = Clock::now();
    double total_ms = 0;
    auto more = [&] {
      const int n = static_cast<int>(m.samples_ns.size());
      if (n >= options_.max_samples) return false;
      if (n < options_.min_samples) return true;
      if (options_.ci_target <= 0) return total_ms < options_.sample_budget_ms;
      return total_ms < options_.sample_cap_ms && MedianCiRelative(m.samples_ns) > options_.ci_target;
    };
    while (more()) {
      Event e = Launch(ctx_.queue.get(), kernel, g.dims, g.gws, g.lws);
      const cl_event raw = e.get();
      MT_CL_CHECK(clWaitForEvents(1, &raw));
      const double ns = static_cast<double>(EventNanoseconds(e.get()));
      m.samples_ns.push_back(ns);
      total_ms += ns / 1e6;
      if (ns / 1e6 > options_.timeout_ms) break;
    }
    m.phases.sampling = MsSince(sampling);
  } catch (const ClError& e) {
    m = Fail(m, MeasurementStatus::kLaunchFailed, e.what());
    m.samples_ns.clear();
    m.eval_ms = prepare_ms + MsSince(start);
    return m;
  }
  m.median_ns = Median(m.samples_ns);
  m.min_ns = *std::min_element(m.samples_ns.begin(), m.samples_ns.end());
  m.max_ns = *std::max_element(m.samples_ns.begin(), m.samples_ns.end());
  m.mad_ns = MedianAbsoluteDeviation(m.samples_ns);
  m.status = MeasurementStatus::kOk;
  m.eval_ms = prepare_ms + MsSince(start);
  return m;
}

std::vector<std::vector<double>> InstanceEvaluator::Remeasure(const std::vector<ParamMap>& configs, int rounds) {
  const FamilyInfo* info = info_;
  std::vector<std::optional<Kernel>> kernels(configs.size());
  std::vector<LaunchGeometry> geometry(configs.size());
  for (size_t i = 0; i < configs.size(); ++i) {
    std::string options;
    if (!FamilyBuildOptions(key_, configs[i], &options).ok() || !FamilyGeometry(key_, configs[i], &geometry[i]).ok())
      continue;
    bool cached = false;
    const BuildResult& built = cache_.Get(std::string(info->program), options, &cached);
    if (!built.program) continue;
    try {
      kernels[i].emplace(CreateKernel(built.program.get(), std::string(info->kernel)));
      const bool image = family_.UsesImages(key_, configs[i]);
      family_.SetArgs(kernels[i]->get(), key_, configs[i], data_.Memory(image));
      Launch(ctx_.queue.get(), kernels[i]->get(), geometry[i].dims, geometry[i].gws, geometry[i].lws);  // warm-up
    } catch (const ClError&) {
      kernels[i].reset();
    }
  }
  std::vector<std::vector<double>> samples(configs.size());
  MT_CL_CHECK(clFinish(ctx_.queue.get()));
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < configs.size(); ++i) {
      if (!kernels[i]) continue;
      try {
        Event e = Launch(ctx_.queue.get(), kernels[i]->get(), geometry[i].dims, geometry[i].gws, geometry[i].lws);
        const cl_event raw = e.get();
        MT_CL_CHECK(clWaitForEvents(1, &raw));
        samples[i].push_back(static_cast<double>(EventNanoseconds(e.get())));
      } catch (const ClError&) {
        kernels[i].reset();
        samples[i].clear();
      }
    }
  }
  return samples;
}

}  // namespace mace_tune
