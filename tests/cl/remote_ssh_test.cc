// SPDX-License-Identifier: Apache-2.0
// The ssh transport against a real OpenSSH server: sshd on a loopback port with its own host key
// and an authorized user key, both made here with ssh-keygen. The connection is cut mid-run (the
// ssh client is killed), the same command resumes, and the host database must then hold every
// config of the target's database exactly once. Skipped (77) where sshd is not installed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "catch.h"
#include "remote_test_util.h"
#include "store/store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

namespace fs = std::filesystem;

constexpr const char* kSshd = "/usr/sbin/sshd";

int Sh(const std::string& command) { return std::system(command.c_str()); }

int FreePort() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

bool Listening(int port) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(s);
  return ok;
}

// sshd -D on 127.0.0.1:port with keys and config under `dir`; stopped (by its pid) when done.
class SshServer {
 public:
  explicit SshServer(const std::string& dir) : dir_(dir), port_(FreePort()) {
    REQUIRE(Sh("ssh-keygen -q -t ed25519 -N '' -f " + dir + "/host_key") == 0);
    REQUIRE(Sh("ssh-keygen -q -t ed25519 -N '' -f " + dir + "/user_key") == 0);
    fs::copy_file(dir + "/user_key.pub", dir + "/authorized_keys");
    std::error_code ignored;
    fs::create_directories("/run/sshd", ignored);  // privilege separation dir, when root
    std::ofstream(dir + "/sshd_config")
        << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << dir << "/host_key\n"
        << "PidFile " << dir << "/sshd.pid\nAuthorizedKeysFile " << dir << "/authorized_keys\n"
        << "StrictModes no\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\nUsePAM no\nPubkeyAuthentication yes\nLogLevel ERROR\n"
        << "Subsystem sftp internal-sftp\n";
    std::ofstream(dir + "/ssh_config") << "Host 127.0.0.1\n  IdentityFile " << dir
                                       << "/user_key\n  IdentitiesOnly yes\n"
                                       << "  UserKnownHostsFile " << dir
                                       << "/known_hosts\n  StrictHostKeyChecking no\n  LogLevel ERROR\n";
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      if (!freopen((dir + "/sshd.log").c_str(), "w", stderr)) _exit(99);
      execl(kSshd, kSshd, "-D", "-e", "-f", (dir + "/sshd_config").c_str(), static_cast<char*>(nullptr));
      _exit(98);
    }
    for (int i = 0; i < 100 && !Listening(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(Listening(port_));
  }
  ~SshServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::string Target() const {
    const passwd* pw = getpwuid(getuid());
    return "ssh:" + std::string(pw ? pw->pw_name : "root") + "@127.0.0.1:" + std::to_string(port_);
  }
  std::string Config() const { return dir_ + "/ssh_config"; }

 private:
  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("remote-tune over ssh: cut mid-run, resumed, every config exactly once on the host") {
  if (access(kSshd, X_OK) != 0) {
    std::printf("SKIPPED: %s not installed (apt-get install openssh-server)\n", kSshd);
    std::exit(77);
  }
  const std::string dir = test::ScratchDir("remote_ssh");
  SshServer server(dir);
  const std::string workload = test::WriteTinyWorkload(dir);
  const std::string remote = dir + "/board/.mace_tune/t";  // instead of ~/.mace_tune/t
  std::vector<std::string> args = test::DeviceArgs();
  const std::vector<std::string> tail = {"remote-tune",
                                         "--target",
                                         server.Target(),
                                         "--ssh-config",
                                         server.Config(),
                                         "--remote-dir",
                                         remote,
                                         "--campaign",
                                         "t",
                                         "--workload",
                                         workload,
                                         "--db",
                                         "host.db",
                                         "--results",
                                         "results",
                                         "--max-evals",
                                         "3",
                                         "--seed",
                                         "9"};
  args.insert(args.end(), tail.begin(), tail.end());
  const std::string remote_db = remote + "/t.db";

  bool cut = false;
  const test::CliResult first = test::RunCliIn(args, dir, [&](pid_t cli) {
    if (cut || test::MeasurementsIn(remote_db) < 2) return;
    for (pid_t ssh : test::ChildrenMatching(cli, {"ssh", "-tt"})) cut = kill(ssh, SIGKILL) == 0 || cut;
  });
  INFO(first.out << first.err);
  REQUIRE(cut);
  CHECK(first.exit_code == 1);
  CHECK(first.err.find("run the same command to resume") != std::string::npos);
  const int64_t recorded = test::MeasurementsIn(remote_db);
  CHECK(recorded >= 2);
  CHECK(test::MeasurementsIn(dir + "/host.db") >= 2);  // what was recorded before the cut is merged
  CHECK(recorded < 8);                                 // cut before the end: 2 keys x (3 + default) at most

  const test::CliResult resumed = test::RunCliIn(args, dir);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const auto on_board = test::ConfigsOf(remote_db);
  const auto on_host = test::ConfigsOf(dir + "/host.db");
  CHECK(on_board.size() > static_cast<size_t>(recorded) - 1);
  CHECK(on_board.size() <= 8);
  CHECK(std::set<std::string>(on_board.begin(), on_board.end()).size() == on_board.size());
  CHECK(on_host == on_board);  // every config exactly once
  CHECK(fs::is_regular_file(remote + "/mace_tune"));
  CHECK(fs::is_directory(remote + "/lib"));

  const test::CliResult again = test::RunCliIn(args, dir);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("0 new measurements") != std::string::npos);
  CHECK(test::ConfigsOf(dir + "/host.db") == on_board);
}

// Audit 6: scp's legacy protocol (`scp -O`, the default before OpenSSH 9.0) runs the remote path
// through the target's shell. The first step shows that the hole is real on this OpenSSH; then
// mace_tune, with an `scp` that always adds -O first on PATH, refuses such a --remote-dir before
// anything runs, and a whole session with a plain one works over the legacy protocol.
TEST_CASE("remote-tune over ssh with legacy scp (-O): no shell injection through --remote-dir") {
  if (access(kSshd, X_OK) != 0) {
    std::printf("SKIPPED: %s not installed (apt-get install openssh-server)\n", kSshd);
    std::exit(77);
  }
  const std::string dir = test::ScratchDir("remote_ssh_legacy_scp");
  SshServer server(dir);
  const std::string target = server.Target();  // ssh:USER@127.0.0.1:PORT
  const std::string user_host = target.substr(4, target.rfind(':') - 4);
  const std::string port = target.substr(target.rfind(':') + 1);
  std::ofstream(dir + "/payload.txt") << "x\n";
  const int raw = Sh("/usr/bin/scp -O -q -F " + server.Config() + " -P " + port + " " + dir + "/payload.txt '" +
                     user_host + ":" + dir + "/x;touch " + dir + "/PWN0;x' 2>/dev/null");
  if (!fs::exists(dir + "/PWN0")) WARN("this scp -O did not run the injected command (exit " << raw << ")");

  fs::create_directories(dir + "/bin");
  std::ofstream(dir + "/bin/scp") << "#!/bin/sh\nexec /usr/bin/scp -O \"$@\"\n";
  fs::permissions(dir + "/bin/scp", fs::perms::owner_all);
  const std::vector<std::string> env = {"PATH=" + dir + "/bin:" + std::string(std::getenv("PATH"))};
  std::vector<std::string> args = test::DeviceArgs();
  const std::vector<std::string> tail = {"remote-tune",
                                         "--target",
                                         target,
                                         "--ssh-config",
                                         server.Config(),
                                         "--campaign",
                                         "t",
                                         "--workload",
                                         test::WriteTinyWorkload(dir, 1),
                                         "--db",
                                         "host.db",
                                         "--results",
                                         "results",
                                         "--max-evals",
                                         "1"};
  args.insert(args.end(), tail.begin(), tail.end());
  std::vector<std::string> injected = args;
  injected.insert(injected.end(), {"--remote-dir", dir + "/x;touch " + dir + "/PWN;x"});
  const test::CliResult refused = test::RunCliIn(injected, dir, nullptr, env);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("--remote-dir") != std::string::npos);
  CHECK(!fs::exists(dir + "/PWN"));

  args.insert(args.end(), {"--remote-dir", dir + "/board/t"});
  const test::CliResult session = test::RunCliIn(args, dir, nullptr, env);
  INFO(session.out << session.err);
  CHECK(session.exit_code == 0);
  CHECK(test::MeasurementsIn(dir + "/host.db") >= 1);
  CHECK(!fs::exists(dir + "/PWN"));
}
