// SPDX-License-Identifier: Apache-2.0
// The adb transport and the farm against tests/fake_adb/adb, a stand-in of the adb command line
// whose "phones" are local folders (no phone is attached here; see docs/remote.md) and which
// behaves as the real client does: a server started by the first client, device states with
// their reasons on stderr, `connect` exiting 0 when it fails, devices without the shell protocol.
// The tuning itself is real: the stand-in runs the pushed mace_tune on this host's OpenCL device.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "catch.h"
#include "formats/json_value.h"
#include "remote_test_util.h"
#include "store/store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

namespace fs = std::filesystem;

// Puts the stand-in first on PATH and points it at `dir`/phones.
void UseFakeAdb(const std::string& dir, const std::string& serials) {
  static const std::string original_path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  const char* source = std::getenv("MACE_TUNE_SOURCE_DIR");
  REQUIRE(source != nullptr);
  setenv("PATH", (std::string(source) + "/tests/fake_adb:" + original_path).c_str(), 1);
  setenv("FAKE_ADB_ROOT", (dir + "/phones").c_str(), 1);
  setenv("FAKE_ADB_SERIALS", serials.c_str(), 1);
  setenv("FAKE_ADB_MODEL", "Fake Phone", 1);
  for (const char* name : {"FAKE_ADB_STATES", "FAKE_ADB_NO_SHELL_V2", "FAKE_ADB_OS", "FAKE_ADB_ABI"}) unsetenv(name);
}

// The stand-in's phones run this host's binaries, but an Android target is never sent this
// host's Linux build by default: the tests name it, as a user names an Android build.
std::vector<std::string> TargetBin() { return {"--target-bin", std::getenv("MACE_TUNE_CLI")}; }

std::vector<std::string> Args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  std::vector<std::string> args = test::DeviceArgs();
  args.insert(args.end(), head.begin(), head.end());
  args.insert(args.end(), tail.begin(), tail.end());
  return args;
}

}  // namespace

TEST_CASE("remote-tune over adb: probe, push, tune, emit, pull, merge; a re-run measures nothing") {
  const std::string dir = test::ScratchDir("remote_adb");
  UseFakeAdb(dir, "emulator-5554");
  const std::string workload = test::WriteTinyWorkload(dir, 1);
  auto args = Args({"remote-tune", "--target", "adb:emulator-5554"},
                   {"--workload", workload, "--db", "host.db", "--results", "results", "--max-evals", "3", "--seed",
                    "3", "-q", "--emit"});
  for (const auto& a : TargetBin()) args.push_back(a);
  const test::CliResult first = test::RunCliIn(args, dir);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("Android x86_64") != std::string::npos);
  CHECK(first.out.find("Fake Phone (fakeboard)") != std::string::npos);

  const std::string phone = dir + "/phones/emulator-5554/data/local/tmp/mace_tune/default";
  CHECK(fs::is_regular_file(phone + "/mace_tune"));
  CHECK(fs::is_regular_file(phone + "/tiny.workload"));
  CHECK(fs::is_regular_file(phone + "/default.db"));  // stays on the phone for resuming
  const std::string pulled = dir + "/results/Fake_Phone-emulator-5554";
  CHECK(fs::is_regular_file(pulled + "/mace_tune.db"));
  CHECK(fs::is_regular_file(pulled + "/mace_cl_compiled_program.bin"));
  CHECK(fs::is_regular_file(pulled + "/mace_tuned_params.bin"));

  const auto on_phone = test::ConfigsOf(phone + "/default.db");
  const auto on_host = test::ConfigsOf(dir + "/host.db");
  CHECK(on_phone.size() >= 3);  // 3 proposals + the default config, unless it was proposed
  CHECK(on_phone.size() <= 4);
  CHECK(on_host == on_phone);

  // Again, with --json: stdout is the document alone, the session's lines went to stderr.
  args.push_back("--json");
  const test::CliResult again = test::RunCliIn(args, dir);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.err.find("0 new measurements") != std::string::npos);
  CHECK(test::ConfigsOf(dir + "/host.db") == on_phone);
  const JsonValue doc = ParseJson(again.out);
  CHECK(doc.Find("format")->string == "mace_tune remote-tune");
  const JsonValue& target = doc.Find("targets")->array.at(0);
  CHECK(target.Find("target")->string == "adb:emulator-5554");
  CHECK(target.Find("info")->Find("os")->string == "Android");
  CHECK(target.Find("remote_exit")->number == 0);
  CHECK(target.Find("merge")->Find("measurements_added")->number == 0);
  CHECK(target.Find("artifacts")->array.size() == 2);
}

