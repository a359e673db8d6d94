// The tuning loop and its progress line.
#include "tuner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "device_state.h"
#include "kernel_family.h"
#include "prior_results.h"
#include "search_space.h"
#include "strategy.h"

namespace mace_tune {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Ms(double ns) { return fmt::format("{:.3f} ms", ns / 1e6); }

void Progress(const InstanceReport& r, size_t index, size_t total, int64_t budget, double elapsed_s) {
  const int64_t goal = budget > 0 ? std::min<int64_t>(budget, static_cast<int64_t>(r.space_size))
                                  : static_cast<int64_t>(r.space_size);
  const double eta = r.evaluated > 0 ? elapsed_s / static_cast<double>(r.evaluated) *
                                           static_cast<double>(goal - r.evaluated)
                                     : 0;
  std::fprintf(stderr, "\r\033[K[%zu/%zu] %s  %lld/%lld  best %s  ETA %.0fs", index + 1, total,
               r.tuning_key.c_str(), static_cast<long long>(r.evaluated), static_cast<long long>(goal),
               r.best ? Ms(r.best->median_ns).c_str() : "-", eta);
  std::fflush(stderr);
}

void Consider(InstanceReport* r, const Measurement& m) {
  if (m.status != "ok") {
    ++r->failed;
    return;
  }
  if (!r->best || m.median_ns < r->best->median_ns) r->best = m;
}

// The k fastest ok configs recorded for this instance, re-measured interleaved; the winner is the
// lowest median of that re-measurement (it replaces r->best when it differs).
void Remeasure(InstanceReport* r, const Store& store, int64_t device_id, InstanceEvaluator& evaluator,
               const TuneRequest& request) {
  std::vector<Measurement> ok;
  for (auto& m : store.Measurements(device_id, r->tuning_key)) {
    if (m.status == "ok") ok.push_back(std::move(m));
  }
  std::sort(ok.begin(), ok.end(), [](const auto& a, const auto& b) { return a.median_ns < b.median_ns; });
  if (ok.size() > static_cast<size_t>(request.final_top_k)) ok.resize(static_cast<size_t>(request.final_top_k));
  if (ok.size() < 2) return;
  std::vector<ParamMap> configs;
  for (const auto& m : ok) {
    ParamMap p;
    if (ParseParams(m.params, &p).ok()) configs.push_back(p);
  }
  if (configs.size() != ok.size()) return;
  const auto samples = evaluator.Remeasure(configs, request.final_rounds);
  for (size_t i = 0; i < ok.size(); ++i) {
    Remeasured x;
    x.params = ok[i].params;
    x.first_median_ns = ok[i].median_ns;
    x.samples_ns = samples[i];
    x.median_ns = samples[i].empty() ? 0 : Median(samples[i]);
    r->final.push_back(std::move(x));
  }
  std::stable_sort(r->final.begin(), r->final.end(), [](const auto& a, const auto& b) {
    return (a.median_ns > 0 ? a.median_ns : 1e300) < (b.median_ns > 0 ? b.median_ns : 1e300);
  });
  for (const auto& m : ok) {
    if (m.params == r->final.front().params && r->final.front().median_ns > 0) r->best = m;
  }
}

}  // namespace

