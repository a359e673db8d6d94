// SPDX-License-Identifier: Apache-2.0
// The steps of a remote session. Everything run on the target is one shell line built from quoted
// words (ShellQuote); only the LD_LIBRARY_PATH prefix is ours, unquoted, so that $PWD expands.
#include "remote/remote_tune.h"

#include <sys/utsname.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLibraryPath =
    "export LD_LIBRARY_PATH=\"$PWD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\"; exec ./mace_tune ";

std::string HostArch() {
  utsname u{};
  uname(&u);
  return u.machine;
}

std::string HostOs() {
  utsname u{};
  uname(&u);
  return u.sysname;
}

std::string RemoteCommand(const std::string& dir, const std::vector<std::string>& args) {
  return "cd " + ShellQuote(dir) + " && " + kLibraryPath + ShellJoin(args);
}

void Prepare(Transport& t, const RemoteTuneOptions& o, const TargetInfo& info, const std::string& dir) {
  std::string binary = o.target_bin;
  std::vector<std::string> libs = o.target_libs;
  if (binary.empty()) {
    // By OS too: an x86_64 Android emulator has this host's architecture, but cannot run a
    // glibc binary, nor this host's libfmt and libsqlite.
    if (info.arch != HostArch() || info.os != HostOs()) {
      throw std::runtime_error(t.spec().text + " is " + info.os + " " + info.arch +
                               " but this mace_tune is built for " + HostOs() + " " + HostArch() +
                               ": build one for it (docs/remote.md) and pass --target-bin");
    }
    binary = fs::read_symlink("/proc/self/exe").string();
    if (o.push_libs && libs.empty()) libs = NonSystemLibraries(binary);
  }
  if (!fs::is_regular_file(binary)) throw std::runtime_error("target binary " + binary + " not found");
  if (ShellOutput(t, "mkdir -p " + ShellQuote(dir + "/lib") + " && echo ok") != "ok") {
    throw std::runtime_error(t.spec().text + ": cannot create " + dir);
  }
  // A new name, then mv: a binary still running from a cut-off session cannot be overwritten.
  t.Push(binary, dir + "/mace_tune.new");
  for (const auto& lib : libs) t.Push(lib, dir + "/lib/" + fs::path(lib).filename().string());
  ShellOutput(t, "cd " + ShellQuote(dir) + " && mv -f mace_tune.new mace_tune && chmod 755 mace_tune");
}

// Pulls the database and, if present, its WAL (what a killed process committed may be there
// only). Stale local copies go first: an old WAL next to a new database would be replayed.
std::string PullDatabase(Transport& t, const std::string& remote_db, const std::string& local_dir) {
  const std::string local = local_dir + "/mace_tune.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(local + suffix);
  ProcessOptions quiet;
  quiet.quiet = true;
  if (t.Shell("test -f " + ShellQuote(remote_db), quiet) != 0) return "";
  t.Pull(remote_db, local);
  if (t.Shell("test -s " + ShellQuote(remote_db + "-wal"), quiet) == 0) {
    // The database itself came: a -wal that cannot be pulled costs what only it held, not the rest.
    try {
      t.Pull(remote_db + "-wal", local + "-wal");
    } catch (const std::exception& e) {
      fs::remove(local + "-wal");
      PrintLine("note: " + std::string(e.what()) + "; results committed only to the -wal stay on the target");
    }
  }
  return local;
}

}  // namespace

std::vector<std::string> NonSystemLibraries(const std::string& binary) {
  std::string out;
  ProcessOptions options;
  options.capture = &out;
  if (RunProcess({"ldd", binary}, options) != 0) throw std::runtime_error("ldd " + binary + " failed: " + out);
  static const char* const kSystem[] = {"linux-vdso", "libc.so",    "libm.so",  "libstdc++", "libgcc_s",
                                        "ld-linux",   "libpthread", "libdl.so", "librt.so",  "libOpenCL"};
  std::vector<std::string> libs;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t");
    const std::string name = line.substr(start, arrow - start);
    const auto paren = line.find(" (", arrow);
    const std::string path = line.substr(arrow + 4, paren == std::string::npos ? std::string::npos : paren - arrow - 4);
    bool system = path.empty() || path[0] != '/';
    for (const char* s : kSystem) system = system || name.rfind(s, 0) == 0;
    if (!system) libs.push_back(path);
  }
  return libs;
}

