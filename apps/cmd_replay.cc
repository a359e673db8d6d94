// SPDX-License-Identifier: Apache-2.0
// `mace_tune replay`: run strategies against recorded spaces (our database, CLBlast's tuner JSON,
// Kernel Tuner's cache) over many seeds and print how fast each reaches the optimum. No device.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>

#include "apps/commands.h"
#include "apps/option_checks.h"
#include "replay/replay.h"
#include "search_strategies/strategy.h"

namespace mace_tune::cli {

void AddReplayCommand(CLI::App& app, const GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("replay", "compare search strategies on recorded spaces, without a device");
  static ReplayOptions options;
  static std::string strategy = "all";
  static std::vector<std::string> spaces;
  static bool json = false;
  static std::string out_path;
  static std::string export_kt;
  cmd->add_option("-s,--strategy", strategy, "a strategy ('default': tune's), a comma-separated list, or 'all'")
      ->capture_default_str();
  cmd->add_option("--seeds", options.seeds, "seeds per strategy and space")
      ->capture_default_str()
      ->check(IntWithin(1, 1e6));
  cmd->add_option("--first-seed", options.first_seed, "seeds are first-seed, first-seed + 1, ...")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxSeed));
  cmd->add_option("--max-evals", options.max_evals, "evaluations per replay, 0 = the space's size")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxEvals));
  cmd->add_option("--budget", options.fixed_budget, "report the best found within this many evaluations")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxEvals));
  cmd->add_option("--space", spaces, "db:FILE[:KEY][@DEVICE], clblast:FILE.json, kt:FILE.json, or a file (detected)")
      ->required();
  cmd->add_flag("--json", json, "JSON instead of the table");
  cmd->add_option("-o,--out", out_path, "write to this file instead of stdout");
  cmd->add_option(
      "--export-kt", export_kt,
      "write the (one) space as a Kernel Tuner cache to this file, for its simulation mode, and replay nothing");
  cmd->callback([] {
    options.strategies.clear();
    const auto names = StrategyNames();
    if (strategy == "all") {
      for (auto n : names) options.strategies.emplace_back(n);
    } else {
      size_t start = 0;
      while (start <= strategy.size()) {
        const size_t comma = std::min(strategy.find(',', start), strategy.size());
        std::string one = strategy.substr(start, comma - start);
        if (one == "default") one = DefaultStrategyName();
        if (std::find(names.begin(), names.end(), one) == names.end()) {
          throw std::runtime_error(fmt::format("unknown strategy '{}' (known: {})", one, fmt::join(names, ", ")));
        }
        options.strategies.push_back(one);
        start = comma + 1;
      }
    }
    if (options.seeds < 1) throw std::runtime_error("--seeds must be at least 1");
    if (!export_kt.empty()) {
      if (spaces.size() != 1) throw std::runtime_error("--export-kt writes one space: give one --space");
      std::ofstream out(export_kt);
      out << KernelTunerCacheJson(LoadRecordedSpace(spaces[0]));
      if (!out.flush()) throw std::runtime_error(export_kt + ": cannot write");
      return;
    }
    std::vector<ReplayStats> all;
    for (const auto& spec : spaces) {
      const RecordedSpace space = LoadRecordedSpace(spec);
      for (auto& s : Replay(space, options)) all.push_back(std::move(s));
    }
    const std::string text = json ? ReplayJson(all, options, ToolVersion()) : FormatReplayTable(all);
    if (out_path.empty()) {
      fmt::print("{}", text);
    } else {
      std::ofstream(out_path) << text;
    }
  });
}

}  // namespace mace_tune::cli