TEST_CASE("remote-tune over adb refuses an unknown serial and a foreign ABI with one clear line") {
  const std::string dir = test::ScratchDir("remote_adb_bad");
  UseFakeAdb(dir, "emulator-5554");
  const test::CliResult missing = test::RunCliIn({"remote-tune", "--target", "adb:nope", "--db", "host.db"}, dir);
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "mace_tune: error: adb device nope is not ready: error: device 'nope' not found "
        "(adb get-state, exit 1); see `adb devices`\n");
  // An x86_64 emulator has this host's architecture but is Android: not sent this Linux build.
  const test::CliResult android =
      test::RunCliIn({"remote-tune", "--target", "adb:emulator-5554", "--db", "host.db"}, dir);
  CHECK(android.exit_code == 1);
  CHECK(android.err.find("is Android ") != std::string::npos);
  CHECK(android.err.find("but this mace_tune is built for Linux") != std::string::npos);
  setenv("FAKE_ADB_ABI", "armeabi-v7a", 1);
  const test::CliResult abi = test::RunCliIn({"remote-tune", "--target", "adb:emulator-5554", "--db", "host.db"}, dir);
  unsetenv("FAKE_ADB_ABI");
  CHECK(abi.exit_code == 1);
  CHECK(abi.err.find("--target-bin") != std::string::npos);
  CHECK(!fs::exists(dir + "/host.db"));
}

TEST_CASE("adb's reasons reach the user: unauthorized, offline, and a connect that failed with exit 0") {
  const std::string dir = test::ScratchDir("remote_adb_states");
  UseFakeAdb(dir, "A1,A2");
  setenv("FAKE_ADB_STATES", "A1=unauthorized,A2=offline", 1);
  const test::CliResult unauthorized = test::RunCliIn({"remote-tune", "--target", "adb:A1", "--db", "h.db"}, dir);
  CHECK(unauthorized.exit_code == 1);
  CHECK(unauthorized.err.find("adb device A1 is not ready: error: device unauthorized. ") != std::string::npos);
  CHECK(unauthorized.err.find("confirmation dialog on your device") != std::string::npos);
  CHECK(std::count(unauthorized.err.begin(), unauthorized.err.end(), '\n') == 1);
  const test::CliResult offline = test::RunCliIn({"remote-tune", "--target", "adb:A2", "--db", "h.db"}, dir);
  CHECK(offline.err.find("adb device A2 is not ready: error: device offline (adb get-state, exit 1)") !=
        std::string::npos);
  const test::CliResult refused = test::RunCliIn({"remote-tune", "--target", "adb:127.0.0.1:9", "--db", "h.db"}, dir);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err ==
        "mace_tune: error: adb connect 127.0.0.1:9: failed to connect to '127.0.0.1:9': Connection refused\n");
  unsetenv("FAKE_ADB_STATES");
}