TuneReport Tune(TuneContext& ctx, Store& store, const TuneRequest& request, const std::atomic<bool>* stop) {
  const auto start = Clock::now();
  TuneReport report;
  const int64_t device_id = store.AddDevice(ctx.fingerprint, ctx.profile.name);
  RunInfo info;
  info.tool_version = request.tool_version;
  info.workload = request.workload.name;
  info.strategy = request.strategy;
  info.command = request.command;
  info.seed = request.seed;
  info.max_evals = request.max_evals;
  info.time_limit_s = request.time_limit_s;
  report.run_id = store.BeginRun(device_id, info);
  report.device_state_start = ReadDeviceState();
  ProgramCache cache(ctx.context.get(), ctx.device());
  const bool tty = request.progress && isatty(STDERR_FILENO);
  auto stopped = [stop] { return stop != nullptr && stop->load(); };

  try {
    for (size_t index = 0; index < request.workload.items.size() && !stopped(); ++index) {
      const WorkloadItem& item = request.workload.items[index];
      const KernelFamily& family = *FindKernelFamily(item.key.family);
      const auto instance_start = Clock::now();
      InstanceReport r;
      r.tuning_key = item.key.ToString();
      r.count = item.count;
      store.AddInstance(r.tuning_key, item.key.family, family.Flops(item.key), family.BytesMoved(item.key));
      const SearchSpace space(family.Parameters(item.key, ctx.limits), [&](const ParamMap& p) {
        return family.CheckConfig(item.key, p, ctx.limits);
      });
      r.space_size = space.size();
      InstanceEvaluator evaluator(ctx, cache, family, item.key, request.seed, request.measure);
      std::optional<WorkerEvaluator> worker;
      if (request.isolate) worker.emplace(request.worker, item.key, request.seed, request.measure);

      // Measure-or-recall one config; recorded before anything else happens.
      auto evaluate = [&](const ParamMap& params) {
        const std::string digest = ProgramSourceDigest(FindFamily(item.key.family)->program);
        if (auto old = store.Find(device_id, r.tuning_key, FormatParams(params), digest)) return *old;
        const auto eval_start = Clock::now();
        Measurement m = worker ? worker->Evaluate(params) : evaluator.Evaluate(params);
        m.run_id = report.run_id;
        store.Record(device_id, m);
        report.measure_wall_s += SecondsSince(eval_start);
        for (double ns : m.samples_ns) report.kernel_s += ns / 1e9;
        report.build_s += m.build_ms / 1e3;
        ++report.measured;
        ++r.measured;
        return m;
      };

      ParamMap default_params;
      const Status status = FamilyDefaultParams(item.key, ctx.limits, &default_params);
      if (!status.ok()) throw std::runtime_error(status.ToString());
      r.default_config = evaluate(default_params);
      store.SetDefaultConfig(device_id, r.tuning_key, r.default_config->params);
      Consider(&r, *r.default_config);

      StrategyOptions options;
      options.seed = request.seed;
      options.start = default_params;
      if (request.strategy == "transfer") {
        options.history = LoadPriorResults(store, device_id, r.tuning_key, item.key.family);
      }
      auto strategy = MakeStrategy(request.strategy, space, options);
      // The default is already measured: strategies start from what it taught.
      if (const auto at = space.Match(default_params)) {
        strategy->Tell(*at, EvalOutcome{r.default_config->status == "ok", r.default_config->median_ns});
      }
      int64_t since_best = 0;
      while (!stopped()) {
        if (request.max_evals > 0 && r.evaluated >= request.max_evals) break;
        if (request.time_limit_s > 0 && SecondsSince(instance_start) >= request.time_limit_s) break;
        if (request.patience > 0 && since_best >= request.patience) {
          r.patience_stop = true;
          break;
        }
        const auto next = strategy->Next();
        if (!next) break;
        const Measurement m = evaluate(space.configs()[*next]);
        ++r.evaluated;
        const double best_before = r.best ? r.best->median_ns : 0;
        Consider(&r, m);
        since_best = r.best && r.best->median_ns != best_before ? 0 : since_best + 1;
        strategy->Tell(*next, EvalOutcome{m.status == "ok", m.median_ns});
        if (tty) Progress(r, index, request.workload.items.size(), request.max_evals, SecondsSince(instance_start));
      }
      if (worker) report.worker_restarts += worker->restarts();
      if (request.final_top_k > 1 && !stopped()) Remeasure(&r, store, device_id, evaluator, request);
      if (tty) std::fprintf(stderr, "\r\033[K");
      if (request.progress) {
        std::fprintf(stderr, "[%zu/%zu] %s: %lld configs (%lld new, %lld failed) of %zu, best %s, default %s\n",
                     index + 1, request.workload.items.size(), r.tuning_key.c_str(),
                     static_cast<long long>(r.evaluated), static_cast<long long>(r.measured),
                     static_cast<long long>(r.failed), r.space_size,
                     r.best ? Ms(r.best->median_ns).c_str() : "none",
                     r.default_config->status == "ok" ? Ms(r.default_config->median_ns).c_str()
                                                      : r.default_config->status.c_str());
      }
      report.instances.push_back(std::move(r));
    }
  } catch (...) {
    store.FinishRun(report.run_id, "failed");
    throw;
  }
  report.interrupted = stopped();
  report.device_state_end = ReadDeviceState();
  report.wall_s = SecondsSince(start);
  store.FinishRun(report.run_id, report.interrupted ? "interrupted" : "done");
  return report;
}

}  // namespace mace_tune
