// SPDX-License-Identifier: Apache-2.0
// Target specs, the shared helpers of every transport, and the local transport (a folder on this
// machine: the same code path as a phone or board, without the copy over a wire).
#include "remote/transport.h"

#include <sys/utsname.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace mace_tune {
namespace fs = std::filesystem;

namespace {

// A user or host name that ssh cannot take for anything else: no option, no second host.
bool SafeWord(const std::string& word) {
  return !word.empty() && word[0] != '-' &&
         word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
             std::string::npos;
}

}  // namespace

TargetSpec ParseTarget(const std::string& text) {
  TargetSpec spec;
  spec.text = text;
  if (text == "local" || text.empty()) return spec;
  if (text.rfind("local:", 0) == 0) {
    spec.device = text.substr(6);
    if (spec.device.empty()) throw std::runtime_error("target '" + text + "': local: needs a device selector");
    return spec;
  }
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (kind == "adb") {
    if (rest.empty())
      throw std::runtime_error("target '" + text + "': adb needs a serial (adb:SERIAL, see `adb devices`)");
    spec.kind = "adb";
    spec.serial = rest;
    return spec;
  }
  if (kind == "ssh") {
    spec.kind = "ssh";
    std::string host = rest;
    const auto at = host.rfind('@');
    if (at != std::string::npos) {
      spec.user = host.substr(0, at);
      host = host.substr(at + 1);
      // ssh would read "-oProxyCommand=..." in the user's place as an option.
      if (!SafeWord(spec.user)) {
        throw std::runtime_error("target '" + text + "': bad ssh user '" + spec.user +
                                 "' (letters, digits, '.', '_' and '-', not first)");
      }
    }
    const auto port = host.rfind(':');
    if (port != std::string::npos) {
      try {
        spec.port = std::stoi(host.substr(port + 1));
      } catch (const std::exception&) {
        throw std::runtime_error("target '" + text + "': bad ssh port '" + host.substr(port + 1) + "'");
      }
      host = host.substr(0, port);
    }
    if (!SafeWord(host))
      throw std::runtime_error("target '" + text +
                               "': ssh needs a host (ssh:[user@]host[:port]; letters, digits, "
                               "'.', '_' and '-', not first)");
    spec.host = host;
    return spec;
  }
  throw std::runtime_error("target '" + text + "': expected local, local:DEVICE, adb:SERIAL or ssh:[user@]host[:port]");
}

std::vector<TargetSpec> ParseTargets(const std::string& text) {
  std::vector<TargetSpec> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(ParseTarget(item));
  }
  if (out.empty()) throw std::runtime_error("no targets given (--targets adb:A,ssh:board,...)");
  return out;
}

std::string TargetInfo::Describe() const {
  std::string s = os + " " + arch;
  if (!abi.empty()) s += " abi " + abi;
  if (!model.empty()) s += ", " + model;
  if (!board.empty()) s += " (" + board + ")";
  if (!hostname.empty()) s += ", host " + hostname;
  return s;
}

std::string SafeName(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

void CheckRemotePath(const std::string& path) {
  const bool safe = !path.empty() && path[0] != '-' &&
                    path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,=@%") ==
                        std::string::npos;
  if (!safe) {
    throw std::runtime_error("remote path '" + path +
                             "': only letters, digits and / . _ - + , = @ % are allowed "
                             "(no spaces or shell characters), and it may not start with '-'");
  }
}

std::string ShellOutput(Transport& t, const std::string& command) {
  std::string out;
  ProcessOptions options;
  options.capture = &out;
  const int rc = t.Shell(command, options);
  if (rc != 0) {
    throw std::runtime_error(t.spec().text + ": `" + command + "` failed (exit " + std::to_string(rc) + ")" +
                             (out.empty() ? "" : ": " + out));
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

namespace {

class LocalTransport : public Transport {
 public:
  explicit LocalTransport(TargetSpec spec) : Transport(std::move(spec)) {}

  TargetInfo Probe() override {
    utsname u{};
    uname(&u);
    TargetInfo info;
    info.os = u.sysname;
    info.arch = u.machine;
    info.hostname = u.nodename;
    info.name = SafeName("local-" + info.hostname + (spec_.device.empty() ? "" : "-" + spec_.device));
    return info;
  }
  std::string BaseDir() const override {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.mace_tune";
  }
  void Push(const std::string& local, const std::string& remote) override { Copy(local, remote); }
  void Pull(const std::string& remote, const std::string& local) override { Copy(remote, local); }
  int Shell(const std::string& command, const ProcessOptions& options, bool) override {
    return RunProcess({"sh", "-c", command}, options);
  }

 private:
  // In a child process, as adb and scp copy: a file this process held open for writing would be
  // inherited by the targets other farm threads start at the same moment, and executing it
  // would then fail with "Text file busy" (exit 126).
  static void Copy(const std::string& from, const std::string& to) {
    ProcessOptions quiet;
    quiet.quiet = true;
    if (RunProcess({"cp", "-f", "--", from, to}, quiet) != 0) {
      throw std::runtime_error("copy " + from + " -> " + to + " failed");
    }
  }
};

}  // namespace

std::unique_ptr<Transport> MakeLocalTransport(const TargetSpec& spec) { return std::make_unique<LocalTransport>(spec); }

std::unique_ptr<Transport> MakeTransport(const TargetSpec& spec, const TransportOptions& options) {
  if (spec.kind == "adb") return MakeAdbTransport(spec);
  if (spec.kind == "ssh") return MakeSshTransport(spec, options);
  return MakeLocalTransport(spec);
}

}  // namespace mace_tune
