// SPDX-License-Identifier: Apache-2.0
// The evaluation worker and its watchdog (worker.h). One line per message, tab-separated fields.
#include "tuner/worker.h"

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
#include <deque>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mace_tune {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\\')
      out += "\\\\";
    else
      out += c;
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
    if (c == '\t')
      out.emplace_back();
    else
      out.back() += c;
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
  return "RESULT\t" + Escape(MeasurementStatusName(m.status)) + "\t" + Escape(m.reason) + "\t" + Num(m.median_ns) +
         "\t" + Num(m.min_ns) + "\t" + Num(m.max_ns) + "\t" + Num(m.mad_ns) + "\t" + Num(m.max_error) + "\t" +
         Num(m.build_ms) + "\t" + Num(m.eval_ms) + "\t" + samples + "\t" + Num(m.phases.build) + "\t" +
         Num(m.phases.setup) + "\t" + Num(m.phases.first_launch) + "\t" + Num(m.phases.verify) + "\t" +
         Num(m.phases.warmup) + "\t" + Num(m.phases.sampling) + "\t" + std::to_string(m.kernel_max_work_group) + "\t" +
         Escape(m.build_options);
}

bool DecodeMeasurement(const std::string& line, Measurement* m) {
  const auto f = Split(line);
  if (f.size() != 19 || f[0] != "RESULT") return false;
  Measurement out = *m;
  const std::optional<MeasurementStatus> status = ParseMeasurementStatus(Unescape(f[1]));
  const bool known = status.has_value();
  if (known) out.status = *status;
  out.reason = Unescape(f[2]);
  double* const numbers[] = {
      &out.median_ns,     &out.min_ns,        &out.max_ns,         &out.mad_ns,       &out.max_error,
      &out.build_ms,      &out.eval_ms,       &out.phases.build,   &out.phases.setup, &out.phases.first_launch,
      &out.phases.verify, &out.phases.warmup, &out.phases.sampling};
  for (size_t i = 0; i < std::size(numbers); ++i) {  // fields 3-9, then 11-16 (10: the samples)
    if (!Number(f[i < 7 ? 3 + i : 4 + i], numbers[i])) return false;
  }
  out.samples_ns.clear();
  std::stringstream s(f[10]);
  for (std::string item; std::getline(s, item, ',');) {
    double v = 0;
    if (!Number(item, &v) || out.samples_ns.size() >= kMaxWorkerSamples) return false;
    out.samples_ns.push_back(v);
  }
  double group = 0;
  if (!known || !Number(f[17], &group) || group < 0 || group > 1e12) return false;
  out.kernel_max_work_group = static_cast<uint64_t>(group);
  out.build_options = Unescape(f[18]);
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
  // A worker that died leaves a pipe without a reader: writing to it must be an error to handle
  // (the missing answer), not a SIGPIPE that kills the tuner.
  signal(SIGPIPE, SIG_IGN);
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);                     // Ctrl-C at the terminal is the parent's business
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent killed with -9
    dup2(down[0], STDIN_FILENO);
    dup2(up[1], STDOUT_FILENO);
    close(down[0]);
    close(down[1]);
    close(up[0]);
    close(up[1]);
    std::vector<std::string> args = {options_.exe, "eval-worker"};
    for (const auto& path : options_.kernels) args.insert(args.end(), {"--kernel", path});
    if (!options_.device_lock.empty()) args.insert(args.end(), {"--device-lock", options_.device_lock});
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
  expected_.clear();
  paused_ = false;
  SetKey(key_, seed_);
}

void WorkerEvaluator::SetKey(const TuningKey& key, uint64_t seed) {
  key_ = key;
  seed_ = seed;
  built_.clear();
  if (pid_ < 0) return;  // Start() sends it
  std::string init = EncodeInit(key_, seed_, measure_);
  init.pop_back();  // Send adds the newline
  Send(init);
  expected_.push_back("");  // READY
}

