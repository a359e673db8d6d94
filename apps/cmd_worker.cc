// SPDX-License-Identifier: Apache-2.0
// `mace_tune eval-worker` (hidden): the child process of `tune --isolate`, which evaluates configs
// sent on stdin and answers on stdout (tuner/worker.h). Not meant to be run by hand.
#include "apps/commands.h"
#include "kernels/description_file.h"
#include "tuner/worker.h"

namespace mace_tune::cli {

void AddEvalWorkerCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("eval-worker", "evaluation worker of tune --isolate (internal)");
  static std::vector<std::string> kernels;
  cmd->add_option("--kernel", kernels, "users' kernel descriptions, as given to tune");
  static std::string device_lock;
  cmd->add_option("--device-lock", device_lock, "the build pool's device lock file");
  cmd->callback([&global] {
    for (const auto& path : kernels) RegisterKernelPath(path);
    exit_code = RunEvalWorker(global.platform, global.device, device_lock);
  });
}

}  // namespace mace_tune::cli
