// SPDX-License-Identifier: Apache-2.0
// The replay engine and the loader of spaces from our store (replay.h).
#include "replay/replay.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>

#include "tuner/prior_results.h"

namespace mace_tune {

double RecordedSpace::Optimum() const {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [config, t] : times) best = std::min(best, t);
  return best;
}

size_t RecordedSpace::Passed() const {
  return static_cast<size_t>(
      std::count_if(times.begin(), times.end(), [](const auto& e) { return std::isfinite(e.second); }));
}

std::vector<TunableParam> AxesOf(const std::map<ParamMap, double>& times) {
  std::map<std::string, std::set<int64_t>> values;
  for (const auto& [config, t] : times) {
    for (const auto& [name, v] : config) values[name].insert(v);
  }
  std::vector<TunableParam> axes;
  for (const auto& [name, set] : values) axes.push_back({name, std::vector<int64_t>(set.begin(), set.end())});
  return axes;
}

std::vector<ReplayStats> Replay(const RecordedSpace& recorded, const ReplayOptions& options) {
  const SearchSpace space(recorded.params, [&](const ParamMap& p) {
    return recorded.times.count(p) ? std::string() : std::string("not measured");
  });
  const double optimum = recorded.Optimum();
  if (!std::isfinite(optimum)) throw std::runtime_error(recorded.name + ": no config passed; nothing to replay");
  std::vector<double> time_of(space.size());
  for (size_t i = 0; i < space.size(); ++i) time_of[i] = recorded.times.at(space.configs()[i]);
  const int64_t max_evals = options.max_evals > 0 ? options.max_evals : static_cast<int64_t>(space.size());

  std::vector<ReplayStats> out;
  for (const auto& name : options.strategies) {
    ReplayStats s;
    s.strategy = name;
    s.space = recorded.name;
    s.space_size = space.size();
    s.passed = recorded.Passed();
    s.optimum_ns = optimum;
    s.objective = recorded.objective;
    s.higher_is_better = recorded.higher_is_better;
    s.fixed_budget = options.fixed_budget;
    s.max_evals = max_evals;
    for (int j = 0; j < 3; ++j) {
      s.good[j] = static_cast<size_t>(std::count_if(
          time_of.begin(), time_of.end(), [&](double t) { return t <= optimum * (1 + kReplayTolerances[j]); }));
      s.random_median[j] = RandomExactMedian(space.size(), s.good[j]);
    }
    for (int k = 0; k < options.seeds; ++k) {
      StrategyOptions so;
      so.seed = options.first_seed + static_cast<uint64_t>(k);
      so.start = recorded.start;
      so.history = recorded.history;
      auto strategy = MakeStrategy(name, space, so);
      int64_t reached[3] = {-1, -1, -1};
      double best = std::numeric_limits<double>::infinity(), best_at_budget = best;
      for (int64_t evals = 1; evals <= max_evals; ++evals) {
        const auto next = strategy->Next();
        if (!next) break;
        const double t = time_of[*next];
        strategy->Tell(*next, EvalOutcome{std::isfinite(t), std::isfinite(t) ? t : 0});
        best = std::min(best, t);
        if (evals <= options.fixed_budget) best_at_budget = best;
        bool all = true;
        for (int j = 0; j < 3; ++j) {
          if (reached[j] < 0 && best <= optimum * (1 + kReplayTolerances[j])) reached[j] = evals;
          all = all && reached[j] >= 0;
        }
        if (all && evals >= options.fixed_budget) break;  // nothing left to learn from this seed
      }
      for (int j = 0; j < 3; ++j) s.evals_to[j].push_back(reached[j]);
      s.best_at_budget.push_back(best_at_budget / optimum);
    }
    out.push_back(std::move(s));
  }
  return out;
}

