// SPDX-License-Identifier: Apache-2.0
// The tuning loop and its progress line.
#include "tuner/tuner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "tuner/build_pool.h"
#include "tuner/device_state.h"
#include "tuner/kernel_limits.h"
#include "kernels/kernel_family.h"
#include "tuner/prior_results.h"
#include "tuner/proposals.h"
#include "search_strategies/search_space.h"
#include "search_strategies/strategy.h"

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
  if (!m.ok()) {
    ++r->failed;
    return;
  }
  if (!r->best || m.median_ns < r->best->median_ns) r->best = m;
}

// Sleeps up to `seconds` in short slices; false when stopped first.
bool SleepUnlessStopped(double seconds, const std::function<bool()>& stopped) {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < until) {
    if (stopped()) return false;
    const Clock::duration left = until - Clock::now();
    std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return true;
}

// The cool-down before a key (TuneRequest::cool_down_*): the fixed sleep, then polling the hottest
// GPU temperature until it is below the threshold, the cap, or a stop.
CoolDown CoolDownBefore(const TuneRequest& request, bool first_key, const std::function<bool()>& stopped) {
  CoolDown c;
  if (request.cool_down_s > 0 && !first_key) {
    const auto start = Clock::now();
    SleepUnlessStopped(request.cool_down_s, stopped);
    c.slept_s = SecondsSince(start);
  }
  if (request.cool_down_temp_c <= 0) return c;
  c.threshold_c = request.cool_down_temp_c;
  auto hottest = HottestGpu(ReadDeviceReadings());
  if (!hottest) return c;  // nothing exposes a temperature: reached stays unknown
  c.source = hottest->source;
  c.temperature_before_c = hottest->temperature_c;
  const auto start = Clock::now();
  while (hottest && *hottest->temperature_c >= request.cool_down_temp_c &&
         SecondsSince(start) < request.cool_down_max_wait_s) {
    const double left = request.cool_down_max_wait_s - SecondsSince(start);
    if (!SleepUnlessStopped(std::min(request.cool_down_poll_s, left), stopped)) break;
    hottest = HottestGpu(ReadDeviceReadings());
  }
  c.waited_s = SecondsSince(start);
  if (hottest) {
    c.source = hottest->source;
    c.temperature_after_c = hottest->temperature_c;
  }
  c.reached = hottest && *hottest->temperature_c < request.cool_down_temp_c;
  return c;
}

// --storage: the tensor storage a config may use (IMG=0 buffers, IMG=1 images).
std::string StorageRule(const std::string& storage, const ParamMap& p) {
  const auto img = p.find("IMG");
  if (storage == "any" || img == p.end()) return {};
  if (storage == "buffer" && img->second != 0) return "--storage buffer: buffers only";
  if (storage == "image" && img->second != 1) return "--storage image: images only";
  return {};
}

// Configs worth building ahead when the strategy cannot say what comes next: the steps around the
// three fastest configs so far (where a learning strategy looks next), not yet evaluated.
void Speculate(const SearchSpace& space, std::vector<std::pair<double, size_t>>& ranked, size_t n,
               std::vector<size_t>* out) {
  std::sort(ranked.begin(), ranked.end());
  std::set<size_t> evaluated;
  for (const auto& [median, index] : ranked) evaluated.insert(index);
  for (size_t top = 0; top < std::min<size_t>(3, ranked.size()) && out->size() < n; ++top) {
    for (size_t step : space.Steps(ranked[top].second)) {
      if (out->size() >= n) break;
      if (evaluated.count(step) == 0 && std::find(out->begin(), out->end(), step) == out->end()) out->push_back(step);
    }
  }
}

