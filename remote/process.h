// SPDX-License-Identifier: Apache-2.0
// Child processes for the remote transports: fork/exec of an argv array (no shell on the host),
// with the child's output captured or streamed line by line under a prefix. Also the quoting of
// arguments for the one shell that does run: the target's (ssh and adb shell join their words).
#pragma once

#include <string>
#include <vector>

namespace mace_tune {

struct ProcessOptions {
  std::string* capture = nullptr;  // stdout collected here instead of streamed
  std::string prefix;              // streamed lines start with it ("" streams bytes as they come)
  bool quiet = false;              // stream nothing (stderr still goes to ours)
  bool merge_stderr = false;       // with capture: stderr is captured too, mixed in (a reason adb
                                   // gives on stderr only)
  std::string stdin_path = "/dev/null";
};

// Runs argv[0] (searched on PATH) and waits. Returns the exit code, or 128 + signal. Throws
// std::runtime_error if it cannot be started. Thread-safe; streamed lines never interleave.
int RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Single-quotes one word for a POSIX shell: abc -> 'abc', it's -> 'it'\''s'.
std::string ShellQuote(const std::string& word);
std::string ShellJoin(const std::vector<std::string>& words);

// Writes one line to stdout under the same lock as streamed output.
void PrintLine(const std::string& line);

}  // namespace mace_tune
