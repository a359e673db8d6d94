// SPDX-License-Identifier: Apache-2.0
// The mace_tune CLI as a user runs it: resume after kill -9 and Ctrl-C, and one clear line and a
// non-zero exit for each kind of bad input, with the database left intact.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "catch.h"
#include "remote_test_util.h"
#include "store/store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

using RunResult = test::CliResult;

// The CLI in `dir`; once `until` (polled every 50 ms) returns true, `sig` is sent to it.
RunResult RunCli(const std::vector<std::string>& args, const std::string& dir,
                 const std::function<bool()>& until = nullptr, int sig = SIGKILL) {
  bool sent = false;
  return test::RunCliIn(args, dir, [&](pid_t pid) {
    if (until && !sent && until()) {
      kill(pid, sig);
      sent = true;
    }
  });
}

int64_t Rows(const std::string& db, const std::string& table) { return Store::Open(db).CountRows(table); }

std::set<std::string> MeasuredConfigs(const std::string& db) {
  Store store = Store::Open(db);
  std::set<std::string> seen;
  for (const auto& d : store.Devices()) {
    for (const auto& s : store.Summaries(d.id)) {
      for (const auto& m : store.Measurements(d.id, s.tuning_key)) {
        CHECK(seen.insert(s.tuning_key + "/" + m.params).second);  // never measured twice
      }
    }
  }
  return seen;
}

std::string TinyWorkload(const std::string& dir) {
  const std::string path = dir + "/tiny.workload";
  std::ofstream(path) << "gemm:K=16,M=32,N=24:fp32  # a\ngemm:K=8,M=17,N=40:fp32  # b\n";
  return path;
}

size_t Lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("tune resumes after kill -9 without measuring anything twice") {
  const std::string dir = test::ScratchDir("cli_kill9");
  const std::string db = dir + "/r.db", workload = TinyWorkload(dir);
  const std::vector<std::string> tune = {"tune", "-q",          "--workload", workload, "--db",
                                         db,     "--max-evals", "10",         "--seed", "5"};
  const RunResult killed = RunCli(tune, dir, [&] {
    std::ifstream probe(db);
    return probe && Rows(db, "measurements") >= 4;
  });
  REQUIRE(killed.signal == SIGKILL);
  const int64_t before = Rows(db, "measurements");
  const int64_t samples_before = Rows(db, "samples");
  const auto configs_before = MeasuredConfigs(db);
  CHECK(before >= 4);
  CHECK(before < 22);  // killed before the end: 2 keys x (10 + default)

  const RunResult resumed = RunCli(tune, dir);
  REQUIRE(resumed.exit_code == 0);
  const int64_t after = Rows(db, "measurements");
  const auto configs_after = MeasuredConfigs(db);
  CHECK(after > before);
  CHECK(after <= 22);
  CHECK(Rows(db, "samples") > samples_before);
  for (const auto& c : configs_before) CHECK(configs_after.count(c) == 1);  // nothing lost
  CHECK(static_cast<int64_t>(configs_after.size()) == after);

  const RunResult again = RunCli(tune, dir);
  REQUIRE(again.exit_code == 0);
  CHECK(Rows(db, "measurements") == after);
  CHECK(again.out.find("0 new measurements") != std::string::npos);
}

TEST_CASE("Ctrl-C finishes the evaluation in hand, records it and exits 130") {
  const std::string dir = test::ScratchDir("cli_sigint");
  const std::string db = dir + "/r.db", workload = TinyWorkload(dir);
  const RunResult r = RunCli(
      {"tune", "-q", "--workload", workload, "--db", db, "--max-evals", "40"}, dir,
      [&] {
        std::ifstream probe(db);
        return probe && Rows(db, "measurements") >= 2;
      },
      SIGINT);
  CHECK(r.exit_code == 130);
  CHECK(r.err.find("interrupted") != std::string::npos);
  CHECK(Rows(db, "measurements") >= 2);
  CHECK(Rows(db, "measurements") < 82);
}

