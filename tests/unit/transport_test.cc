// SPDX-License-Identifier: Apache-2.0
// Tests of the transports' device-free parts: --target parsing (adb host:port serials included),
// shell quoting that survives a real sh, argv-array child processes, and ldd parsing.
#include "remote/transport.h"

#include <string>

#include "catch.h"
#include "remote/process.h"
#include "remote/remote_tune.h"

namespace mace_tune {
namespace {

TEST_CASE("targets parse: local, adb serials (host:port too), ssh user, host and port") {
  CHECK(ParseTarget("local").kind == "local");
  const TargetSpec adb = ParseTarget("adb:R58M123ABC");
  CHECK(adb.kind == "adb");
  CHECK(adb.serial == "R58M123ABC");
  CHECK(ParseTarget("adb:stf.example.com:7401").serial == "stf.example.com:7401");
  const TargetSpec ssh = ParseTarget("ssh:pi@board.local:2222");
  CHECK(ssh.kind == "ssh");
  CHECK(ssh.user == "pi");
  CHECK(ssh.host == "board.local");
  CHECK(ssh.port == 2222);
  const TargetSpec bare = ParseTarget("ssh:board");
  CHECK(bare.user.empty());
  CHECK(bare.port == 0);
  CHECK_THROWS(ParseTarget("adb:"));
  CHECK_THROWS(ParseTarget("ssh:-oProxyCommand=x"));
  CHECK_THROWS(ParseTarget("ssh:host:port"));
  CHECK_THROWS(ParseTarget("telnet:x"));
  const auto many = ParseTargets("adb:A,adb:10.0.0.2:5555,ssh:b");
  REQUIRE(many.size() == 3);
  CHECK(many[1].serial == "10.0.0.2:5555");
  CHECK(SafeName("Pixel 7/pro:5555") == "Pixel_7_pro_5555");
}

TEST_CASE("audit 6: an ssh user or host that ssh would read as an option, and unsafe remote paths, are refused") {
  CHECK_THROWS_WITH(ParseTarget("ssh:-oProxyCommand=touch /tmp/PWN@host"), Catch::Contains("bad ssh user"));
  CHECK_THROWS(ParseTarget("ssh:a b@host"));
  CHECK_THROWS(ParseTarget("ssh:@host"));
  CHECK_THROWS(ParseTarget("ssh:pi@-host"));
  CHECK_THROWS(ParseTarget("ssh:pi@ho;st"));
  CHECK(ParseTarget("ssh:build-bot.2@board-7.local").user == "build-bot.2");
  for (const char* good : {"/data/local/tmp/mace_tune/c1", ".mace_tune/t", "/home/pi/x+y,z=1@2%"}) {
    CHECK_NOTHROW(CheckRemotePath(good));
  }
  for (const char* bad : {"/tmp/x;touch /tmp/PWN;x", "/tmp/$(id)", "/tmp/`id`", "a b", "-oX", "~/x", "a'b", "a\"b",
                          "a|b", "a&b", "a\nb", "a:b", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH(CheckRemotePath(bad), Catch::Contains("only letters, digits"));
  }
}

TEST_CASE("shell quoting survives sh unchanged, and no word is ever interpreted") {
  const std::vector<std::string> words = {"plain", "it's", "$(touch /tmp/mt_pwned)", "a b\tc", "`x`", "\"q\"", "*", ""};
  std::string out;
  ProcessOptions options;
  options.capture = &out;
  REQUIRE(RunProcess({"sh", "-c", "printf '%s|' " + ShellJoin(words)}, options) == 0);
  std::string expected;
  for (const auto& w : words) expected += w + "|";
  CHECK(out == expected);
}

TEST_CASE("child processes: exit codes, signals, capture, missing programs") {
  CHECK(RunProcess({"sh", "-c", "exit 3"}, {}) == 3);
  CHECK(RunProcess({"sh", "-c", "kill -9 $$"}, {}) == 128 + 9);
  ProcessOptions quiet;
  quiet.quiet = true;
  CHECK(RunProcess({"mace_tune_no_such_program_xyz"}, quiet) == 127);
  std::string out;
  ProcessOptions capture;
  capture.capture = &out;
  CHECK(RunProcess({"echo", "a;b", "$HOME"}, capture) == 0);
  CHECK(out == "a;b $HOME\n");
}

TEST_CASE("ldd: system libraries stay, the rest travels") {
  const auto libs = NonSystemLibraries("/bin/sh");
  for (const auto& l : libs) {
    CHECK(l.find("libc.so") == std::string::npos);
    CHECK(l.front() == '/');
  }
}

}  // namespace
}  // namespace mace_tune
