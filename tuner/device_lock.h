// SPDX-License-Identifier: Apache-2.0
// One device, several processes (the build pool's workers): whatever runs kernels - a timing, a
// verification launch - holds this lock (flock on a file the pool names), so no worker's kernels
// ever share the device with another's timed runs. Compiling needs no lock.
#pragma once

#include <string>

namespace mace_tune {

class DeviceLock {
 public:
  // An empty path: no lock (a single process); the lock is then a no-op.
  explicit DeviceLock(const std::string& path = {});
  ~DeviceLock();
  DeviceLock(const DeviceLock&) = delete;
  DeviceLock& operator=(const DeviceLock&) = delete;

  void Lock();
  void Unlock();

  // Holds the lock for a scope.
  class Hold {
   public:
    explicit Hold(DeviceLock* lock) : lock_(lock) {
      if (lock_ != nullptr) lock_->Lock();
    }
    ~Hold() {
      if (lock_ != nullptr) lock_->Unlock();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    DeviceLock* lock_;
  };

 private:
  int fd_ = -1;
};

}  // namespace mace_tune