// The k fastest ok configs recorded for this instance with the current source, re-measured
// interleaved; the winner is the lowest median of that re-measurement (it replaces r->best when
// it differs). Everything, every round-robin sample included, is recorded with the run.
void Remeasure(InstanceReport* r, Store& store, int64_t device_id, int64_t run_id,
               InstanceEvaluator& evaluator, const TuneRequest& request) {
  const std::string digest = ProgramSourceDigest(FindFamily(evaluator.key().family)->program);
  std::vector<Measurement> ok;
  for (auto& m : store.Measurements(device_id, r->tuning_key)) {
    if (m.ok() && m.source_digest == digest) ok.push_back(std::move(m));
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
    x.slot = static_cast<int>(i);
    x.first_median_ns = ok[i].median_ns;
    x.samples_ns = samples[i];
    x.median_ns = samples[i].empty() ? 0 : Median(samples[i]);
    r->final.push_back(std::move(x));
  }
  std::stable_sort(r->final.begin(), r->final.end(), [](const auto& a, const auto& b) {
    return (a.median_ns > 0 ? a.median_ns : 1e300) < (b.median_ns > 0 ? b.median_ns : 1e300);
  });
  const bool won = r->final.front().median_ns > 0;
  for (const auto& m : ok) {
    if (m.params == r->final.front().params && won) r->best = m;
  }
  std::vector<FinalResult> rows;
  for (size_t i = 0; i < r->final.size(); ++i) {
    const Remeasured& x = r->final[i];
    rows.push_back({x.params, x.slot, x.first_median_ns, x.samples_ns, x.median_ns, i == 0 && won});
  }
  store.RecordFinal(run_id, r->tuning_key, evaluator.key().family, digest, rows);
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
  {
    const auto readings = ReadDeviceReadings();
    store.RecordDeviceState(report.run_id, "start", readings);
    report.device_state_start = FormatDeviceState(readings);
  }
  ProgramCache cache(ctx.context.get(), ctx.device(),
                     request.isolate || request.build_jobs > 0 ? 0 : request.build_threads);
  // Build jobs: worker processes build ahead and evaluate (build_pool.h); on a CPU device the others
  // are stopped while one times, since they share the cores the timed kernel runs on.
  std::optional<BuildPool> pool;
  if (request.build_jobs > 0) {
    const bool cpu = (DeviceValue<cl_device_type>(ctx.device(), CL_DEVICE_TYPE) & CL_DEVICE_TYPE_CPU) != 0;
    pool.emplace(request.worker, request.build_jobs, cpu, request.measure);
  }
  const bool tty = request.progress && isatty(STDERR_FILENO);
  const std::function<bool()> stopped = [stop] { return stop != nullptr && stop->load(); };

  try {
    for (size_t index = 0; index < request.workload.items.size() && !stopped(); ++index) {
      const WorkloadItem& item = request.workload.items[index];
      const KernelFamily& family = *FindKernelFamily(item.key.family);
      InstanceReport r;
      r.tuning_key = item.key.ToString();
      r.count = item.count;
      store.AddInstance(r.tuning_key, item.key.family, family.Flops(item.key), family.BytesMoved(item.key));
      if (const desc::KernelDescription& d = family.description(); !d.builtin()) {
        // A user's kernel: its description and source go with the results, under their digest.
        store.AddDescription(ProgramSourceDigest(d.program()), d.name(), desc::EncodeDescription(d.text()));
      }
      if (request.cool_down_s > 0 || request.cool_down_temp_c > 0) {
        r.cool_down = CoolDownBefore(request, index == 0, stopped);
        store.RecordCoolDown(report.run_id, r.tuning_key, *r.cool_down);
        if (stopped()) break;
      }
      const auto instance_start = Clock::now();
      const SearchSpace space(family.Parameters(item.key, ctx.limits), [&](const ParamMap& p) {
        if (std::string why = StorageRule(request.storage, p); !why.empty()) return why;
        return family.CheckConfig(item.key, p, ctx.limits);
      });
      r.space_size = space.size();
      // In-process evaluation: every config without workers; with them only the final
      // re-measurement, so its inputs and reference are made only then.
      std::optional<InstanceEvaluator> local;
      auto evaluator = [&]() -> InstanceEvaluator& {
        if (!local) {
          local.emplace(ctx, cache, family, item.key, request.seed, request.measure);
          report.overhead.init += local->init_ms() / 1e3;
        }
        return *local;
      };
      std::optional<WorkerEvaluator> worker;
      if (pool) {
        pool->SetKey(item.key, request.seed);
      } else if (request.isolate) {
        worker.emplace(request.worker, item.key, request.seed, request.measure);
      }

      KernelLimits limits;  // each variant's CL_KERNEL_WORK_GROUP_SIZE, learnt from its first build
      // Measure-or-recall one config; recorded before anything else happens. Another tune on this
      // database may be measuring it right now: its result is waited for, never measured twice
      // (nullopt: stopped while waiting).
      auto evaluate = [&](const ParamMap& params) -> std::optional<Measurement> {
        const std::string digest = ProgramSourceDigest(FindFamily(item.key.family)->program);
        const std::string text = FormatParams(params);
        auto store_start = Clock::now();
        if (auto old = store.Find(device_id, r.tuning_key, text, digest)) return old;
        report.overhead.store_lookup += SecondsSince(store_start);
        if (std::optional<Measurement> known = limits.Prune(item.key, params, r.tuning_key, digest)) {
          ++report.pruned;
          return known;  // not built, not recorded: the strategy learns it cost nothing
        }
        for (;;) {
          const ClaimResult claim = store.Claim(device_id, r.tuning_key, text, digest);
          if (claim == ClaimResult::kClaimed) break;
          if (claim == ClaimResult::kRecorded) return store.Find(device_id, r.tuning_key, text, digest);
          if (stopped()) return std::nullopt;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const auto eval_start = Clock::now();
        bool ahead = false;
        Measurement m = pool     ? pool->Evaluate(params, &ahead)
                        : worker ? worker->Evaluate(params)
                                 : evaluator().Evaluate(params);
        m.run_id = report.run_id;
        limits.Learn(m);
        store_start = Clock::now();
        store.Record(device_id, m);
        report.overhead.store_write += SecondsSince(store_start);
        report.overhead.Add(m.phases, ahead);
        double kernel_s = 0;
        for (double ns : m.samples_ns) kernel_s += ns / 1e9;
        report.overhead.sampling_gaps -= kernel_s;
        report.measure_wall_s += SecondsSince(eval_start);
        for (double ns : m.samples_ns) report.kernel_s += ns / 1e9;
        report.build_s += m.build_ms / 1e3;
        ++report.measured;
        ++r.measured;
        return m;
      };

      // Queues the build of a config the strategy will propose soon, unless it is recorded already.
      const std::string digest = ProgramSourceDigest(FindFamily(item.key.family)->program);
      const std::string program(FindFamily(item.key.family)->program);
      auto prebuild = [&](const ParamMap& params) {
        std::string options;
        if (!FamilyBuildOptions(item.key, params, &options).ok()) return;
        if (store.Find(device_id, r.tuning_key, FormatParams(params), digest)) return;
        if (pool) {
          pool->Prebuild(params);
        } else {
          cache.Prebuild(program, options);
        }
      };

      ParamMap default_params;
      const Status status = FamilyDefaultParams(item.key, ctx.limits, &default_params);
      if (!status.ok()) throw std::runtime_error(status.ToString());
      r.default_config = evaluate(default_params);
      if (!r.default_config) break;
      store.SetDefaultConfig(device_id, r.tuning_key, r.default_config->params);
      Consider(&r, *r.default_config);

      StrategyOptions options;
      options.seed = request.seed;
      options.start = default_params;
      if (request.strategy == "transfer") {
        options.history = LoadPriorResults(store, device_id, r.tuning_key, item.key.family);
        for (auto& p : ImportedPriorResults(request.imported_priors, r.tuning_key, item.key.family)) {
          options.history.push_back(std::move(p));
        }
      }
      auto strategy = MakeStrategy(request.strategy, space, options);
      // The default is already measured: strategies start from what it taught.
      if (const auto at = space.Match(default_params)) {
        strategy->Tell(*at, EvalOutcome{r.default_config->ok(), r.default_config->median_ns});
      }
      for (const ParamMap& extra : request.extra_configs) {
        const auto at = space.Match(extra);
        if (!at || stopped()) continue;  // not a point of this key's space (another family's, say)
        const std::optional<Measurement> m = evaluate(extra);
        if (!m) break;
        ++r.evaluated;
        Consider(&r, *m);
        strategy->Tell(*at, EvalOutcome{m->ok(), m->median_ns});
      }
      // With workers building ahead, the strategy proposes a batch per worker that builds ahead
      // (all but worker 0), so their programs compile side by side (proposals.h).
      ProposalQueue proposals(*strategy, pool && pool->jobs() > 1 ? static_cast<size_t>(pool->jobs() - 1) : 1);
      int64_t since_best = 0;
      std::vector<std::pair<double, size_t>> ranked;  // (median, config) of the ok ones, for Speculate
      while (!stopped()) {
        if (request.max_evals > 0 && r.evaluated >= request.max_evals) break;
        if (request.time_limit_s > 0 && SecondsSince(instance_start) >= request.time_limit_s) break;
        if (request.patience > 0 && since_best >= request.patience) {
          r.patience_stop = true;
          break;
        }
        auto strategy_start = Clock::now();
        const size_t budget_left = request.max_evals > 0 ? static_cast<size_t>(request.max_evals - r.evaluated)
                                                         : static_cast<size_t>(-1);
        const auto next = proposals.Next(budget_left);
        if (!next) break;
        const int builders = pool ? pool->jobs() : cache.build_threads();
        if (builders > 0) {
          const size_t ahead = 2 * static_cast<size_t>(builders) + 1;
          std::vector<size_t> upcoming = proposals.Upcoming(ahead);
          // With workers to spare, guess too: strategies that learn step next to the best configs.
          if (pool && upcoming.size() < ahead) Speculate(space, ranked, ahead, &upcoming);
          for (size_t i : upcoming) prebuild(space.configs()[i]);
        }
        report.overhead.strategy += SecondsSince(strategy_start);
        const int64_t pruned_before = report.pruned;
        const std::optional<Measurement> m = evaluate(space.configs()[*next]);
        if (!m) break;
        if (report.pruned > pruned_before) {  // answered unbuilt: no evaluation, no budget spent
          strategy->Tell(*next, EvalOutcome{false, 0});
          continue;
        }
        ++r.evaluated;
        const double best_before = r.best ? r.best->median_ns : 0;
        Consider(&r, *m);
        since_best = r.best && r.best->median_ns != best_before ? 0 : since_best + 1;
        strategy_start = Clock::now();
        strategy->Tell(*next, EvalOutcome{m->ok(), m->median_ns});
        if (m->ok()) ranked.emplace_back(m->median_ns, *next);
        report.overhead.strategy += SecondsSince(strategy_start);
        if (tty) Progress(r, index, request.workload.items.size(), request.max_evals, SecondsSince(instance_start));
      }
      if (worker) report.worker_restarts += worker->restarts();
      if (request.final_top_k > 1 && !stopped()) {
        if (pool) pool->PauseAll();  // nothing else runs while configs are timed side by side
        Remeasure(&r, store, device_id, report.run_id, evaluator(), request);
        if (pool) pool->ResumeAll();
      }
      if (tty) std::fprintf(stderr, "\r\033[K");
      if (request.progress) {
        std::fprintf(stderr, "[%zu/%zu] %s: %lld configs (%lld new, %lld failed) of %zu, best %s, default %s\n",
                     index + 1, request.workload.items.size(), r.tuning_key.c_str(),
                     static_cast<long long>(r.evaluated), static_cast<long long>(r.measured),
                     static_cast<long long>(r.failed), r.space_size,
                     r.best ? Ms(r.best->median_ns).c_str() : "none",
                     r.default_config->ok() ? Ms(r.default_config->median_ns).c_str()
                                                      : MeasurementStatusName(r.default_config->status));
      }
      report.instances.push_back(std::move(r));
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
  report.prebuilt_used = static_cast<int64_t>(cache.prebuilt_used());
  if (pool) {
    report.prebuilt_used = pool->stats().prebuilt;
    report.build_wait_s = pool->stats().build_wait_ms / 1e3;
    report.build_jobs = pool->jobs();
    report.worker_restarts += pool->restarts();
  }
  report.interrupted = stopped();
  {
    const auto readings = ReadDeviceReadings();
    store.RecordDeviceState(report.run_id, "end", readings);
    report.device_state_end = FormatDeviceState(readings);
  }
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
  return text + "; outside the evaluations: strategy " + ms(o.strategy) + ", store lookups " + ms(o.store_lookup) +
         ", inputs+reference " + ms(o.init);
}

}  // namespace mace_tune
