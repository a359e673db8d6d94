// SPDX-License-Identifier: Apache-2.0
// Building and caching variants, on the caller's thread or on the build threads.
#include "tuner/program_cache.h"

#include <chrono>

#include "mace_tune/families.h"

namespace mace_tune {

ProgramCache::ProgramCache(cl_context context, cl_device_id device, int build_threads)
    : context_(context), device_(device) {
  for (int i = 0; i < build_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ProgramCache::~ProgramCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

std::string ProgramCache::Key(const std::string& program_name, const std::string& options) const {
  const bool overridden = overrides_.count(program_name) != 0;
  return ProgramKey(program_name, options, ProgramSourceDigest(program_name)) + (overridden ? "|override" : "");
}

BuildResult ProgramCache::Build(const std::string& program_name, const std::string& options,
                                std::unique_lock<std::mutex>& lock) {
  const auto it = overrides_.find(program_name);
  const bool overridden = it != overrides_.end();
  const std::string source = overridden ? it->second : ProgramSource(program_name);
  lock.unlock();
  BuildResult result;
  const auto start = std::chrono::steady_clock::now();
  try {
    if (source.empty()) throw std::runtime_error("no embedded source for program '" + program_name + "'");
    result.program = BuildFromSource(context_, device_, source, options);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  result.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  lock.lock();
  return result;
}

const BuildResult& ProgramCache::Get(const std::string& program_name, const std::string& options, bool* cached,
                                     double* waited_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  if (waited_ms != nullptr) *waited_ms = 0;
  const std::string key = Key(program_name, options);
  auto it = cache_.find(key);
  if (it != cache_.end() && it->second.state != State::kQueued) {
    Entry& e = it->second;
    if (e.state == State::kBuilding) {
      const auto start = std::chrono::steady_clock::now();
      cv_.wait(lock, [&] { return e.state == State::kReady; });
      if (waited_ms != nullptr) {
        *waited_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      }
    }
    if (e.prebuilt && !e.used) ++prebuilt_used_;
    e.used = true;
    *cached = true;
    return e.result;
  }
  // Not there, or queued and not started: build it here (a build thread skips it once it is ours).
  Entry& e = cache_[key];
  e.state = State::kBuilding;
  e.result = Build(program_name, options, lock);
  e.state = State::kReady;
  e.used = true;
  cv_.notify_all();
  *cached = false;
  return e.result;
}

void ProgramCache::Prebuild(const std::string& program_name, const std::string& options) {
  if (workers_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key = Key(program_name, options);
    if (cache_.count(key) != 0) return;
    cache_[key].state = State::kQueued;
    queue_.push_back({key, program_name, options});
  }
  cv_.notify_all();
}

void ProgramCache::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const Job job = queue_.front();
    queue_.pop_front();
    auto it = cache_.find(job.key);
    if (it == cache_.end() || it->second.state != State::kQueued) continue;  // Get() took it
    Entry& e = it->second;
    e.state = State::kBuilding;
    e.result = Build(job.program, job.options, lock);
    e.prebuilt = true;
    e.state = State::kReady;
    cv_.notify_all();
  }
}

void ProgramCache::WaitForBuilds() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] {
    for (const auto& [key, e] : cache_) {
      if (e.state != State::kReady) return false;
    }
    return true;
  });
}

size_t ProgramCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

size_t ProgramCache::prebuilt_used() const {
  std::lock_guard<std::mutex> lock(mu_);
  return prebuilt_used_;
}

void ProgramCache::OverrideSource(const std::string& program, std::string source) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] {
    for (const auto& [key, e] : cache_) {
      if (e.state == State::kBuilding) return false;
    }
    return true;
  });
  overrides_[program] = std::move(source);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->first.rfind(program + "|", 0) == 0 ? cache_.erase(it) : std::next(it);
  }
}

}  // namespace mace_tune
