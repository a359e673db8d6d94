// tune --isolate: a config that crashes the evaluation worker (abort) and one that hangs it are
// recorded as launch_failed and timeout, the worker is restarted, tuning completes, and a repeat
// measures nothing (the failures are skipped on resume).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "catch.h"
#include "store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

Result Run(const std::vector<std::string>& args, const std::string& dir, const std::vector<std::string>& env) {
  const char* cli = std::getenv("MACE_TUNE_CLI");
  REQUIRE(cli != nullptr);
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(99);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(cli)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli, argv.data());
    _exit(98);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace

TEST_CASE("a config that crashes or hangs the worker is recorded and tuning completes") {
  test::Device();  // no device: the cl test main skips (77)
  const std::string dir = test::ScratchDir("isolate");
  const std::string db = dir + "/i.db", workload = dir + "/one.workload";
  std::ofstream(workload) << "gemm:K=8,M=16,N=16:fp32\n";
  // Exhaustive order varies LY fastest: LY=2 and LY=4 (at LX=1, TM=TN=VW=1) come within 8 configs.
  const std::vector<std::string> args = {"tune", "-q", "--isolate", "--watchdog", "4", "--strategy", "exhaustive",
                                         "--max-evals", "8", "--min-samples", "2", "--workload", workload, "--db", db};
  const std::vector<std::string> env = {"MACE_TUNE_TEST_CRASH_PARAMS=LX=1,LY=2,TM=1,TN=1,VW=1",
                                        "MACE_TUNE_TEST_HANG_PARAMS=LX=1,LY=4,TM=1,TN=1,VW=1"};
  const Result first = Run(args, dir, env);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("crash(es) or hang(s)") != std::string::npos);

  Store store = Store::Open(db);
  const auto devices = store.Devices();
  REQUIRE(devices.size() == 1);
  int crashed = 0, hung = 0, ok = 0;
  for (const auto& m : store.Measurements(devices[0].id, "gemm:K=8,M=16,N=16:fp32")) {
    if (m.params.find("LX=1,LY=2,TM=1,TN=1,VW=1") != std::string::npos) {
      CHECK(m.status == "launch_failed");
      CHECK(m.reason.find("crashed") != std::string::npos);
      ++crashed;
    } else if (m.params.find("LX=1,LY=4,TM=1,TN=1,VW=1") != std::string::npos) {
      CHECK(m.status == "timeout");
      ++hung;
    } else if (m.status == "ok") {
      ++ok;
    }
  }
  CHECK(crashed >= 1);
  CHECK(hung >= 1);
  CHECK(ok >= 3);  // configs after the crash and the hang were measured by restarted workers

  const Result again = Run(args, dir, env);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("0 new measurements") != std::string::npos);
}
