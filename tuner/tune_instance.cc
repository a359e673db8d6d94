// SPDX-License-Identifier: Apache-2.0
// One key's part of the tuning loop: measure-or-recall with claims, building ahead, the search
// under its stop conditions and the interleaved final re-measurement.
#include "tuner/tune_instance.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/kernel_family.h"
#include "mace_tune/families.h"
#include "search_strategies/search_space.h"
#include "search_strategies/strategy.h"
#include "tuner/config_evaluator.h"
#include "tuner/cool_down.h"
#include "tuner/kernel_limits.h"
#include "tuner/prior_results.h"
#include "tuner/proposals.h"
#include "tuner/stop_conditions.h"

namespace mace_tune {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void Consider(InstanceReport* r, const Measurement& m) {
  if (!m.ok()) {
    ++r->failed;
    return;
  }
  if (!r->best || m.median_ns < r->best->median_ns) r->best = m;
}

EvalOutcome OutcomeOf(const Measurement& m) { return EvalOutcome{m.ok(), m.median_ns}; }

// --storage: the tensor storage a config may use, as its description says (a family without
// image storage is not restricted by `image`).
std::string StorageRule(const std::string& storage, const KernelFamily& family, const TuningKey& key,
                        const ParamMap& p) {
  if (storage == "buffer" && family.UsesImages(key, p)) return "--storage buffer: buffers only";
  if (storage == "image" && family.description().MayUseImages() && !family.UsesImages(key, p)) {
    return "--storage image: images only";
  }
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

// The k fastest ok measurements recorded for the key with this source digest, fastest first.
std::vector<Measurement> TopOk(const Store& store, int64_t device_id, const std::string& tuning_key,
                               const std::string& digest, size_t k) {
  std::vector<Measurement> ok;
  for (auto& m : store.Measurements(device_id, tuning_key)) {
    if (m.ok() && m.source_digest == digest) ok.push_back(std::move(m));
  }
  std::sort(ok.begin(), ok.end(), [](const auto& a, const auto& b) { return a.median_ns < b.median_ns; });
  if (ok.size() > k) ok.resize(k);
  return ok;
}

// The k fastest ok configs recorded for this instance with the current source, re-measured
// interleaved; the winner is the lowest median of that re-measurement (it replaces r->best when
// it differs). Everything, every round-robin sample included, is recorded with the run.
void Remeasure(InstanceReport* r, Store& store, int64_t device_id, int64_t run_id, const std::string& digest,
               InstanceEvaluator& evaluator, const RemeasureOptions& options) {
  const std::vector<Measurement> ok =
      TopOk(store, device_id, r->tuning_key, digest, static_cast<size_t>(options.top_k));
  if (ok.size() < 2) return;
  std::vector<ParamMap> configs;
  for (const auto& m : ok) {
    ParamMap p;
    if (ParseParams(m.params, &p).ok()) configs.push_back(p);
  }
  if (configs.size() != ok.size()) return;
  const auto samples = evaluator.Remeasure(configs, options.rounds);
  for (size_t i = 0; i < ok.size(); ++i) {
    r->final.push_back(
        {ok[i].params, static_cast<int>(i), ok[i].median_ns, samples[i], samples[i].empty() ? 0 : Median(samples[i])});
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

class InstanceTuner {
 public:
  InstanceTuner(TuneRun& run, size_t index);
  std::optional<InstanceReport> Run();

 private:
  void Register();
  void Start();
  std::optional<Measurement> Evaluate(const ParamMap& params);
  bool Claim(const std::string& text, std::optional<Measurement>* recorded);
  Measurement Measure(const ParamMap& params, const std::string& text);
  void Prebuild(const ParamMap& params);
  void PrebuildUpcoming(ProposalQueue& proposals);
  std::unique_ptr<SearchStrategy> MakeSearch(const ParamMap& default_params);
  void MeasureExtras(SearchStrategy& strategy);
  void Search(SearchStrategy& strategy);
  void FinalRemeasure();
  ConfigEvaluator& evaluator() { return remote_ ? *remote_ : local_; }

  TuneRun& run_;
  const TuneRequest& request_;
  Store& store_;
  TuneReport& report_;
  size_t index_;
  const WorkloadItem& item_;
  const KernelFamily& family_;
  const std::string digest_;  // the family's source digest: every measurement of the key carries it
  InstanceReport r_;
  Clock::time_point start_;
  std::optional<SearchSpace> space_;
  LocalEvaluator local_;
  std::unique_ptr<ConfigEvaluator> remote_;  // an isolated worker or the build pool; null: local_
  KernelLimits limits_;                      // each variant's CL_KERNEL_WORK_GROUP_SIZE, learnt from its first build
  std::vector<std::pair<double, size_t>> ranked_;  // (median, config) of the ok ones, for Speculate
};

InstanceTuner::InstanceTuner(TuneRun& run, size_t index)
    : run_(run),
      request_(run.request),
      store_(run.store),
      report_(run.report),
      index_(index),
      item_(run.request.workload.items[index]),
      family_(*FindKernelFamily(item_.key.family)),
      digest_(ProgramSourceDigest(FindFamily(item_.key.family)->program)),
      local_(run.ctx, run.cache, family_, item_.key, run.request.seed, run.request.measure) {
  r_.tuning_key = item_.key.ToString();
  r_.count = item_.count;
}

// The instance in the store; a user's kernel also with its description and source, under their digest.
void InstanceTuner::Register() {
  store_.AddInstance(r_.tuning_key, item_.key.family, family_.Flops(item_.key), family_.BytesMoved(item_.key));
  if (const desc::KernelDescription& d = family_.description(); !d.builtin()) {
    store_.AddDescription(ProgramSourceDigest(d.program()), d.name(), desc::EncodeDescription(d.text()));
  }
}

// The key's search space and the evaluator that measures its configs.
void InstanceTuner::Start() {
  start_ = Clock::now();
  space_.emplace(
      family_.Parameters(item_.key, run_.ctx.limits),
      [&](const ParamMap& p) {
        if (std::string why = StorageRule(request_.storage, family_, item_.key, p); !why.empty()) return why;
        return family_.CheckConfig(item_.key, p, run_.ctx.limits);
      },
      family_.description().Prefix(item_.key, run_.ctx.limits));
  report_.overhead.space += SecondsSince(start_);
  r_.space_size = space_->size();
  if (run_.pool != nullptr) {
    remote_ = std::make_unique<PoolEvaluator>(*run_.pool, item_.key, request_.seed);
  } else if (request_.isolate) {
    remote_ = std::make_unique<IsolatedEvaluator>(request_.worker, item_.key, request_.seed, request_.measure);
  }
}

std::optional<InstanceReport> InstanceTuner::Run() {
  Register();
  if (request_.cool_down.asked()) {
    r_.cool_down = CoolDownBefore(request_.cool_down, index_ == 0, run_.stopped);
    store_.RecordCoolDown(report_.run_id, r_.tuning_key, *r_.cool_down);
    if (run_.stopped()) return std::nullopt;
  }
  Start();
  ParamMap default_params;
  const Status status = FamilyDefaultParams(item_.key, run_.ctx.limits, &default_params);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  r_.default_config = Evaluate(default_params);
  if (!r_.default_config) return std::nullopt;
  store_.SetDefaultConfig(run_.device_id, r_.tuning_key, r_.default_config->params);
  Consider(&r_, *r_.default_config);
  const std::unique_ptr<SearchStrategy> strategy = MakeSearch(default_params);
  MeasureExtras(*strategy);
  Search(*strategy);
  report_.worker_restarts += evaluator().restarts();
  if (request_.remeasure.top_k > 1 && !run_.stopped()) FinalRemeasure();
  report_.overhead.init += local_.init_s();
  if (run_.reporter != nullptr) run_.reporter->OnInstanceDone(r_, index_, request_.workload.items.size());
  return std::move(r_);
}

// Measure-or-recall one config; recorded before anything else happens. Another tune on this
// database may be measuring it right now: its result is waited for, never measured twice
// (nullopt: stopped while waiting).
std::optional<Measurement> InstanceTuner::Evaluate(const ParamMap& params) {
  const std::string text = FormatParams(params);
  const auto lookup_start = Clock::now();
  if (auto old = store_.Find(run_.device_id, r_.tuning_key, text, digest_)) return old;
  report_.overhead.store_lookup += SecondsSince(lookup_start);
  if (std::optional<Measurement> known = limits_.Prune(item_.key, params, r_.tuning_key, digest_)) {
    ++report_.pruned;
    return known;  // not built, not recorded: the strategy learns it cost nothing
  }
  std::optional<Measurement> recorded;
  if (!Claim(text, &recorded)) return recorded;
  return Measure(params, text);
}

// Waits until this process holds the claim on the config (true), or another process recorded it
// (false, *recorded set) or the run is stopped (false, nothing set).
bool InstanceTuner::Claim(const std::string& text, std::optional<Measurement>* recorded) {
  for (;;) {
    const ClaimResult claim = store_.Claim(run_.device_id, r_.tuning_key, text, digest_);
    if (claim == ClaimResult::kClaimed) return true;
    if (claim == ClaimResult::kRecorded) {
      *recorded = store_.Find(run_.device_id, r_.tuning_key, text, digest_);
      return false;
    }
    if (run_.stopped()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Measures a claimed config, records it and accounts for where the time went.
Measurement InstanceTuner::Measure(const ParamMap& params, const std::string& text) {
  const auto eval_start = Clock::now();
  bool ahead = false;
  Measurement m = evaluator().Evaluate(params, text, &ahead);
  m.run_id = report_.run_id;
  limits_.Learn(m);
  const auto store_start = Clock::now();
  store_.Record(run_.device_id, m);
  report_.overhead.store_write += SecondsSince(store_start);
  report_.overhead.Add(m.phases, ahead);
  double kernel_s = 0;
  for (double ns : m.samples_ns) kernel_s += ns / 1e9;
  report_.overhead.sampling_gaps -= kernel_s;
  report_.measure_wall_s += SecondsSince(eval_start);
  for (double ns : m.samples_ns) report_.kernel_s += ns / 1e9;
  report_.build_s += m.build_ms / 1e3;
  ++report_.measured;
  ++r_.measured;
  return m;
}

// Queues the build of a config the strategy will propose soon, unless it is recorded already.
void InstanceTuner::Prebuild(const ParamMap& params) {
  std::string options;
  if (!FamilyBuildOptions(item_.key, params, &options).ok()) return;
  if (store_.Find(run_.device_id, r_.tuning_key, FormatParams(params), digest_)) return;
  evaluator().Prebuild(params, options);
}

void InstanceTuner::PrebuildUpcoming(ProposalQueue& proposals) {
  const int builders = evaluator().builders();
  if (builders <= 0) return;
  const size_t ahead = 2 * static_cast<size_t>(builders) + 1;
  std::vector<size_t> upcoming = proposals.Upcoming(ahead);
  // With workers to spare, guess too: strategies that learn step next to the best configs.
  if (evaluator().speculates() && upcoming.size() < ahead) Speculate(*space_, ranked_, ahead, &upcoming);
  for (size_t i : upcoming) Prebuild(space_->configs()[i]);
}

// The strategy, started from the default config's outcome. Only transfer reads prior results (the
// other strategies ignore a history), so only for it are they read from the store.
std::unique_ptr<SearchStrategy> InstanceTuner::MakeSearch(const ParamMap& default_params) {
  StrategyOptions options;
  options.seed = request_.seed;
  options.start = default_params;
  if (request_.strategy == "transfer") {
    options.history = LoadPriorResults(store_, run_.device_id, r_.tuning_key, item_.key.family);
    for (auto& p : ImportedPriorResults(request_.imported_priors, r_.tuning_key, item_.key.family)) {
      options.history.push_back(std::move(p));
    }
  }
  auto strategy = MakeStrategy(request_.strategy, *space_, options);
  // The default is already measured: strategies start from what it taught.
  if (const auto at = space_->Match(default_params)) strategy->Tell(*at, OutcomeOf(*r_.default_config));
  return strategy;
}

// The request's extra configs, right after the default: those that are points of this key's space.
void InstanceTuner::MeasureExtras(SearchStrategy& strategy) {
  for (const ParamMap& extra : request_.extra_configs) {
    const auto at = space_->Match(extra);
    if (!at || run_.stopped()) continue;  // not a point of this key's space (another family's, say)
    const std::optional<Measurement> m = Evaluate(extra);
    if (!m) break;
    ++r_.evaluated;
    Consider(&r_, *m);
    strategy.Tell(*at, OutcomeOf(*m));
  }
}

// The strategy's proposals until a stop condition, the strategy or the run says stop.
void InstanceTuner::Search(SearchStrategy& strategy) {
  const StopConditions stops = StopConditions::From(request_.budget);
  ProposalQueue proposals(strategy, evaluator().batch());
  int64_t since_best = 0;
  while (!run_.stopped()) {
    const SearchProgress progress{r_.evaluated, since_best, SecondsSince(start_)};
    if (const StopReason reason = stops.Check(progress); reason != StopReason::kNone) {
      r_.patience_stop = reason == StopReason::kPatience;
      break;
    }
    auto strategy_start = Clock::now();
    const auto next = proposals.Next(stops.EvaluationsLeft(progress));
    if (!next) break;
    PrebuildUpcoming(proposals);
    report_.overhead.strategy += SecondsSince(strategy_start);
    const int64_t pruned_before = report_.pruned;
    const std::optional<Measurement> m = Evaluate(space_->configs()[*next]);
    if (!m) break;
    if (report_.pruned > pruned_before) {  // answered unbuilt: no evaluation, no budget spent
      strategy.Tell(*next, EvalOutcome{false, 0});
      continue;
    }
    ++r_.evaluated;
    const double best_before = r_.best ? r_.best->median_ns : 0;
    Consider(&r_, *m);
    since_best = r_.best && r_.best->median_ns != best_before ? 0 : since_best + 1;
    strategy_start = Clock::now();
    strategy.Tell(*next, OutcomeOf(*m));
    if (m->ok()) ranked_.emplace_back(m->median_ns, *next);
    report_.overhead.strategy += SecondsSince(strategy_start);
    if (run_.reporter != nullptr) {
      run_.reporter->OnProgress(r_, index_, request_.workload.items.size(), SecondsSince(start_));
    }
  }
}

void InstanceTuner::FinalRemeasure() {
  if (run_.pool != nullptr) run_.pool->PauseAll();  // nothing else runs while configs are timed side by side
  Remeasure(&r_, store_, run_.device_id, report_.run_id, digest_, local_.Instance(), request_.remeasure);
  if (run_.pool != nullptr) run_.pool->ResumeAll();
}

}  // namespace

std::optional<InstanceReport> TuneInstance(TuneRun& run, size_t index) { return InstanceTuner(run, index).Run(); }

}  // namespace mace_tune
