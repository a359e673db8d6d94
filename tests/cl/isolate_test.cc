// SPDX-License-Identifier: Apache-2.0
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
#include "store/store.h"
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
  // One worker (--isolate), and a pool of two that also builds ahead (--build-jobs 2): the crash
  // and the hang may then happen while a config is being built ahead.
  const std::string jobs = GENERATE(as<std::string>{}, "0", "2");
  const std::string dir = test::ScratchDir("isolate" + jobs);
  const std::string db = dir + "/i.db", workload = dir + "/one.workload";
  std::ofstream(workload) << "gemm:K=8,M=16,N=16:fp32\n";
  // Exhaustive order varies LY fastest: LY=2 and LY=4 (at LX=1, TM=TN=VW=1) come within 8 configs.
  const std::vector<std::string> args = {"tune", "-q",         "--isolate",  "--build-jobs", jobs, "--watchdog",
                                         "4",    "--strategy", "exhaustive", "--max-evals",  "8",  "--min-samples",
                                         "2",    "--workload", workload,     "--db",         db};
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
      CHECK(m.status == MeasurementStatus::kLaunchFailed);
      CHECK(m.reason.find("crashed") != std::string::npos);
      ++crashed;
    } else if (m.params.find("LX=1,LY=4,STRN=0,TM=1,TN=1,VW=1") != std::string::npos) {
      CHECK(m.status == MeasurementStatus::kTimeout);
      ++hung;
    } else if (m.status == MeasurementStatus::kOk) {
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

TEST_CASE("build jobs: the same configs in the same order as without, most of them built ahead") {
  test::Device();
  const std::string dir = test::ScratchDir("build_jobs");
  std::ofstream(dir + "/two.workload") << "gemm:K=8,M=16,N=16:fp32\ngemm:K=5,M=9,N=33:fp32\n";
  std::vector<std::vector<std::string>> orders;
  for (const char* jobs : {"0", "2"}) {
    const std::string db = dir + "/jobs" + jobs + ".db";
    const Result r = Run({"tune", "--build-jobs", jobs, "--strategy", "random", "--seed", "5", "--max-evals", "10",
                          "--min-samples", "2", "--workload", dir + "/two.workload", "--db", db},
                         dir, {});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (std::string(jobs) == "2") {
      CHECK(r.out.find("build jobs: 2 worker processes") != std::string::npos);
      CHECK(r.out.find("0 evaluations were built ahead") == std::string::npos);
    }
    Store store = Store::Open(db);
    std::vector<std::string> order;
    for (const char* key : {"gemm:K=8,M=16,N=16:fp32", "gemm:K=5,M=9,N=33:fp32"}) {
      for (const auto& m : store.Measurements(store.Devices().at(0).id, key)) {
        CHECK(m.status == MeasurementStatus::kOk);
        order.push_back(m.params);
      }
    }
    orders.push_back(order);
  }
  CHECK(orders[0].size() == 22);  // per key: the default and 10 more
  CHECK(orders[0] == orders[1]);
}
