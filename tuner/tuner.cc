// The tuning loop and its progress line.
#include "tuner.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "kernel_family.h"
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

      // Measure-or-recall one config; recorded before anything else happens.
      auto evaluate = [&](const ParamMap& params) {
        const std::string digest = ProgramSourceDigest(FindFamily(item.key.family)->program);
        if (auto old = store.Find(device_id, r.tuning_key, FormatParams(params), digest)) return *old;
        const auto eval_start = Clock::now();
        Measurement m = evaluator.Evaluate(params);
        m.run_id = report.run_id;
        store.Record(device_id, m);
        report.measure_wall_s += SecondsSince(eval_start);
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

      auto strategy = MakeStrategy(request.strategy, space, request.seed);
      while (!stopped()) {
        if (request.max_evals > 0 && r.evaluated >= request.max_evals) break;
        if (request.time_limit_s > 0 && SecondsSince(instance_start) >= request.time_limit_s) break;
        const auto next = strategy->Next();
        if (!next) break;
        const Measurement m = evaluate(space.configs()[*next]);
        ++r.evaluated;
        Consider(&r, m);
        strategy->Tell(*next, EvalOutcome{m.status == "ok", m.median_ns});
        if (tty) Progress(r, index, request.workload.items.size(), request.max_evals, SecondsSince(instance_start));
      }
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
  report.wall_s = SecondsSince(start);
  store.FinishRun(report.run_id, report.interrupted ? "interrupted" : "done");
  return report;
}

}  // namespace mace_tune