TEST_CASE("bad input: one clear line, non-zero exit, database intact") {
  const std::string dir = test::ScratchDir("cli_bad");
  const std::string db = dir + "/r.db", workload = TinyWorkload(dir);
  REQUIRE(RunCli({"tune", "-q", "--workload", workload, "--db", db, "--max-evals", "2"}, dir).exit_code == 0);
  const int64_t rows = Rows(db, "measurements");

  auto expect_error = [&](const std::vector<std::string>& args, const std::string& needle) {
    const RunResult r = RunCli(args, dir);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(Lines(r.err) == 1);
    CHECK(r.err.rfind("mace_tune: error: ", 0) == 0);
    CHECK(r.err.find(needle) != std::string::npos);
  };
  expect_error({"--device", "NoSuchGPU 9000", "tune", "--workload", workload, "--db", db}, "no OpenCL device matches");
  // After the command too, and the error lists the devices that are there.
  expect_error({"tune", "--device", "NoSuchGPU 9000", "--workload", workload, "--db", db}, "; present: ");
  std::ofstream(dir + "/bad.workload") << "gemm:K=4,M=4,N=4:fp32\nwinograd:K=3:fp32\n";
  expect_error({"tune", "--workload", dir + "/bad.workload", "--db", db}, "bad.workload:2: unknown kernel family");
  std::ofstream(dir + "/zero.workload") << "gemm:K=0,M=4,N=4:fp32\n";
  expect_error({"tune", "--workload", dir + "/zero.workload", "--db", db}, "zero.workload:1:");
  expect_error({"tune", "--workload", workload, "--db", db, "--strategy", "nope"}, "unknown strategy");
  // Checked before any tuning: the unchanged row count below also shows nothing was measured.
  expect_error({"tune", "--workload", workload, "--db", db, "--limits", "12"}, "--limits wants GFLOPS,GBS");
  expect_error({"tune", "--workload", workload, "--db", db, "--config", "TM=x"}, "--config TM=x");
  expect_error({"tune", "--key", "conv9:K=1:fp32", "--db", db}, "unknown kernel family 'conv9'");
  std::ofstream(dir + "/not_a_dir") << "x";
  expect_error({"emit", "--db", db, "--out", dir + "/not_a_dir/sub"}, "not_a_dir");
  expect_error({"emit", "--db", dir + "/missing.db", "--out", dir}, "not found");
  std::ofstream(dir + "/empty.bin").close();
  expect_error({"inspect", dir + "/empty.bin"}, "empty.bin");
  std::ofstream(dir + "/garbage.bin") << "this is not an artifact at all, just text";
  expect_error({"inspect", dir + "/garbage.bin"}, "garbage.bin");
  expect_error({"inspect", dir + "/absent.bin"}, "absent.bin");
  std::ofstream(dir + "/text.db") << "not sqlite, really not";
  expect_error({"tune", "--workload", workload, "--db", dir + "/text.db"}, "text.db");
  CHECK(Rows(db, "measurements") == rows);
}

TEST_CASE("emit writes both artifacts; inspect reads them back") {
  const std::string dir = test::ScratchDir("cli_emit");
  const std::string db = dir + "/r.db", workload = TinyWorkload(dir);
  REQUIRE(RunCli({"tune", "-q", "--workload", workload, "--db", db, "--max-evals", "3"}, dir).exit_code == 0);
  const RunResult emit = RunCli({"emit", "--db", db, "--out", dir + "/art"}, dir);
  INFO(emit.err);
  REQUIRE(emit.exit_code == 0);
  CHECK(emit.out.find("mace_cl_compiled_program.bin") != std::string::npos);
  const RunResult binary = RunCli({"inspect", dir + "/art/mace_cl_compiled_program.bin"}, dir);
  CHECK(binary.exit_code == 0);
  CHECK(binary.out.find("gemm|") != std::string::npos);
  const RunResult params = RunCli({"inspect", "--json", dir + "/art/mace_tuned_params.bin"}, dir);
  CHECK(params.exit_code == 0);
  CHECK(params.out.find("gemm:K=16,M=32,N=24:fp32") != std::string::npos);
  CHECK(params.out.front() == '{');
  CHECK(params.out.find("\"tool\":\"mace_tune ") != std::string::npos);  // the reader's version, besides the writer's
}