TEST_CASE("adb without the shell protocol: exit codes recovered, no phantom -wal; a Linux board gets this build") {
  const std::string dir = test::ScratchDir("remote_adb_old");
  UseFakeAdb(dir, "OLD1");
  setenv("FAKE_ADB_NO_SHELL_V2", "all", 1);
  setenv("FAKE_ADB_OS", "linux", 1);  // adbd on a Linux board: this host's binary and libraries run there
  const std::string workload = test::WriteTinyWorkload(dir, 1);
  const auto args = Args(
      {"remote-tune", "--target", "adb:OLD1"},
      {"--workload", workload, "--db", "host.db", "--results", "results", "--max-evals", "2", "--seed", "5", "-q"});
  const test::CliResult r = test::RunCliIn(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("target adb:OLD1: Linux x86_64") != std::string::npos);
  CHECK(r.out.find("note:") == std::string::npos);  // `test -s ...-wal` answered false, truly
  CHECK(test::MeasurementsIn(dir + "/host.db") >= 2);
  const std::string phone = dir + "/phones/OLD1/data/local/tmp/mace_tune/default";
  CHECK(!fs::is_empty(phone + "/lib"));  // the non-system libraries went with the binary
  // A failing remote tune is seen as failing, although `adb shell` itself exited 0.
  const test::CliResult bad = test::RunCliIn(
      Args({"remote-tune", "--target", "adb:OLD1"}, {"--workload", "no_such_workload", "--db", "host.db", "-q"}), dir);
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("the target's tune did not finish (exit 1)") != std::string::npos);
  unsetenv("FAKE_ADB_NO_SHELL_V2");
  unsetenv("FAKE_ADB_OS");
}

TEST_CASE("farm on a cold adb server: four targets at once, two phones tune, two fail with their reasons") {
  const std::string dir = test::ScratchDir("remote_farm");
  UseFakeAdb(dir, "A1,127.0.0.1:5555,A3,A4");
  setenv("FAKE_ADB_STATES", "A3=unauthorized,A4=offline", 1);
  const std::string workload = test::WriteTinyWorkload(dir, 1);
  auto args = Args(
      {"farm", "--targets", "adb:A1,adb:127.0.0.1:5555,adb:A3,adb:A4"},
      {"--workload", workload, "--db", "host.db", "--results", "results", "--max-evals", "2", "--seed", "4", "-q"});
  for (const auto& a : TargetBin()) args.push_back(a);
  const test::CliResult r = test::RunCliIn(args, dir);
  unsetenv("FAKE_ADB_STATES");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("farm: 2 of 4 targets done") != std::string::npos);
  // The server was started once before the threads: no client lost the race to start it.
  CHECK(r.err.find("cannot connect to daemon") == std::string::npos);
  CHECK(r.err.find("[adb:A3] error: adb device A3 is not ready: error: device unauthorized.") != std::string::npos);
  CHECK(r.err.find("[adb:A4] error: adb device A4 is not ready: error: device offline") != std::string::npos);
  CHECK(r.out.find("[adb:127.0.0.1:5555] target") != std::string::npos);
  const auto a = test::ConfigsOf(dir + "/results/Fake_Phone-A1/mace_tune.db");
  const auto b = test::ConfigsOf(dir + "/results/Fake_Phone-127.0.0.1_5555/mace_tune.db");
  CHECK(!a.empty());
  CHECK(!b.empty());
  // Both stand-in phones are this host's device (one fingerprint): the union, each config once.
  std::set<std::string> both(a.begin(), a.end());
  both.insert(b.begin(), b.end());
  const auto host = test::ConfigsOf(dir + "/host.db");
  CHECK(std::set<std::string>(host.begin(), host.end()) == both);
  CHECK(host.size() == both.size());
  CHECK(Store::Open(dir + "/host.db").CountRows("runs") == 2);
}

TEST_CASE("the stand-in reproduces the real client's race: clients started at once on a cold server") {
  const std::string dir = test::ScratchDir("remote_adb_race");
  UseFakeAdb(dir, "A1");
  // What farm did before it started the server first: four clients at once, three lose.
  const std::string adb = std::string(std::getenv("MACE_TUNE_SOURCE_DIR")) + "/tests/fake_adb/adb";
  const std::string cmd = "cd " + dir + " && for i in 1 2 3 4; do (" + adb +
                          " -s A1 get-state > out$i 2>&1; echo $? >> out$i) & done; wait; cat out1 out2 out3 out4";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  INFO(out);
  size_t lost = 0;
  for (size_t at = out.find("cannot connect to daemon"); at != std::string::npos;
       at = out.find("cannot connect to daemon", at + 1)) {
    ++lost;
  }
  CHECK(lost == 3);
}
