// SPDX-License-Identifier: Apache-2.0
// mace_tune: OpenCL auto-tuner CLI. Errors end as one clear line and a non-zero exit;
// --verbose adds the details (build logs, full driver messages).
#include <cstdio>
#include <exception>
#include <string>

#include "apps/commands.h"

namespace mace_tune::cli {
int exit_code = 0;
std::string ToolVersion() { return std::string("mace_tune ") + MACE_TUNE_VERSION; }
}  // namespace mace_tune::cli

int main(int argc, char** argv) {
  using namespace mace_tune::cli;
  CLI::App app{"mace_tune: tune OpenCL kernels per device, emit compiled-program binaries and tuned parameters"};
  app.set_version_flag("--version", ToolVersion());
  app.require_subcommand(1);
  // The global options are read after the command too: `mace_tune tune --device NVIDIA ...`.
  app.fallthrough();
  GlobalOptions global;
  app.add_option("--platform", global.platform, "OpenCL platform name substring (default: $MACE_TUNE_PLATFORM)");
  app.add_option("--device", global.device,
                 "OpenCL device name substring (default: $MACE_TUNE_DEVICE, else first GPU, else first device)");
  app.add_flag("-v,--verbose", global.verbose, "print details of errors (build logs)");
  AddDevicesCommand(app, global);
  AddTuneCommand(app, global);
  AddEmitCommand(app, global);
  AddInspectCommand(app, global);
  AddReleaseCommands(app, global);
  AddReportCommand(app, global);
  AddMergeCommand(app, global);
  AddRemoteTuneCommand(app, global);
  AddFarmCommand(app, global);
  AddReplayCommand(app, global);
  AddEvalWorkerCommand(app, global);
  AddImportMaceCommand(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0; a real usage error is one line like any other.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = e.what();
    message = message.substr(0, message.find('\n'));
    std::fprintf(stderr, "mace_tune: error: %s (see --help)\n", message.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::string message = e.what();
    if (!global.verbose) {
      const auto newline = message.find('\n');
      if (newline != std::string::npos) message = message.substr(0, newline) + " (--verbose for details)";
    }
    std::fprintf(stderr, "mace_tune: error: %s\n", message.c_str());
    return 1;
  }
  return exit_code;
}
