// SPDX-License-Identifier: Apache-2.0
// `mace_tune inspect FILE`: either artifact in words, or as JSON.
#include <fmt/format.h>

#include "apps/commands.h"
#include "formats/inspect.h"
#include "formats/json.h"
#include "mace_tune/artifacts.h"

namespace mace_tune::cli {

void AddInspectCommand(CLI::App& app, const GlobalOptions&) {
  auto* cmd = app.add_subcommand("inspect", "describe a compiled-program binary or tuned-parameter file");
  static std::string path;
  static bool json = false;
  cmd->add_option("file", path, "the file")->required();
  cmd->add_flag("--json", json, "machine-readable output");
  cmd->callback([] {
    std::vector<uint8_t> bytes;
    Status status = ReadFileBytes(path, &bytes);
    if (!status.ok()) throw std::runtime_error(status.ToString());
    std::string text = DescribeArtifact(bytes, json, &status);
    if (!status.ok()) throw std::runtime_error(path + ": " + status.ToString());
    // The file names its writer; the document names the tool that read it, as every output does.
    if (json && !text.empty() && text[0] == '{') text = "{\"tool\":" + JsonString(ToolVersion()) + "," + text.substr(1);
    fmt::print("{}", text);
    if (!text.empty() && text.back() != '\n') fmt::print("\n");
  });
}

}  // namespace mace_tune::cli
