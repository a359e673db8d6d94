// The adb transport and the farm against tests/fake_adb/adb, a stand-in of the adb command line
// whose "phones" are local folders (no phone is attached here; see docs/remote.md). The tuning
// itself is real: the stand-in runs the pushed mace_tune on this host's OpenCL device.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "catch.h"
#include "remote_test_util.h"
#include "store.h"
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
}

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
  const auto args = Args({"remote-tune", "--target", "adb:emulator-5554"},
                         {"--workload", workload, "--db", "host.db", "--results", "results", "--max-evals",
                          "3", "--seed", "3", "-q", "--emit"});
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

  const test::CliResult again = test::RunCliIn(args, dir);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("0 new measurements") != std::string::npos);
  CHECK(test::ConfigsOf(dir + "/host.db") == on_phone);
}

TEST_CASE("remote-tune over adb refuses an unknown serial and a foreign ABI with one clear line") {
  const std::string dir = test::ScratchDir("remote_adb_bad");
  UseFakeAdb(dir, "emulator-5554");
  const test::CliResult missing =
      test::RunCliIn({"remote-tune", "--target", "adb:nope", "--db", "host.db"}, dir);
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("adb device nope is not ready") != std::string::npos);
  setenv("FAKE_ADB_ABI", "armeabi-v7a", 1);
  const test::CliResult abi =
      test::RunCliIn({"remote-tune", "--target", "adb:emulator-5554", "--db", "host.db"}, dir);
  unsetenv("FAKE_ADB_ABI");
  CHECK(abi.exit_code == 1);
  CHECK(abi.err.find("--target-bin") != std::string::npos);
  CHECK(!fs::exists(dir + "/host.db"));
}

TEST_CASE("farm: two phones in parallel (one a host:port serial), each its own database, merged once") {
  const std::string dir = test::ScratchDir("remote_farm");
  UseFakeAdb(dir, "A1,127.0.0.1:5555");
  const std::string workload = test::WriteTinyWorkload(dir, 1);
  const auto args = Args({"farm", "--targets", "adb:A1,adb:127.0.0.1:5555"},
                         {"--workload", workload, "--db", "host.db", "--results", "results", "--max-evals",
                          "2", "--seed", "4", "-q"});
  const test::CliResult r = test::RunCliIn(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("farm: 2 of 2 targets done") != std::string::npos);
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
