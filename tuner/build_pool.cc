// SPDX-License-Identifier: Apache-2.0
// The pool of build-and-evaluate workers: placement of builds and evaluations, pausing on CPUs.
#include "tuner/build_pool.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mace_tune {

BuildPool::BuildPool(const WorkerOptions& options, int jobs, bool pause_others, const MeasureOptions& measure)
    : options_(options), pause_others_(pause_others), measure_(measure), workers_(static_cast<size_t>(jobs)) {
  char path[] = "/tmp/mace_tune_device_lock_XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error(std::string("build pool: cannot create a lock file: ") + std::strerror(errno));
  ::close(fd);
  options_.device_lock = lock_path_ = path;
}

BuildPool::~BuildPool() {
  workers_.clear();  // the workers go first: they hold the lock file open
  ::unlink(lock_path_.c_str());
}

WorkerEvaluator& BuildPool::Worker(size_t i) {
  if (!workers_[i]) workers_[i] = std::make_unique<WorkerEvaluator>(options_, key_, seed_, measure_);
  return *workers_[i];
}

void BuildPool::SetKey(const TuningKey& key, uint64_t seed) {
  key_ = key;
  seed_ = seed;
  for (auto& w : workers_) {
    if (w) w->SetKey(key, seed);
  }
}

// Worker 0 is kept for configs nobody built ahead (with two workers or more): an evaluation then
// never waits behind guesses that other workers are still building.
size_t BuildPool::LeastBusy() const {
  const size_t first = workers_.size() > 1 ? 1 : 0;
  size_t best = first;
  for (size_t i = first + 1; i < workers_.size(); ++i) {
    const size_t load = workers_[i] ? workers_[i]->pending() : 0;
    const size_t best_load = workers_[best] ? workers_[best]->pending() : 0;
    if (load < best_load) best = i;
  }
  return best;
}

void BuildPool::Prebuild(const ParamMap& params) {
  const std::string text = FormatParams(params);
  for (const auto& w : workers_) {
    if (w && w->Has(text)) return;
  }
  for (auto& w : workers_) {
    if (w) w->Poll();
  }
  const size_t i = LeastBusy();
  if (workers_[i] && workers_[i]->pending() >= kDepth) return;
  Worker(i).Build(params);
}

Measurement BuildPool::Evaluate(const ParamMap& params, bool* ahead) {
  const std::string text = FormatParams(params);
  size_t at = workers_.size();
  for (size_t i = 0; i < workers_.size() && at == workers_.size(); ++i) {
    if (workers_[i] && workers_[i]->Has(text)) at = i;
  }
  const bool prebuilt = at != workers_.size();
  if (!prebuilt) at = 0;
  WorkerEvaluator& worker = Worker(at);
  // Its builds queued before this one finish first, with every other worker still building.
  const auto start = std::chrono::steady_clock::now();
  worker.WaitBuilt();
  const double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  stats_.build_wait_ms += waited;
  // Paused only once the timing worker holds the device lock: no paused worker can hold it then.
  auto pause = [&] {
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (i != at && workers_[i]) workers_[i]->Pause();
    }
  };
  Measurement m = worker.Evaluate(params, pause_others_ ? std::function<void()>(pause) : std::function<void()>());
  // What this evaluation waited for the worker's earlier builds counts as its build time.
  if (prebuilt) m.phases.build = waited;
  if (pause_others_) {
    for (auto& w : workers_) {
      if (w) w->Resume();
    }
  }
  stats_.prebuilt += prebuilt ? 1 : 0;
  if (ahead != nullptr) *ahead = prebuilt;
  ++stats_.evaluations;
  return m;
}

void BuildPool::PauseAll() {
  for (auto& w : workers_) {
    if (w) w->Pause();
  }
}

void BuildPool::ResumeAll() {
  for (auto& w : workers_) {
    if (w) w->Resume();
  }
}

int BuildPool::restarts() const {
  int n = 0;
  for (const auto& w : workers_) n += w ? w->restarts() : 0;
  return n;
}

}  // namespace mace_tune