void WorkerEvaluator::Send(const std::string& line) {
  const std::string text = line + "\n";
  // A failed write shows up as the missing reply (WaitBuilt / Evaluate then restart the worker).
  if (write(to_child_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return;
}

void WorkerEvaluator::Build(const ParamMap& params) {
  if (pid_ < 0) Start();
  const std::string text = FormatParams(params);
  Send("BUILD\t" + text);
  expected_.push_back(text);
  built_.push_back(text);
  if (built_.size() > kKeptBuilds) built_.erase(built_.begin());
}

bool WorkerEvaluator::Has(const std::string& params_text) const {
  return std::find(built_.begin(), built_.end(), params_text) != built_.end();
}

bool WorkerEvaluator::WaitBuilt() {
  while (!expected_.empty()) {
    std::string line;
    // Starting (READY) may include computing the reference: give it the longer of the two.
    const double timeout = expected_.front().empty() ? std::max(options_.watchdog_s, 120.0) : options_.watchdog_s;
    if (!ReadLine(&line, timeout)) return false;
    if (expected_.front().empty() && line != "READY") {
      start_error_ = line.rfind("ERROR\t", 0) == 0 ? Unescape(line.substr(6)) : "unexpected '" + line + "'";
      return false;
    }
    expected_.erase(expected_.begin());
  }
  return true;
}

void WorkerEvaluator::Poll() {
  while (pid_ >= 0 && !expected_.empty()) {
    size_t nl = buffer_.find('\n');
    if (nl == std::string::npos) {
      pollfd p{from_child_, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0 || (p.revents & POLLIN) == 0) return;
      char chunk[4096];
      const ssize_t n = read(from_child_, chunk, sizeof chunk);
      if (n <= 0) return;  // EOF: the next WaitBuilt or Evaluate finds the worker dead
      buffer_.append(chunk, static_cast<size_t>(n));
      continue;
    }
    const std::string line = buffer_.substr(0, nl);
    if (expected_.front().empty() && line != "READY") return;  // an ERROR: WaitBuilt reports it
    buffer_.erase(0, nl + 1);
    expected_.erase(expected_.begin());
  }
}

void WorkerEvaluator::Pause() {
  if (pid_ >= 0 && !paused_ && ::kill(pid_, SIGSTOP) == 0) paused_ = true;
}

void WorkerEvaluator::Resume() {
  if (pid_ >= 0 && paused_) ::kill(pid_, SIGCONT);
  paused_ = false;
}

void WorkerEvaluator::Stop(bool kill_it) {
  if (pid_ < 0) return;
  Resume();
  expected_.clear();
  built_.clear();
  if (to_child_ >= 0) close(to_child_);  // EOF: a healthy worker exits
  if (kill_it) ::kill(pid_, SIGKILL);
  int status = 0;
  for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
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
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
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
  for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (WIFSIGNALED(status))
    return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) +
           ")";
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "no answer";
}

Measurement WorkerEvaluator::Evaluate(const ParamMap& params, const std::function<void()>& on_timing) {
  const auto start = std::chrono::steady_clock::now();
  Measurement m;
  m.tuning_key = key_.ToString();
  m.family = key_.family;
  m.params = FormatParams(params);
  m.source_digest = ProgramSourceDigest(FindFamily(key_.family)->program);
  if (pid_ < 0) Start();
  Resume();
  start_error_.clear();
  const bool ready = WaitBuilt();
  last_wait_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!ready && !start_error_.empty()) {
    Stop(true);
    throw std::runtime_error("evaluation worker did not start: " + start_error_);
  }
  std::string line;
  built_.erase(std::remove(built_.begin(), built_.end(), m.params), built_.end());
  if (ready) {
    Send("EVAL\t" + m.params);
    while (ReadLine(&line, options_.watchdog_s)) {
      if (line == "TIMING") {
        if (on_timing) on_timing();
        continue;
      }
      if (DecodeMeasurement(line, &m)) return m;
      break;
    }
  }
  return Lost(std::move(m), start);
}

// The worker died or hung (while building ahead, or on this config): a result, and a restart.
Measurement WorkerEvaluator::Lost(Measurement m, std::chrono::steady_clock::time_point start) {
  if (timed_out_) {
    m.status = MeasurementStatus::kTimeout;
    m.reason = "the evaluation worker gave no answer within " + Num(options_.watchdog_s) + " s; killed and restarted";
  } else {
    m.status = MeasurementStatus::kLaunchFailed;
    m.reason = "the evaluation worker crashed: " + DescribeExit() + "; restarted";
  }
  Stop(true);
  m.samples_ns.clear();
  m.eval_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ++restarts_;
  return m;
}