RecordedSpace LoadStoreSpace(const std::string& path, const std::string& tuning_key, const std::string& device) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(path + ": no such database file (or not a regular file)");
  Store store = Store::OpenCopy(path);  // a replay never writes (nor migrates) the file it reads
  const DeviceRow* chosen = nullptr;
  const auto devices = store.Devices();
  for (const auto& d : devices) {
    if (device.empty() || d.fingerprint.Id() == device || d.fingerprint.device_name.find(device) != std::string::npos) {
      if (chosen != nullptr)
        throw std::runtime_error(path + ": several devices match '" + device + "': name one with @DEVICE");
      chosen = &d;
    }
  }
  if (chosen == nullptr) throw std::runtime_error(path + ": no device matches '" + device + "'");
  std::string key = tuning_key;
  std::string family;
  std::vector<std::string> keys;
  for (const auto& s : store.Summaries(chosen->id)) {
    keys.push_back(s.tuning_key);
    if (s.tuning_key == key) family = s.family;
  }
  if (key.empty()) {
    if (keys.size() != 1)
      throw std::runtime_error(path + ": " + std::to_string(keys.size()) +
                               " tuning keys on this device: name one (db:PATH:KEY)");
    key = keys[0];
    family = store.Summaries(chosen->id)[0].family;
  }
  RecordedSpace space;
  space.name = key + "@" + chosen->fingerprint.device_name.substr(0, 24);
  space.origin = path;
  for (const auto& m : store.Measurements(chosen->id, key)) {
    ParamMap p;
    if (!ParseParams(m.params, &p).ok() || m.status == MeasurementStatus::kInvalid) continue;
    const double t = m.status == MeasurementStatus::kOk ? m.median_ns : std::numeric_limits<double>::infinity();
    auto [it, inserted] = space.times.emplace(p, t);
    if (!inserted) it->second = std::min(it->second, t);  // several source digests: keep the best
  }
  // A default config may leave out an axis it does not use (GEMM's KT at LOCAL=0); the space's
  // axes are those every other config names, so such a config is dropped, not a config of its own.
  std::map<std::string, size_t> named;
  for (const auto& [config, t] : space.times) {
    for (const auto& [name, v] : config) ++named[name];
  }
  for (auto it = space.times.begin(); it != space.times.end();) {
    it = it->first.size() < named.size() ? space.times.erase(it) : std::next(it);
  }
  if (space.times.empty()) throw std::runtime_error(path + ": no measurements of " + key);
  space.params = AxesOf(space.times);
  space.history = LoadPriorResults(store, chosen->id, key, family);
  return space;
}

RecordedSpace LoadRecordedSpace(const std::string& spec) {
  auto starts = [&](const char* p) { return spec.rfind(p, 0) == 0; };
  if (starts("clblast:")) return ImportClblast(spec.substr(8));
  if (starts("kt:")) return ImportKernelTuner(spec.substr(3));
  if (starts("db:")) {
    std::string rest = spec.substr(3), device, key;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
      device = rest.substr(at + 1);
      rest = rest.substr(0, at);
    }
    if (const auto colon = rest.find(':'); colon != std::string::npos) {
      key = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    return LoadStoreSpace(rest, key, device);
  }
  std::error_code ec;
  if (std::filesystem::exists(spec, ec) && !std::filesystem::is_regular_file(spec, ec)) {
    throw std::runtime_error(spec + ": not a regular file");  // a FIFO would block the read below
  }
  std::ifstream in(spec, std::ios::binary);
  if (!in) throw std::runtime_error(spec + ": cannot open");
  std::string head(1 << 16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.rfind("SQLite format 3", 0) == 0) return LoadStoreSpace(spec, "", "");
  if (head.find("\"tune_params\"") != std::string::npos) return ImportKernelTuner(spec);
  if (head.find("\"results\"") != std::string::npos) return ImportClblast(spec);
  throw std::runtime_error(spec + ": neither a mace_tune database, a CLBlast tuner JSON nor a Kernel Tuner cache");
}

}  // namespace mace_tune
