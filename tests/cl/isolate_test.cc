// tune --isolate: a config that crashes the evaluation worker (abort) and one that hangs it are
// recorded as launch_failed and timeout, the worker is restarted, tuning completes, and a repeat
// measures nothing (the failures are skipped on resume).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "catch.h"
#include "remote_test_util.h"
#include "store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

using Result = test::CliResult;

Result Run(const std::vector<std::string>& args, const std::string& dir, const std::vector<std::string>& env) {
  return test::RunCliIn(args, dir, nullptr, env);
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
  const std::vector<std::string> env = {"MACE_TUNE_TEST_CRASH_PARAMS=LX=1,LY=2,STRN=0,TM=1,TN=1,VW=1",
                                        "MACE_TUNE_TEST_HANG_PARAMS=LX=1,LY=4,STRN=0,TM=1,TN=1,VW=1"};
  const Result first = Run(args, dir, env);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("crash(es) or hang(s)") != std::string::npos);

  Store store = Store::Open(db);
  const auto devices = store.Devices();
  REQUIRE(devices.size() == 1);
  int crashed = 0, hung = 0, ok = 0;
  for (const auto& m : store.Measurements(devices[0].id, "gemm:K=8,M=16,N=16:fp32")) {
    if (m.params.find("LX=1,LY=2,STRN=0,TM=1,TN=1,VW=1") != std::string::npos) {
      CHECK(m.status == "launch_failed");
      CHECK(m.reason.find("crashed") != std::string::npos);
      ++crashed;
    } else if (m.params.find("LX=1,LY=4,STRN=0,TM=1,TN=1,VW=1") != std::string::npos) {
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