// The workload as the target reads it: "@kernels" lines name host folders; the target gets the
// kernels themselves (PushUserKernels). Written next to the local results.
std::string WithoutKernelLines(const std::string& workload, const std::string& results_dir) {
  std::ifstream in(workload);
  std::string text, line;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line.compare(start, 8, "@kernels") == 0) continue;
    text += line + "\n";
  }
  fs::create_directories(results_dir);
  const std::string copy = results_dir + "/" + SafeName(fs::path(workload).filename().string()) + ".target";
  std::ofstream(copy) << text;
  return copy;
}

void PushUserKernels(Transport& t, const RemoteTuneOptions& o, const std::string& dir) {
  fs::create_directories(o.results_dir);
  if (ShellOutput(t, "mkdir -p " + ShellQuote(dir + "/kernels") + " && echo ok") != "ok") {
    throw std::runtime_error(t.spec().text + ": cannot create " + dir + "/kernels");
  }
  for (const auto& [name, bytes] : o.user_kernels) {
    const std::string local = o.results_dir + "/" + SafeName(name) + ".desc";
    std::ofstream(local, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    t.Push(local, dir + "/kernels/" + SafeName(name) + ".desc");
  }
}

RemoteTuneResult RemoteTune(Transport& t, const RemoteTuneOptions& o) {
  RemoteTuneResult result;
  result.info = t.Probe();
  PrintLine(o.prefix + "target " + t.spec().text + ": " + result.info.Describe());
  const std::string dir = o.remote_dir.empty() ? t.BaseDir() + "/" + SafeName(o.campaign) : o.remote_dir;
  CheckRemotePath(dir);
  Prepare(t, o, result.info, dir);

  std::string workload = o.workload;
  if (fs::is_regular_file(workload)) {
    const std::string name = SafeName(fs::path(workload).filename().string());
    t.Push(WithoutKernelLines(workload, o.results_dir), dir + "/" + name);
    workload = name;
  }
  std::vector<std::string> kernels;
  if (!o.user_kernels.empty()) {
    PushUserKernels(t, o, dir);
    kernels = {"--kernel", "kernels"};
  }
  std::vector<std::string> global;
  if (!o.platform.empty()) global.insert(global.end(), {"--platform", o.platform});
  if (!o.device.empty()) global.insert(global.end(), {"--device", o.device});
  const std::string db = SafeName(o.campaign) + ".db";
  std::vector<std::string> tune = global;
  tune.insert(tune.end(), {"tune", "--workload", workload, "--db", db});
  tune.insert(tune.end(), kernels.begin(), kernels.end());
  tune.insert(tune.end(), o.tune_args.begin(), o.tune_args.end());
  ProcessOptions stream;
  stream.prefix = o.prefix;
  PrintLine(o.prefix + "running in " + dir + ": mace_tune " + ShellJoin(tune));
  result.remote_exit = t.Shell(RemoteCommand(dir, tune), stream, /*session=*/true);

  result.local_dir = o.results_dir + "/" + result.info.name;
  fs::create_directories(result.local_dir);
  std::ofstream(result.local_dir + "/target.txt") << t.spec().text << "\n"
                                                  << result.info.Describe() << "\n"
                                                  << "remote dir: " << dir << "\n";
  result.local_db = PullDatabase(t, dir + "/" + db, result.local_dir);
  if (o.emit && result.remote_exit == 0) {
    std::vector<std::string> emit = global;
    emit.insert(emit.end(), {"emit", "--db", db, "--out", "artifacts"});
    if (t.Shell(RemoteCommand(dir, emit), stream) == 0) {
      for (const char* name : {"mace_cl_compiled_program.bin", "mace_tuned_params.bin"}) {
        t.Pull(dir + "/artifacts/" + name, result.local_dir + "/" + name);
        result.artifacts.push_back(result.local_dir + "/" + name);
      }
    }
  }
  if (!o.host_db.empty() && !result.local_db.empty()) {
    result.merge = MergeStores(o.host_db, result.local_db);
    result.merged = true;
  }
  return result;
}

}  // namespace mace_tune
