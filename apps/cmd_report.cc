// SPDX-License-Identifier: Apache-2.0
// `mace_tune report`: runs the Python report generator (reports/mace_tune_report.py) with a Python
// that has matplotlib: $MACE_TUNE_PYTHON, then /usr/bin/python3, then python3 on PATH.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "apps/commands.h"

#ifndef MACE_TUNE_REPORTS_SOURCE_DIR
#define MACE_TUNE_REPORTS_SOURCE_DIR ""
#endif
#ifndef MACE_TUNE_REPORTS_INSTALL_DIR
#define MACE_TUNE_REPORTS_INSTALL_DIR ""
#endif

namespace mace_tune::cli {
namespace {

bool IsFile(const std::string& path) { return !path.empty() && access(path.c_str(), R_OK) == 0; }

// Runs argv without a shell; returns the exit status (-1 if it could not start). quiet: no output.
int Run(const std::vector<std::string>& args, bool quiet) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (quiet) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A Python that can import `module`: $MACE_TUNE_PYTHON, then /usr/bin/python3, then python3.
std::string FindPython(const char* module) {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("MACE_TUNE_PYTHON"); env != nullptr && *env != '\0') candidates.push_back(env);
  candidates.push_back("/usr/bin/python3");
  candidates.push_back("python3");
  for (const auto& py : candidates) {
    if (Run({py, "-c", std::string("import ") + module}, true) == 0) return py;
  }
  return "";
}

// Installed copy (PREFIX/share/mace_tune/reports, found next to the binary), then the source tree.
std::string FindScript() {
  const std::string name = "/mace_tune_report.py";
  if (const char* env = std::getenv("MACE_TUNE_REPORTS_DIR"); env != nullptr && IsFile(env + name)) return env + name;
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));  // PREFIX/bin
    const std::string installed = dir + "/../" + MACE_TUNE_REPORTS_INSTALL_DIR + name;
    if (IsFile(installed)) return installed;
  }
  const std::string source = std::string(MACE_TUNE_REPORTS_SOURCE_DIR) + name;
  return IsFile(source) ? source : "";
}

}  // namespace

void AddReportCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("report", "HTML + Markdown report (or JSON, CSV, T4) from result databases");
  static std::vector<std::string> dbs, bench, limits, workloads;
  static std::string out = "report";
  static std::string format = "html";
  cmd->add_option("databases", dbs, "SQLite result databases (one per device, or merged)")->required();
  cmd->add_option("-o,--out", out, "output directory")->capture_default_str();
  cmd->add_option("--format", format, "html (report.html + report.md), json, csv or t4 (Kernel Tuner)")
      ->check(CLI::IsMember({"html", "json", "csv", "t4"}))
      ->capture_default_str();
  cmd->add_option("--bench", bench, "mace_bench Google Benchmark JSON file(s) to add as a table");
  cmd->add_option("--limits", limits, "DEVICE_SUBSTRING=GFLOPS,GBPS: device limits, e.g. from clpeak");
  cmd->add_option("--workload", workloads, "workload file(s) giving layer counts for the totals");
  cmd->callback([&global] {
    const std::string script = FindScript();
    if (script.empty()) {
      throw std::runtime_error(
          fmt::format("report script mace_tune_report.py not found (looked in $MACE_TUNE_REPORTS_DIR, "
                      "share/{} next to the binary, and {})",
                      MACE_TUNE_REPORTS_INSTALL_DIR, MACE_TUNE_REPORTS_SOURCE_DIR));
    }
    // HTML needs matplotlib for its plots; the exports need only the standard library.
    std::string python = FindPython("matplotlib");
    if (python.empty() && format != "html") python = FindPython("sqlite3");
    if (python.empty()) {
      throw std::runtime_error(
          "no Python with matplotlib found (tried $MACE_TUNE_PYTHON, /usr/bin/python3, python3): install "
          "python3-matplotlib (apt-get install python3-matplotlib) or set MACE_TUNE_PYTHON to a python that has it");
    }
    std::vector<std::string> args = {python, script, "--out", out, "--format", format, "--tool-version", ToolVersion()};
    for (const auto& b : bench) args.insert(args.end(), {"--bench", b});
    for (const auto& l : limits) args.insert(args.end(), {"--limits", l});
    for (const auto& w : workloads) args.insert(args.end(), {"--workload", w});
    args.insert(args.end(), dbs.begin(), dbs.end());
    if (global.verbose) fmt::print(stderr, "running {}\n", fmt::join(args, " "));
    const int rc = Run(args, false);
    if (rc < 0 || rc == 127) throw std::runtime_error("could not run " + python + " " + script);
    exit_code = rc;  // the script printed its own one-line error
  });
}

}  // namespace mace_tune::cli
