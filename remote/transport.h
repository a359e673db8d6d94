// SPDX-License-Identifier: Apache-2.0
// How the host reaches a target (DESIGN.md "Flow" 7): the local machine, a phone over adb, or a
// board over ssh. A transport probes the target, copies files both ways and runs shell command
// lines there; remote_tune.h builds the tuning session on top of these few verbs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "remote/process.h"

namespace mace_tune {

// --target local[:DEVICE] | adb:SERIAL | ssh:[user@]host[:port]. An adb serial may itself be
// host:port (a device-farm server's adb endpoint); everything after "adb:" is the serial. A local
// target may name one of this host's devices (a --device selector, e.g. "local:NVIDIA H200#1"), so
// `farm` drives every GPU of a host.
struct TargetSpec {
  std::string kind = "local";  // "local", "adb", "ssh"
  std::string device;          // local: the --device selector of the target's tune
  std::string serial;          // adb
  std::string user, host;      // ssh
  int port = 0;                // ssh; 0 = ssh's default
  std::string text;            // as given
};
TargetSpec ParseTarget(const std::string& text);
// Comma-separated list for `farm`.
std::vector<TargetSpec> ParseTargets(const std::string& text);

// What a probe found. `name` is a file-name-safe label for the target's local results folder.
struct TargetInfo {
  std::string os, arch, abi, board, model, hostname;
  std::string name;
  std::string Describe() const;
};

// ssh settings shared by every ssh target (ssh's own ~/.ssh/config applies too).
struct TransportOptions {
  std::string ssh_config;                // ssh -F
  std::vector<std::string> ssh_options;  // each passed as -o OPTION
  int connect_timeout_s = 10;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual TargetInfo Probe() = 0;
  // The base directory for mace_tune on the target (relative paths are from the login dir).
  virtual std::string BaseDir() const = 0;
  // Each throws std::runtime_error naming the command when the copy fails.
  virtual void Push(const std::string& local, const std::string& remote) = 0;
  virtual void Pull(const std::string& remote, const std::string& local) = 0;
  // Runs a shell command line on the target. `session`: a long run whose progress is streamed and
  // which must die with the connection (ssh gets a pty, so a drop sends the remote process SIGHUP).
  // Returns the exit code; 255 from ssh is a lost connection.
  virtual int Shell(const std::string& command, const ProcessOptions& options, bool session = false) = 0;
  const TargetSpec& spec() const { return spec_; }

 protected:
  explicit Transport(TargetSpec spec) : spec_(std::move(spec)) {}
  TargetSpec spec_;
};

std::unique_ptr<Transport> MakeTransport(const TargetSpec& spec, const TransportOptions& options);
std::unique_ptr<Transport> MakeLocalTransport(const TargetSpec& spec);
std::unique_ptr<Transport> MakeAdbTransport(const TargetSpec& spec);
std::unique_ptr<Transport> MakeSshTransport(const TargetSpec& spec, const TransportOptions& options);

// Starts the adb server, once, before threads reach adb targets in parallel: clients that find no
// server each start one, and on a cold server all of them but one fail ("cannot connect to
// daemon"). Throws with adb's reason when it cannot.
void StartAdbServer();

// Runs `command` on the target and returns its stdout without the trailing newline; throws
// (with the output) if it fails.
std::string ShellOutput(Transport& t, const std::string& command);
// Letters, digits, '.', '_' and '-' kept; anything else becomes '_'.
std::string SafeName(const std::string& text);

// Throws std::runtime_error unless `path` (a folder or file on the target) is made of letters,
// digits and / . _ - + , = @ % only, and does not start with '-'. scp's legacy protocol (the
// default before OpenSSH 9.0) hands the remote path to the target's shell unquoted, and its SFTP
// protocol would keep quotes literally, so only a path that no shell changes is ever sent.
void CheckRemotePath(const std::string& path);

}  // namespace mace_tune
