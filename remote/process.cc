// SPDX-License-Identifier: Apache-2.0
// fork/exec with a pipe for the child's stdout and stderr; the parent either collects stdout or
// relays both. posix_spawn would do, but exec failure must be reported distinctly (exit 127).
#include "remote/process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace mace_tune {
namespace {

std::mutex& OutputMutex() {
  static std::mutex m;
  return m;
}

void Emit(const std::string& prefix, const std::string& line) {
  if (line.empty()) return;
  PrintLine(prefix + line);
}

// Relays `fd` until EOF: whole lines under a prefix, or raw bytes when there is none.
void Relay(int fd, const ProcessOptions& options) {
  char buf[4096];
  std::string pending;
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (options.capture) {
      options.capture->append(buf, static_cast<size_t>(n));
    } else if (options.quiet) {
    } else if (options.prefix.empty()) {
      std::lock_guard<std::mutex> lock(OutputMutex());
      std::fwrite(buf, 1, static_cast<size_t>(n), stdout);
      std::fflush(stdout);
    } else {
      pending.append(buf, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t i = 0; i < pending.size(); ++i) {
        if (pending[i] == '\n' || pending[i] == '\r') {
          Emit(options.prefix, pending.substr(start, i - start));
          start = i + 1;
        }
      }
      pending.erase(0, start);
    }
  }
  if (!pending.empty() && !options.capture && !options.quiet) Emit(options.prefix, pending);
}

}  // namespace

void PrintLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

int RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw std::runtime_error("run process: empty command");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    const int in = open(options.stdin_path.c_str(), O_RDONLY);
    if (in >= 0) dup2(in, 0);
    dup2(out[1], 1);
    // Captured output keeps stderr apart (it is the user's to read) unless asked; streamed output
    // merges them.
    if (!options.capture || options.merge_stderr) dup2(out[1], 2);
    execvp(args[0], args.data());
    std::fprintf(stderr, "mace_tune: cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  Relay(out[0], options);
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + ShellQuote(w);
  return out;
}

}  // namespace mace_tune
