// The adb transport: a phone (or an emulator, or a farm server's host:port endpoint) through the
// `adb` client on PATH. Checked here against tests/fake_adb/adb only; see docs/remote.md.
#include <stdexcept>

#include "transport.h"

namespace mace_tune {
namespace {

class AdbTransport : public Transport {
 public:
  explicit AdbTransport(TargetSpec spec) : Transport(std::move(spec)) {}

  TargetInfo Probe() override {
    std::string state;
    int rc = GetState(&state);
    // A host:port serial (emulator over TCP, a device-farm server) may need `adb connect` first.
    if (rc != 0 && spec_.serial.find(':') != std::string::npos) {
      ProcessOptions quiet;
      quiet.quiet = true;
      if (RunProcess({"adb", "connect", spec_.serial}, quiet) == 0) rc = GetState(&state);
    }
    if (rc != 0 || state != "device") {
      throw std::runtime_error("adb device " + spec_.serial + " is not ready (adb get-state: '" + state +
                               "', exit " + std::to_string(rc) + "); see `adb devices`");
    }
    TargetInfo info;
    info.os = "Android";
    info.abi = ShellOutput(*this, "getprop ro.product.cpu.abi");
    info.board = ShellOutput(*this, "getprop ro.board.platform");
    info.model = ShellOutput(*this, "getprop ro.product.model");
    info.arch = info.abi == "arm64-v8a" ? "aarch64" : info.abi == "armeabi-v7a" ? "armv7l" : info.abi;
    info.name = SafeName((info.model.empty() ? "android" : info.model) + "-" + spec_.serial);
    return info;
  }
  std::string BaseDir() const override { return "/data/local/tmp/mace_tune"; }
  void Push(const std::string& local, const std::string& remote) override {
    Copy(Adb({"push", local, remote}));
  }
  void Pull(const std::string& remote, const std::string& local) override {
    Copy(Adb({"pull", remote, local}));
  }
  // adb joins the words after `shell` with spaces for the device's sh: one pre-quoted line.
  // adb's shell protocol ends the remote process when the connection goes.
  int Shell(const std::string& command, const ProcessOptions& options, bool) override {
    return RunProcess(Adb({"shell", command}), options);
  }

 private:
  int GetState(std::string* state) const {
    ProcessOptions options;
    options.capture = state;
    state->clear();
    const int rc = RunProcess(Adb({"get-state"}), options);
    while (!state->empty() && (state->back() == '\n' || state->back() == '\r')) state->pop_back();
    return rc;
  }
  std::vector<std::string> Adb(std::vector<std::string> args) const {
    args.insert(args.begin(), {"adb", "-s", spec_.serial});
    return args;
  }
  static void Copy(const std::vector<std::string>& argv) {
    std::string out;
    ProcessOptions options;
    options.capture = &out;
    const int rc = RunProcess(argv, options);
    if (rc != 0)
      throw std::runtime_error("`" + ShellJoin(argv) + "` failed (exit " + std::to_string(rc) + "): " + out);
  }
};

}  // namespace

std::unique_ptr<Transport> MakeAdbTransport(const TargetSpec& spec) {
  return std::make_unique<AdbTransport>(spec);
}

}  // namespace mace_tune
