// SPDX-License-Identifier: Apache-2.0
// The mace_tune CLI's subcommands: each registers its options on a CLI11 app and runs.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mace_tune {
struct DeviceLimits;
struct EmitRequest;
struct TuneRequest;
}  // namespace mace_tune

namespace mace_tune::cli {

struct GlobalOptions {
  std::string platform;
  std::string device;
  bool verbose = false;
};

void AddDevicesCommand(CLI::App& app, const GlobalOptions& global);
void AddTuneCommand(CLI::App& app, const GlobalOptions& global);
void AddEmitCommand(CLI::App& app, const GlobalOptions& global);
void AddInspectCommand(CLI::App& app, const GlobalOptions& global);
void AddReleaseCommands(CLI::App& app, const GlobalOptions& global);  // bundle, keygen, sign, verify
void AddReportCommand(CLI::App& app, const GlobalOptions& global);
void AddMergeCommand(CLI::App& app, const GlobalOptions& global);
void AddRemoteTuneCommand(CLI::App& app, const GlobalOptions& global);
void AddFarmCommand(CLI::App& app, const GlobalOptions& global);
void AddReplayCommand(CLI::App& app, const GlobalOptions& global);
void AddEvalWorkerCommand(CLI::App& app, const GlobalOptions& global);
void AddImportMaceCommand(CLI::App& app, const GlobalOptions& global);

// MACE interop hooks in emit and tune (cmd_mace.cc).
void AddMaceEmitOptions(CLI::App* emit);
bool MaceEmitOptionsGiven();
void RunMaceEmit(const GlobalOptions& global, const std::string& db, const EmitRequest& emit);
void AddPriorFromOptions(CLI::App* tune, std::string* prior_from, std::vector<std::string>* keys);
void ApplyPriorFrom(const std::string& prior_from, const std::vector<std::string>& keys, const DeviceLimits& limits,
                    bool quiet, TuneRequest* request);

// Set by a subcommand that must leave with another code than 0 (130 after Ctrl-C).
extern int exit_code;
std::string ToolVersion();

}  // namespace mace_tune::cli
