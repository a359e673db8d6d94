// SPDX-License-Identifier: Apache-2.0
// A tuning session on a target (DESIGN.md "Flow" 7): probe it, push mace_tune (+ the libraries it
// needs) and the workload, run `mace_tune tune` there streaming its output, pull the database into
// a local folder named after the device, merge it into the host's. The target's database is never
// deleted, so a run cut off by a dropped connection or a killed process resumes from it.
#pragma once

#include <string>
#include <vector>

#include "remote/transport.h"
#include "store/merge.h"

namespace mace_tune {

struct RemoteTuneOptions {
  std::string platform, device;          // the target's --platform / --device
  std::string workload = "small";        // a file (pushed) or a bundled name
  std::vector<std::string> tune_args;    // more `tune` options, passed through as given
  std::string campaign = "default";      // names the target's working folder and database
  std::string remote_dir;                // "" = the transport's base dir + "/" + campaign
  std::string target_bin;                // "" = this executable, if the target's arch is ours
  std::vector<std::string> target_libs;  // "" with target_bin empty: found with ldd
  bool push_libs = true;
  std::string results_dir = "mace_tune_targets";  // local; one folder per device inside
  std::string host_db;                            // merged into at the end; "" = no merge
  bool emit = false;                              // also run `emit` there and pull both artifacts
  std::string prefix;                             // put before every streamed line (farm)
  // Users' kernels the workload names (their DESC encodings, sources included): pushed as
  // kernels/NAME.desc and given to the target's tune (--kernel kernels).
  std::vector<std::pair<std::string, std::vector<uint8_t>>> user_kernels;
};

struct RemoteTuneResult {
  TargetInfo info;
  std::string local_dir, local_db;  // local_db empty if nothing could be pulled
  int remote_exit = -1;             // the target's `tune` exit code (255: ssh lost the link)
  bool merged = false;
  MergeReport merge;
  std::vector<std::string> artifacts;  // pulled, with emit
};

// Throws std::runtime_error when the target cannot be probed or prepared; a failed or cut-off
// remote run is not an exception: what it recorded is still pulled and merged (see remote_exit).
RemoteTuneResult RemoteTune(Transport& transport, const RemoteTuneOptions& options);

// Shared libraries `binary` loads from outside the base system (libc, libstdc++, libgcc_s, libm,
// the dynamic loader, and libOpenCL, which must be the target's own): they travel with it.
std::vector<std::string> NonSystemLibraries(const std::string& binary);

}  // namespace mace_tune