namespace {

// The worker's state for one tuning key (INIT): its evaluator and the configs BUILD prepared.
class WorkerSession {
 public:
  // `cache` outlives the session: keys of one family share many variants' programs.
  WorkerSession(TuneContext& ctx, ProgramCache& cache, const std::string& init, DeviceLock* lock) {
    TuningKey key;
    uint64_t seed = 0;
    MeasureOptions measure;
    if (!DecodeInit(init, &key, &seed, &measure)) throw std::runtime_error("bad INIT line");
    const KernelFamily* family = FindKernelFamily(key.family);
    if (family == nullptr) throw std::runtime_error("unknown family " + key.family);
    evaluator_.emplace(ctx, cache, *family, key, seed, measure);
    evaluator_->SetDeviceLock(lock);
    // The pool stops the other workers once this one holds the device (a CPU device's cores).
    if (lock != nullptr) evaluator_->SetTimingHook([] { std::cout << "TIMING" << std::endl; });
  }

  // BUILD: prepare now (build, first launch, verify), keep it for the EVAL that follows.
  std::string Build(const std::string& text) {
    ParamMap params;
    if (!ParseParams(text, &params).ok()) return "BUILT\tinvalid\t0";
    TestHooks(text);
    InstanceEvaluator::Prepared p = evaluator_->Prepare(params);
    const MeasurementStatus status = p.failed ? p.m.status : MeasurementStatus::kOk;
    const std::string reply = "BUILT\t" + Escape(MeasurementStatusName(status)) + "\t" + Num(p.m.build_ms);
    prepared_.emplace_back(text, std::move(p));
    if (prepared_.size() > kKeep) prepared_.pop_front();
    return reply;
  }

  // EVAL: time what BUILD prepared, else evaluate from scratch.
  std::string Eval(const std::string& text) {
    ParamMap params;
    if (!ParseParams(text, &params).ok()) {
      Measurement bad;
      bad.status = MeasurementStatus::kInvalid;
      bad.reason = "unreadable config";
      return EncodeMeasurement(bad);
    }
    TestHooks(text);
    for (auto it = prepared_.begin(); it != prepared_.end(); ++it) {
      if (it->first != text) continue;
      InstanceEvaluator::Prepared p = std::move(it->second);
      prepared_.erase(it);
      return EncodeMeasurement(evaluator_->Time(std::move(p)));
    }
    return EncodeMeasurement(evaluator_->Evaluate(params));
  }

 private:
  static constexpr size_t kKeep = WorkerEvaluator::kKeptBuilds;  // as the parent counts them

  // A config whose text contains $MACE_TUNE_TEST_CRASH_PARAMS aborts the worker, one containing
  // $MACE_TUNE_TEST_HANG_PARAMS hangs it (isolate_test).
  static void TestHooks(const std::string& text) {
    const char* crash = std::getenv("MACE_TUNE_TEST_CRASH_PARAMS");
    const char* hang = std::getenv("MACE_TUNE_TEST_HANG_PARAMS");
    if (crash != nullptr && *crash != '\0' && text.find(crash) != std::string::npos) std::abort();
    if (hang != nullptr && *hang != '\0' && text.find(hang) != std::string::npos) {
      while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }

  std::optional<InstanceEvaluator> evaluator_;
  std::deque<std::pair<std::string, InstanceEvaluator::Prepared>> prepared_;
};

}  // namespace

int RunEvalWorker(const std::string& platform, const std::string& device, const std::string& device_lock) {
  signal(SIGPIPE, SIG_IGN);
  std::string line;
  try {
    DeviceLock lock(device_lock);
    std::optional<TuneContext> ctx;  // opened once: a worker serves one key after another
    std::optional<ProgramCache> cache;
    std::unique_ptr<WorkerSession> session;
    while (std::getline(std::cin, line)) {
      if (line.rfind("INIT\t", 0) == 0) {
        session.reset();
        if (!ctx) {
          ctx.emplace(OpenDevice(platform, device));
          cache.emplace(ctx->context.get(), ctx->device());
        }
        session = std::make_unique<WorkerSession>(*ctx, *cache, line, device_lock.empty() ? nullptr : &lock);
        std::cout << "READY" << std::endl;
      } else if (session && line.rfind("BUILD\t", 0) == 0) {
        std::cout << session->Build(line.substr(6)) << std::endl;
      } else if (session && line.rfind("EVAL\t", 0) == 0) {
        std::cout << session->Eval(line.substr(5)) << std::endl;
      }
    }
  } catch (const std::exception& e) {
    std::cout << "ERROR\t" << Escape(e.what()) << std::endl;
    return 1;
  }
  return 0;
}

}  // namespace mace_tune
