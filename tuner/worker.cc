// The evaluation worker and its watchdog (worker.h). One line per message, tab-separated fields.
#include "worker.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mace_tune {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == '\t') out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// A whole field as a finite number (std::stod would take "1x" as 1, and "nan").
bool Number(const std::string& text, double* out) {
  if (text.empty() || text.size() > 64) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

std::string Num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

std::string EncodeMeasurement(const Measurement& m) {
  std::string samples;
  for (double v : m.samples_ns) samples += (samples.empty() ? "" : ",") + Num(v);
  return "RESULT\t" + Escape(m.status) + "\t" + Escape(m.reason) + "\t" + Num(m.median_ns) + "\t" + Num(m.min_ns) +
         "\t" + Num(m.max_ns) + "\t" + Num(m.mad_ns) + "\t" + Num(m.max_error) + "\t" + Num(m.build_ms) + "\t" +
         Num(m.eval_ms) + "\t" + samples;
}

bool DecodeMeasurement(const std::string& line, Measurement* m) {
  const auto f = Split(line);
  if (f.size() != 11 || f[0] != "RESULT") return false;
  Measurement out = *m;
  out.status = Unescape(f[1]);
  out.reason = Unescape(f[2]);
  const bool known = std::any_of(std::begin(kMeasurementStatuses), std::end(kMeasurementStatuses),
                                 [&](const char* s) { return out.status == s; });
  double* const numbers[] = {&out.median_ns, &out.min_ns, &out.max_ns, &out.mad_ns,
                             &out.max_error, &out.build_ms, &out.eval_ms};
  for (size_t i = 0; i < std::size(numbers); ++i) {
    if (!Number(f[3 + i], numbers[i])) return false;
  }
  out.samples_ns.clear();
  std::stringstream s(f[10]);
  for (std::string item; std::getline(s, item, ',');) {
    double v = 0;
    if (!Number(item, &v) || out.samples_ns.size() >= kMaxWorkerSamples) return false;
    out.samples_ns.push_back(v);
  }
  if (!known) return false;
  *m = std::move(out);
  return true;
}

std::string EncodeInit(const TuningKey& key, uint64_t seed, const MeasureOptions& measure) {
  return "INIT\t" + key.ToString() + "\t" + std::to_string(seed) + "\t" + std::to_string(measure.warmup) + "\t" +
         std::to_string(measure.min_samples) + "\t" + std::to_string(measure.max_samples) + "\t" +
         Num(measure.sample_budget_ms) + "\t" + Num(measure.timeout_ms) + "\t" + Num(measure.ci_target) + "\t" +
         Num(measure.sample_cap_ms) + "\n";
}

bool DecodeInit(const std::string& line, TuningKey* key, uint64_t* seed, MeasureOptions* measure) {
  const auto f = Split(line);
  if (f.size() != 10 || f[0] != "INIT" || !TuningKey::Parse(f[1], key).ok()) return false;
  double numbers[8] = {};
  for (size_t i = 0; i < 8; ++i) {
    if (!Number(f[2 + i], &numbers[i]) || numbers[i] < 0) return false;
  }
  // Counts within the CLI's ranges (option_checks.h), so a bad line cannot ask for a billion runs.
  if (numbers[0] > 9007199254740992.0 || numbers[1] > 1e6 || numbers[2] > 1e6 || numbers[3] > 1e6) return false;
  *seed = static_cast<uint64_t>(numbers[0]);
  measure->warmup = static_cast<int>(numbers[1]);
  measure->min_samples = static_cast<int>(numbers[2]);
  measure->max_samples = static_cast<int>(numbers[3]);
  measure->sample_budget_ms = numbers[4];
  measure->timeout_ms = numbers[5];
  measure->ci_target = numbers[6];
  measure->sample_cap_ms = numbers[7];
  return true;
}

WorkerEvaluator::WorkerEvaluator(const WorkerOptions& options, const TuningKey& key, uint64_t seed,
                                 const MeasureOptions& measure)
    : options_(options), key_(key), seed_(seed), measure_(measure) {
  if (options_.exe.empty()) options_.exe = "/proc/self/exe";
}

WorkerEvaluator::~WorkerEvaluator() { Stop(false); }

void WorkerEvaluator::Start() {
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);                    // Ctrl-C at the terminal is the parent's business
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent killed with -9
    dup2(down[0], STDIN_FILENO);
    dup2(up[1], STDOUT_FILENO);
    close(down[0]); close(down[1]); close(up[0]); close(up[1]);
    std::vector<std::string> args = {options_.exe, "eval-worker"};
    for (const auto& path : options_.kernels) args.insert(args.end(), {"--kernel", path});
    if (!options_.platform.empty()) args.insert(args.begin() + 1, {"--platform", options_.platform});
    if (!options_.device.empty()) args.insert(args.begin() + 1, {"--device", options_.device});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(options_.exe.c_str(), argv.data());
    _exit(127);
  }
  close(down[0]);
  close(up[1]);
  pid_ = pid;
  to_child_ = down[1];
  from_child_ = up[0];
  buffer_.clear();
  const std::string init = EncodeInit(key_, seed_, measure_);
  std::string line;
  if (write(to_child_, init.data(), init.size()) != static_cast<ssize_t>(init.size()) ||
      !ReadLine(&line, std::max(options_.watchdog_s, 120.0)) || line != "READY") {
    const std::string why = line.rfind("ERROR\t", 0) == 0 ? Unescape(line.substr(6)) : DescribeExit();
    Stop(true);
    throw std::runtime_error("evaluation worker did not start: " + why);
  }
}

