// SPDX-License-Identifier: Apache-2.0
// The audit's cases through the CLI, as an attacker or a careless user runs it: each must end in
// one `mace_tune: error:` line and exit 1 within seconds and bounded memory (or do the safe thing:
// refuse to overwrite a key, measure no config twice, replace both artifacts or neither).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "catch.h"
#include "remote_test_util.h"
#include "store/store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

namespace fs = std::filesystem;

constexpr const char* kAuditKey = "conv2d_1x1:ACT=0,BIAS=0,C=4,H=2097152,K=4,N=1048576,S=1,W=2097152:fp32";

// The CLI, killed (and the test failed) if it takes more than `seconds`: a hang is a finding.
test::CliResult Run(const std::vector<std::string>& args, const std::string& dir, int seconds = 60) {
  const auto start = std::chrono::steady_clock::now();
  bool killed = false;
  test::CliResult r = test::RunCliIn(args, dir, [&](pid_t pid) {
    if (!killed && std::chrono::steady_clock::now() - start > std::chrono::seconds(seconds)) {
      killed = kill(pid, SIGKILL) == 0;
    }
  });
  INFO("mace_tune " << (args.empty() ? "" : args[0]) << " ...: " << r.out << r.err);
  CHECK(!killed);
  return r;
}

std::string Quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A shell line in `dir`, with $CLI the mace_tune binary (for ulimit, trap and umask).
test::CliResult Shell(const std::string& line, const std::string& dir) {
  const std::string command = "cd " + Quote(dir) + " && CLI=" + Quote(std::getenv("MACE_TUNE_CLI")) + " sh -c " +
                              Quote(line) + " >stdout.txt 2>stderr.txt";
  const int status = std::system(command.c_str());
  test::CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream out, err;
  out << std::ifstream(dir + "/stdout.txt").rdbuf();
  err << std::ifstream(dir + "/stderr.txt").rdbuf();
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Exit 1 and exactly one line, `mace_tune: error: ...` containing `part`.
void ExpectOneErrorLine(const test::CliResult& r, const std::string& part) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("mace_tune: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(part) != std::string::npos);
}

std::vector<std::string> WithDevice(std::vector<std::string> args) {
  std::vector<std::string> all = test::DeviceArgs();
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

}  // namespace

TEST_CASE("audit 1: a key whose sizes overflow, or that the device cannot hold, is one error line", "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_sizes");
  ExpectOneErrorLine(Run(WithDevice({"tune", "--key", kAuditKey, "--db", "a.db"}), dir), "overflow");
  CHECK(!fs::exists(dir + "/a.db"));
  // The same key in a workload (the audit's way in) names the file and line.
  { std::ofstream(dir + "/w.workload") << "# audit\n" << kAuditKey << "\n"; }
  const test::CliResult from_workload = Run(WithDevice({"tune", "-w", "w.workload", "--db", "w.db"}), dir);
  ExpectOneErrorLine(from_workload, "overflow");
  CHECK(from_workload.err.find("w.workload:2") != std::string::npos);
  CHECK(!fs::exists(dir + "/w.db"));
  // Valid for the description (2^31 elements per tensor) but 24 GiB of host copies: refused
  // before anything is allocated, whatever this machine has (ulimit -v 3 GB).
  const test::CliResult huge = Shell(
      "ulimit -v 3000000; exec \"$CLI\" tune --key conv2d_1x1:ACT=0,BIAS=0,C=4,H=2048,K=4,N=128,S=1,W=2048:fp32 "
      "--db b.db -q --max-evals 1",
      dir);
  ExpectOneErrorLine(huge, "bytes");
  CHECK(std::regex_search(huge.err, std::regex("host memory|CL_DEVICE_MAX_MEM_ALLOC_SIZE|CL_DEVICE_GLOBAL_MEM_SIZE")));
}

