// SPDX-License-Identifier: Apache-2.0
// The ssh transport: a Linux board through OpenSSH's `ssh` and `scp` (BatchMode: keys or an agent,
// never a password prompt). Long runs get a pty (-tt) so that a dropped connection hangs the
// remote process up instead of leaving it running unseen.
#include <stdexcept>

#include "remote/transport.h"

namespace mace_tune {
namespace {

class SshTransport : public Transport {
 public:
  SshTransport(TargetSpec spec, TransportOptions options) : Transport(std::move(spec)), options_(std::move(options)) {}

  TargetInfo Probe() override {
    const std::string uname = ShellOutput(*this, "uname -s -n -m");
    TargetInfo info;
    const auto first = uname.find(' '), last = uname.rfind(' ');
    if (first == std::string::npos || first == last)
      throw std::runtime_error(spec_.text + ": unexpected `uname -s -n -m` output: " + uname);
    info.os = uname.substr(0, first);
    info.hostname = uname.substr(first + 1, last - first - 1);
    info.arch = uname.substr(last + 1);
    info.name = SafeName(info.hostname + "-" + spec_.host + (spec_.port ? "_" + std::to_string(spec_.port) : ""));
    return info;
  }
  // Relative to the login directory: ~/.mace_tune, without relying on ~ expansion.
  std::string BaseDir() const override { return ".mace_tune"; }
  // The remote path reaches the target's shell with scp's legacy protocol: CheckRemotePath.
  void Push(const std::string& local, const std::string& remote) override {
    CheckRemotePath(remote);
    Copy(LocalPath(local), Destination() + ":" + remote);
  }
  void Pull(const std::string& remote, const std::string& local) override {
    CheckRemotePath(remote);
    Copy(Destination() + ":" + remote, LocalPath(local));
  }
  int Shell(const std::string& command, const ProcessOptions& options, bool session) override {
    std::vector<std::string> argv = Common("ssh", "-p");
    if (session) argv.push_back("-tt");
    argv.insert(argv.end(), {"--", Destination(), command});  // "--": the destination is never an option
    return RunProcess(argv, options);
  }

 private:
  std::string Destination() const { return spec_.user.empty() ? spec_.host : spec_.user + "@" + spec_.host; }
  // scp reads "a:b" as a remote file on host a: a local path with a colon is made explicit.
  static std::string LocalPath(const std::string& path) {
    return path.find(':') != std::string::npos && path.front() != '/' ? "./" + path : path;
  }

  std::vector<std::string> Common(const std::string& tool, const std::string& port_flag) const {
    std::vector<std::string> argv{tool};
    if (!options_.ssh_config.empty()) argv.insert(argv.end(), {"-F", options_.ssh_config});
    if (spec_.port) argv.insert(argv.end(), {port_flag, std::to_string(spec_.port)});
    argv.insert(argv.end(),
                {"-o", "BatchMode=yes", "-o", "ConnectTimeout=" + std::to_string(options_.connect_timeout_s), "-o",
                 "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"});
    for (const auto& o : options_.ssh_options) argv.insert(argv.end(), {"-o", o});
    return argv;
  }

  void Copy(const std::string& from, const std::string& to) const {
    std::vector<std::string> argv = Common("scp", "-P");
    argv.insert(argv.end(), {"-q", "--", from, to});
    std::string out;
    ProcessOptions options;
    options.capture = &out;
    const int rc = RunProcess(argv, options);
    if (rc != 0)
      throw std::runtime_error("`" + ShellJoin(argv) + "` failed (exit " + std::to_string(rc) + ")" +
                               (out.empty() ? "" : ": " + out));
  }

  TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> MakeSshTransport(const TargetSpec& spec, const TransportOptions& options) {
  return std::make_unique<SshTransport>(spec, options);
}

}  // namespace mace_tune
