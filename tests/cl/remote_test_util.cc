// SPDX-License-Identifier: Apache-2.0
// The remote tests' process and store helpers (see the header).
#include "remote_test_util.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "catch.h"
#include "store/store.h"

namespace mace_tune::test {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

CliResult RunCliIn(const std::vector<std::string>& args, const std::string& dir, const std::function<void(pid_t)>& poll,
                   const std::vector<std::string>& env) {
  const char* cli = std::getenv("MACE_TUNE_CLI");
  REQUIRE(cli != nullptr);
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  std::fflush(stdout);  // or the child's freopen flushes our buffered lines a second time
  std::fflush(stderr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(97);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(99);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(cli)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli, argv.data());
    _exit(98);
  }
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (poll) poll(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CliResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  return r;
}

std::vector<pid_t> ChildrenMatching(pid_t parent, const std::vector<std::string>& needles) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (!proc) return found;
  while (dirent* e = readdir(proc)) {
    const std::string name = e->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadAll("/proc/" + name + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid != parent) continue;
    std::string cmdline = ReadAll("/proc/" + name + "/cmdline");
    for (auto& c : cmdline) c = c == '\0' ? ' ' : c;
    bool all = true;
    for (const auto& n : needles) all = all && cmdline.find(n) != std::string::npos;
    if (all) found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  closedir(proc);
  return found;
}

std::multiset<std::string> ConfigsOf(const std::string& db) {
  Store store = Store::Open(db);
  std::multiset<std::string> seen;
  for (const auto& d : store.Devices()) {
    for (const auto& s : store.Summaries(d.id)) {
      for (const auto& m : store.Measurements(d.id, s.tuning_key))
        seen.insert(d.fingerprint.Id() + "/" + s.tuning_key + "/" + m.params);
    }
  }
  return seen;
}

int64_t MeasurementsIn(const std::string& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    return Store::Open(db).CountRows("measurements");
  } catch (const std::exception&) {
    return 0;  // being created by the writer right now
  }
}

std::string WriteTinyWorkload(const std::string& dir, int keys) {
  const std::string path = dir + "/tiny.workload";
  std::ofstream(path) << "gemm:K=8,M=16,N=16:fp32  # a\n" << (keys > 1 ? "gemm:K=16,M=16,N=24:fp32  # b\n" : "");
  return path;
}

std::vector<std::string> DeviceArgs() {
  std::vector<std::string> args;
  if (const char* p = std::getenv("MACE_TUNE_PLATFORM")) args.insert(args.end(), {"--platform", p});
  if (const char* d = std::getenv("MACE_TUNE_DEVICE")) args.insert(args.end(), {"--device", d});
  return args;
}

}  // namespace mace_tune::test
