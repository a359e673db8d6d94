// SPDX-License-Identifier: Apache-2.0
// `mace_tune farm`: one worker thread per target, each tuning into its own database in its own
// results folder; the host database gets every one merged in at the end, one after the other.
#pragma once

#include <string>
#include <vector>

#include "remote/remote_tune.h"

namespace mace_tune {

struct FarmOutcome {
  TargetSpec target;
  std::string error;  // "" if the session ran (its remote exit code may still be non-zero)
  RemoteTuneResult result;
};

// `base` applies to every target (its prefix and host_db are set per worker / used at the end).
// `workloads`: empty, or one workload file per target (the keys split between them). A local
// target that names a device tunes that device, in a working folder of its own. A failing target
// does not stop the others.
std::vector<FarmOutcome> Farm(const std::vector<TargetSpec>& targets, const TransportOptions& transport,
                              const RemoteTuneOptions& base, const std::vector<std::string>& workloads = {});

}  // namespace mace_tune
