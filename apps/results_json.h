// SPDX-License-Identifier: Apache-2.0
// The machine-readable results of tune, emit, merge, remote-tune and farm (--json): one JSON
// document each on stdout, named by "format" and "format_version" and carrying the tool's version,
// as devices, inspect and replay have (docs/cli.md "JSON outputs").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "emit/emit.h"
#include "remote/remote_tune.h"
#include "store/merge.h"
#include "tuner/tuner.h"

namespace mace_tune::cli {

std::string TuneJson(const TuneContext& ctx, const TuneRequest& request, const TuneReport& report,
                     const std::string& db);
// cpp_path: the C++ source of --format cpp, else "".
std::string EmitJson(const EmitReport& report, const std::string& db, const std::string& cpp_path);
// One entry per source, in the order merged.
std::string MergeJson(const std::string& dest, const std::vector<std::pair<std::string, MergeReport>>& merged);
struct RemoteOutcome {
  std::string target;
  std::string error;  // the session could not start (probe, push); then result is empty
  RemoteTuneResult result;
};
// remote-tune: one outcome; farm: one per target ("farm": true).
std::string RemoteJson(const std::vector<RemoteOutcome>& outcomes, const std::string& host_db, bool farm);

}  // namespace mace_tune::cli