void WorkerEvaluator::Stop(bool kill_it) {
  if (pid_ < 0) return;
  if (to_child_ >= 0) close(to_child_);  // EOF: a healthy worker exits
  if (kill_it) ::kill(pid_, SIGKILL);
  int status = 0;
  for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  if (from_child_ >= 0) close(from_child_);
  pid_ = -1;
  to_child_ = from_child_ = -1;
}

bool WorkerEvaluator::ReadLine(std::string* line, double timeout_s) {
  timed_out_ = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      *line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out_ = true;
      return false;
    }
    pollfd p{from_child_, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n <= 0 || buffer_.size() > kMaxWorkerLine) return false;  // EOF, or no line end in sight
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string WorkerEvaluator::DescribeExit() {
  if (pid_ < 0) return "no worker";
  int status = 0;
  for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "no answer";
}

Measurement WorkerEvaluator::Evaluate(const ParamMap& params) {
  if (pid_ < 0) Start();
  const auto start = std::chrono::steady_clock::now();
  Measurement m;
  m.tuning_key = key_.ToString();
  m.family = key_.family;
  m.params = FormatParams(params);
  m.source_digest = ProgramSourceDigest(FindFamily(key_.family)->program);
  const std::string request = "EVAL\t" + m.params + "\n";
  std::string line;
  const bool sent = write(to_child_, request.data(), request.size()) == static_cast<ssize_t>(request.size());
  if (sent && ReadLine(&line, options_.watchdog_s) && DecodeMeasurement(line, &m)) return m;
  if (timed_out_) {
    m.status = "timeout";
    m.reason = "the evaluation worker gave no answer within " + Num(options_.watchdog_s) + " s; killed and restarted";
    Stop(true);
  } else {
    m.status = "launch_failed";
    m.reason = "the evaluation worker crashed: " + DescribeExit() + "; restarted";
    Stop(true);
  }
  m.samples_ns.clear();
  m.eval_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ++restarts_;
  return m;
}

int RunEvalWorker(const std::string& platform, const std::string& device) {
  signal(SIGPIPE, SIG_IGN);
  std::string line;
  if (!std::getline(std::cin, line)) return 0;
  try {
    TuningKey key;
    uint64_t seed = 0;
    MeasureOptions measure;
    if (!DecodeInit(line, &key, &seed, &measure)) throw std::runtime_error("bad INIT line");
    TuneContext ctx = OpenDevice(platform, device);
    ProgramCache cache(ctx.context.get(), ctx.device());
    const KernelFamily* family = FindKernelFamily(key.family);
    if (family == nullptr) throw std::runtime_error("unknown family " + key.family);
    InstanceEvaluator evaluator(ctx, cache, *family, key, seed, measure);
    std::cout << "READY" << std::endl;
    const char* crash = std::getenv("MACE_TUNE_TEST_CRASH_PARAMS");
    const char* hang = std::getenv("MACE_TUNE_TEST_HANG_PARAMS");
    while (std::getline(std::cin, line)) {
      if (line.rfind("EVAL\t", 0) != 0) continue;
      ParamMap params;
      if (!ParseParams(line.substr(5), &params).ok()) {
        Measurement bad;
        bad.status = "invalid";
        bad.reason = "unreadable config";
        std::cout << EncodeMeasurement(bad) << std::endl;
        continue;
      }
      const std::string text = FormatParams(params);
      if (crash != nullptr && *crash != '\0' && text.find(crash) != std::string::npos) std::abort();
      if (hang != nullptr && *hang != '\0' && text.find(hang) != std::string::npos) {
        while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      std::cout << EncodeMeasurement(evaluator.Evaluate(params)) << std::endl;
    }
  } catch (const std::exception& e) {
    std::cout << "ERROR\t" << Escape(e.what()) << std::endl;
    return 1;
  }
  return 0;
}

}  // namespace mace_tune