TEST_CASE("audit 4: special files and out-of-range options end at once in one error line", "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_files");
  REQUIRE(mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  ExpectOneErrorLine(Run(WithDevice({"tune", "-w", "fifo", "--db", "a.db"}), dir, 20), "not a regular file");
  ExpectOneErrorLine(Run(WithDevice({"tune", "-w", "/dev/zero", "--db", "a.db"}), dir, 20), "not a regular file");
  ExpectOneErrorLine(Run({"inspect", "fifo"}, dir, 20), "not a regular file");
  ExpectOneErrorLine(Run({"inspect", "/dev/zero"}, dir, 20), "not a regular file");
  ExpectOneErrorLine(Run(WithDevice({"tune", "--key", "gemm:K=8,M=16,N=16:fp32", "--db", "fifo"}), dir, 20),
                     "not a regular file");
  ExpectOneErrorLine(Run(WithDevice({"emit", "--db", "fifo"}), dir, 20), "not a regular file");
  ExpectOneErrorLine(Run({"merge", "dest.db", "fifo"}, dir, 20), "fifo");
  const std::vector<std::pair<std::string, std::string>> options = {
      {"--build-threads", "100000"}, {"--max-evals", "-1"}, {"--max-evals", ""},
      {"--max-evals", "1e30"},       {"--seed", "-1"},      {"--time-limit", "nan"},
      {"--patience", "-5"},          {"--watchdog", "0"}};
  for (const auto& [option, value] : options) {
    INFO(option << " '" << value << "'");
    ExpectOneErrorLine(Run({"tune", option, value, "--key", "gemm:K=8,M=16,N=16:fp32", "--db", "a.db"}, dir, 20),
                       option);
  }
  CHECK(!fs::exists(dir + "/a.db"));
  std::ofstream(dir + "/deep.json") << std::string(1000000, '[');
  for (const char* space : {"clblast:deep.json", "kt:deep.json"}) {
    ExpectOneErrorLine(Run({"replay", "--space", space}, dir, 20), "nested deeper than 256");
  }
}

TEST_CASE("audit 7: usage errors are one line and exit 1; --help and --version still exit 0", "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_usage");
  ExpectOneErrorLine(Run({"tune", "--bogus"}, dir), "--bogus");
  ExpectOneErrorLine(Run({}, dir), "subcommand");
  ExpectOneErrorLine(Run({"inspect"}, dir), "file");
  CHECK(Run({"--help"}, dir).exit_code == 0);
  CHECK(Run({"tune", "--help"}, dir).exit_code == 0);
  CHECK(Run({"--version"}, dir).exit_code == 0);
}

TEST_CASE("audit 7: merge from an empty file and a database that cannot be written leave nothing behind",
          "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_merge");
  std::ofstream(dir + "/empty.db").close();
  ExpectOneErrorLine(Run({"merge", "dest.db", "empty.db"}, dir), "empty");
  CHECK(fs::file_size(dir + "/empty.db") == 0);  // was: the whole schema written into the source
  CHECK(!fs::exists(dir + "/dest.db"));
  // A full disk, as far as this process can tell (ulimit -f 4 KB): no 4 KB database is left.
  const test::CliResult full = Shell(
      "trap '' XFSZ; ulimit -f 4; exec \"$CLI\" tune --key gemm:K=8,M=16,N=16:fp32 --db new.db -q --max-evals 1", dir);
  INFO(full.err);
  CHECK(full.exit_code == 1);
  for (const char* suffix : {"", "-wal", "-shm"}) CHECK(!fs::exists(dir + "/new.db" + suffix));
}

