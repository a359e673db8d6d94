// SPDX-License-Identifier: Apache-2.0
// The adb transport: a phone (or an emulator, or a farm server's host:port endpoint) through the
// `adb` client on PATH. Written against what Debian's adb 29 does (docs/remote.md "adb as it
// behaves"), which tests/fake_adb/adb reproduces and tests/unit/adb_client_test.sh checks on the
// real client where no phone is needed.
#include <unistd.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

#include "remote/transport.h"

namespace mace_tune {
namespace {

// adb's own words, on one line: what it printed (stdout and stderr mixed) without the server's
// start-up chatter ("* daemon not running; starting now ...").
std::string Reason(const std::string& output) {
  std::istringstream lines(output);
  std::string line, out;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '*') continue;
    out += (out.empty() ? "" : " ") + line;
  }
  return out;
}

std::string LastLine(const std::string& output) {
  std::string text = output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

// Runs adb with stdout and stderr captured together; returns the exit code.
int RunAdb(const std::vector<std::string>& argv, std::string* output) {
  ProcessOptions options;
  options.capture = output;
  options.merge_stderr = true;
  output->clear();
  return RunProcess(argv, options);
}

class AdbTransport : public Transport {
 public:
  explicit AdbTransport(TargetSpec spec) : Transport(std::move(spec)) {}

  TargetInfo Probe() override {
    std::string out;
    int rc = RunAdb(Adb({"get-state"}), &out);
    // A host:port serial (emulator over TCP, a device-farm server) may need `adb connect` first.
    // adb connect exits 0 when it fails too: what it printed says which.
    if (rc != 0 && spec_.serial.find(':') != std::string::npos) {
      std::string connect;
      RunAdb({"adb", "connect", spec_.serial}, &connect);
      const std::string said = Reason(connect);
      if (said.rfind("connected to", 0) != 0 && said.rfind("already connected to", 0) != 0) {
        throw std::runtime_error("adb connect " + spec_.serial + ": " + said);
      }
      rc = RunAdb(Adb({"get-state"}), &out);
    }
    if (rc != 0 || LastLine(out) != "device") {
      // get-state gives its reason on stderr only (unauthorized, offline, not found).
      const std::string reason = Reason(out).empty() ? "state '" + LastLine(out) + "'" : Reason(out);
      throw std::runtime_error("adb device " + spec_.serial + " is not ready: " + reason + " (adb get-state, exit " +
                               std::to_string(rc) + "); see `adb devices`");
    }
    std::string features;
    shell_protocol_ = RunAdb(Adb({"features"}), &features) == 0 && features.find("shell_v2") != std::string::npos;
    return Describe();
  }
  std::string BaseDir() const override { return "/data/local/tmp/mace_tune"; }
  void Push(const std::string& local, const std::string& remote) override { Copy(Adb({"push", local, remote})); }
  void Pull(const std::string& remote, const std::string& local) override { Copy(Adb({"pull", remote, local})); }
  // adb joins the words after `shell` with spaces for the device's sh: one pre-quoted line.
  // adb's shell protocol ends the remote process when the connection goes.
  int Shell(const std::string& command, const ProcessOptions& options, bool) override {
    if (shell_protocol_) return RunProcess(Adb({"shell", command}), options);
    return ShellWithoutProtocol(command, options);
  }

 private:
  // Android answers getprop; a Linux board running adbd does not, and is asked uname instead.
  TargetInfo Describe() {
    TargetInfo info;
    std::string sdk;
    ProcessOptions capture;
    capture.capture = &sdk;
    capture.merge_stderr = true;  // "getprop: not found" is an answer here, not news for the user
    if (Shell("getprop ro.build.version.sdk", capture, false) == 0 && !Reason(sdk).empty() &&
        Reason(sdk).find_first_not_of("0123456789") == std::string::npos) {
      info.os = "Android";
      info.abi = ShellOutput(*this, "getprop ro.product.cpu.abi");
      info.board = ShellOutput(*this, "getprop ro.board.platform");
      info.model = ShellOutput(*this, "getprop ro.product.model");
      info.arch = info.abi == "arm64-v8a" ? "aarch64" : info.abi == "armeabi-v7a" ? "armv7l" : info.abi;
      info.name = SafeName((info.model.empty() ? "android" : info.model) + "-" + spec_.serial);
      return info;
    }
    std::istringstream uname(ShellOutput(*this, "uname -s -n -m"));
    uname >> info.os >> info.hostname >> info.arch;
    info.abi = info.arch;
    info.name = SafeName((info.hostname.empty() ? "adb" : info.hostname) + "-" + spec_.serial);
    return info;
  }
  // Without adb's shell protocol (devices before Android 7) `adb shell` exits 0 whatever the
  // command did. The command leaves its exit code in a file, which a second shell reads back.
  int ShellWithoutProtocol(const std::string& command, const ProcessOptions& options) {
    static std::atomic<int> calls{0};
    const std::string file =
        "/data/local/tmp/.mace_tune_exit_" + std::to_string(getpid()) + "_" + std::to_string(calls++);
    const int rc = RunProcess(Adb({"shell", "(" + command + "); echo $? > " + file}), options);
    if (rc != 0) return rc;  // adb itself failed: the device went away
    std::string out;
    RunAdb(Adb({"shell", "cat " + file + "; rm -f " + file}), &out);
    const std::string code = Reason(out);
    if (code.empty() || code.size() > 3 || code.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("adb shell on " + spec_.serial + " (no shell protocol): the exit code of `" + command +
                               "` did not come back: " + code);
    }
    return std::stoi(code);
  }
  std::vector<std::string> Adb(std::vector<std::string> args) const {
    args.insert(args.begin(), {"adb", "-s", spec_.serial});
    return args;
  }
  static void Copy(const std::vector<std::string>& argv) {
    std::string out;
    const int rc = RunAdb(argv, &out);
    if (rc != 0)
      throw std::runtime_error("`" + ShellJoin(argv) + "` failed (exit " + std::to_string(rc) + "): " + Reason(out));
  }

  bool shell_protocol_ = true;
};

}  // namespace

std::unique_ptr<Transport> MakeAdbTransport(const TargetSpec& spec) { return std::make_unique<AdbTransport>(spec); }

void StartAdbServer() {
  std::string out;
  const int rc = RunAdb({"adb", "start-server"}, &out);
  if (rc != 0) throw std::runtime_error("adb start-server failed (exit " + std::to_string(rc) + "): " + Reason(out));
}

}  // namespace mace_tune
