// SPDX-License-Identifier: Apache-2.0
// flock(2): released by the kernel when a holder dies, so a crashed worker never blocks the others.
#include "tuner/device_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mace_tune {

DeviceLock::DeviceLock(const std::string& path) {
  if (path.empty()) return;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("device lock " + path + ": " + std::strerror(errno));
}

DeviceLock::~DeviceLock() {
  if (fd_ >= 0) ::close(fd_);
}

void DeviceLock::Lock() {
  while (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
  }
}

void DeviceLock::Unlock() {
  if (fd_ >= 0) ::flock(fd_, LOCK_UN);
}

}  // namespace mace_tune