TEST_CASE("audit 7: emit replaces both artifacts or neither", "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_emit");
  REQUIRE(Run(WithDevice({"tune", "--key", "gemm:K=8,M=16,N=16:fp32", "--db", "r.db", "-q", "--max-evals", "2",
                          "--build-threads", "0"}),
              dir, 300)
              .exit_code == 0);
  REQUIRE(Run(WithDevice({"emit", "--db", "r.db", "--out", "out", "--params-name", "p.bin"}), dir, 300).exit_code == 0);
  struct stat before {};
  REQUIRE(stat((dir + "/out/mace_cl_compiled_program.bin").c_str(), &before) == 0);
  // The second file cannot be written (its folder is missing): the first is not replaced either.
  const test::CliResult failed =
      Run(WithDevice({"emit", "--db", "r.db", "--out", "out", "--params-name", "missing/p.bin"}), dir, 300);
  ExpectOneErrorLine(failed, "missing/p.bin");
  struct stat after {};
  REQUIRE(stat((dir + "/out/mace_cl_compiled_program.bin").c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  for (const auto& entry : fs::directory_iterator(dir + "/out")) {
    CHECK(entry.path().string().find(".tmp.") == std::string::npos);  // no staged file left
  }
}

TEST_CASE("audit 7: two tunes on one database never measure a config twice", "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_concurrent");
  fs::create_directories(dir + "/a");
  fs::create_directories(dir + "/b");
  const std::string db = dir + "/shared.db";
  const std::vector<std::string> args = WithDevice({"tune", "--key", "gemm:K=8,M=16,N=16:fp32", "--db", db,
                                                    "--max-evals", "10", "--seed", "3", "--build-threads", "0"});
  test::CliResult second;
  std::thread other([&] { second = test::RunCliIn(args, dir + "/b"); });
  const test::CliResult first = test::RunCliIn(args, dir + "/a");
  other.join();
  INFO(first.err << second.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.exit_code == 0);
  // "[1/1] KEY: 10 configs (N new, 0 failed) ...": together they measured each row once.
  int64_t measured = 0;
  const std::regex line(R"(configs \((\d+) new)");
  for (const test::CliResult* r : std::array<const test::CliResult*, 2>{&first, &second}) {
    std::smatch m;
    REQUIRE(std::regex_search(r->err, m, line));
    measured += std::stoll(m[1]);
  }
  CHECK(measured == test::MeasurementsIn(db));
  const auto configs = test::ConfigsOf(db);
  CHECK(std::set<std::string>(configs.begin(), configs.end()).size() == configs.size());
  detail::Db raw = detail::Db::Open(db);
  CHECK(raw.QueryInt64("SELECT COUNT(*) FROM claims") == 0);  // every claim dropped with its record
}

TEST_CASE("audit 5: keygen writes the secret key 0600 under any umask and never replaces a pair unasked",
          "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_keygen");
  const test::CliResult probe = Shell("umask 022; exec \"$CLI\" keygen k022", dir);
  if (probe.err.find("without libsodium") != std::string::npos) {
    WARN("SKIPPED: this mace_tune has no libsodium (scripts/test.sh builds it with -DMACE_TUNE_WITH_SODIUM=ON)");
    return;
  }
  REQUIRE(probe.exit_code == 0);
  REQUIRE(Shell("umask 077; exec \"$CLI\" keygen k077", dir).exit_code == 0);
  for (const char* prefix : {"k022", "k077"}) {
    struct stat info {};
    REQUIRE(stat((dir + "/" + prefix + ".key").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
  std::stringstream before;
  before << std::ifstream(dir + "/k022.key").rdbuf();
  ExpectOneErrorLine(Shell("exec \"$CLI\" keygen k022", dir), "--force");
  std::stringstream kept;
  kept << std::ifstream(dir + "/k022.key").rdbuf();
  CHECK(kept.str() == before.str());
  REQUIRE(Shell("exec \"$CLI\" keygen --force k022", dir).exit_code == 0);
  std::stringstream replaced;
  replaced << std::ifstream(dir + "/k022.key").rdbuf();
  CHECK(replaced.str() != before.str());
}

TEST_CASE("audit 6: a remote dir or ssh target that a shell or ssh would read is refused before anything runs",
          "[hardening]") {
  const std::string dir = test::ScratchDir("hardening_remote");
  const std::string pwn = dir + "/PWN";
  ExpectOneErrorLine(Run({"remote-tune", "--target", "local", "--remote-dir", "/tmp/x;touch " + pwn + ";x"}, dir),
                     "--remote-dir");
  ExpectOneErrorLine(Run({"remote-tune", "--target", "ssh:-oProxyCommand=touch " + pwn + "@host"}, dir),
                     "bad ssh user");
  ExpectOneErrorLine(Run({"farm", "--targets", "ssh:-oProxyCommand=x@host,local"}, dir), "bad ssh user");
  CHECK(!fs::exists(pwn));
}
