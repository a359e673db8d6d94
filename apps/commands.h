// The mace_tune CLI's subcommands: each registers its options on a CLI11 app and runs.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

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

// Set by a subcommand that must leave with another code than 0 (130 after Ctrl-C).
extern int exit_code;
std::string ToolVersion();

}  // namespace mace_tune::cli
