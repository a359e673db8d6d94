// SPDX-License-Identifier: Apache-2.0
// Workers share nothing but the output lock (process.h): each has its own transport, target folder
// and local database. Merging waits until all are done so that one slow device blocks no other.
#include "remote/farm.h"

#include <algorithm>
#include <exception>
#include <thread>

namespace mace_tune {

std::vector<FarmOutcome> Farm(const std::vector<TargetSpec>& targets, const TransportOptions& transport,
                              const RemoteTuneOptions& base, const std::vector<std::string>& workloads) {
  std::vector<FarmOutcome> outcomes(targets.size());
  std::string adb_error;  // the adb server could not be started: every adb target fails with it
  const bool adb = std::any_of(targets.begin(), targets.end(), [](const TargetSpec& t) { return t.kind == "adb"; });
  try {
    if (adb) StartAdbServer();
  } catch (const std::exception& e) {
    adb_error = e.what();
  }
  std::vector<std::thread> workers;
  for (size_t i = 0; i < targets.size(); ++i) {
    workers.emplace_back([&, i] {
      FarmOutcome& out = outcomes[i];
      out.target = targets[i];
      if (targets[i].kind == "adb" && !adb_error.empty()) {
        out.error = adb_error;
        return;
      }
      RemoteTuneOptions options = base;
      options.prefix = "[" + targets[i].text + "] ";
      options.host_db.clear();
      if (!workloads.empty()) options.workload = workloads[i];
      if (!targets[i].device.empty()) {
        // One GPU of this host: its own tune and folder, so workers never share a database.
        options.device = targets[i].device;
        options.campaign += "-" + SafeName(targets[i].device);
        if (!options.remote_dir.empty()) options.remote_dir += "/" + SafeName(targets[i].device);
      }
      try {
        auto t = MakeTransport(targets[i], transport);
        out.result = RemoteTune(*t, options);
      } catch (const std::exception& e) {
        out.error = e.what();
        PrintLine(options.prefix + "error: " + out.error);
      }
    });
  }
  for (auto& w : workers) w.join();
  if (base.host_db.empty()) return outcomes;
  for (auto& out : outcomes) {
    if (out.result.local_db.empty()) continue;
    try {
      out.result.merge = MergeStores(base.host_db, out.result.local_db);
      out.result.merged = true;
    } catch (const std::exception& e) {
      out.error = std::string("merge: ") + e.what();
    }
  }
  return outcomes;
}

}  // namespace mace_tune
