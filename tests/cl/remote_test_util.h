// SPDX-License-Identifier: Apache-2.0
// Helpers of the CLI-level tests (remote, resume, isolation): the CLI as a child process with a
// hook polled while it runs (to kill it or cut a connection mid-run), child-process lookup in
// /proc, and reading configs out of a store.
#pragma once

#include <sys/types.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace mace_tune::test {

struct CliResult {
  int exit_code = -1;
  int signal = 0;
  std::string out, err;
};

// Runs $MACE_TUNE_CLI with args in `dir`; `poll(cli_pid)` is called every 50 ms while it runs;
// `env` ("NAME=VALUE") is added to the child's environment.
CliResult RunCliIn(const std::vector<std::string>& args, const std::string& dir,
                   const std::function<void(pid_t)>& poll = nullptr, const std::vector<std::string>& env = {});

// Pids of the direct children of `parent` whose command line contains every one of `needles`.
std::vector<pid_t> ChildrenMatching(pid_t parent, const std::vector<std::string>& needles);

// "tuning_key/params" of every measurement in a store (a multiset: duplicates show up twice).
std::multiset<std::string> ConfigsOf(const std::string& db);
int64_t MeasurementsIn(const std::string& db);  // 0 if the file does not exist yet

// One or two GEMM keys, small enough for PoCL on a busy CI core.
std::string WriteTinyWorkload(const std::string& dir, int keys = 2);
// --platform/--device from MACE_TUNE_PLATFORM / MACE_TUNE_DEVICE, for a target that does not
// see this process's environment.
std::vector<std::string> DeviceArgs();

}  // namespace mace_tune::test
