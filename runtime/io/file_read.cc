// SPDX-License-Identifier: Apache-2.0
// ReadFileBytes (mace_tune/artifacts.h): the one reader of outside files, shared by the runtime,
// the description compiler and the tuner, so a FIFO, a device file or a huge file is refused the
// same way everywhere.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mace_tune/artifacts.h"

namespace mace_tune {
namespace {

const char* FileKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

Status ReadFileBytes(const std::string& path, std::vector<uint8_t>* out, size_t max_bytes) noexcept {
  try {
    auto error = [&path](const std::string& what, int err) {
      return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                    what + " " + path + ": " + std::strerror(err));
    };
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return error("cannot open", errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      const int err = errno;
      const bool dir = S_ISDIR(info.st_mode);
      ::close(fd);
      if (dir) return error("cannot read", EISDIR);
      if (info.st_mode != 0) {
        return Status(StatusCode::kIoError,
                      "cannot read " + path + ": not a regular file (" + FileKind(info.st_mode) + ")");
      }
      return error("cannot read", err);
    }
    auto too_large = [&](uint64_t size) {
      return Status(StatusCode::kIoError, "cannot read " + path + ": " + std::to_string(size) +
                                              " bytes, more than the limit of " + std::to_string(max_bytes));
    };
    if (static_cast<uint64_t>(info.st_size) > max_bytes) {
      ::close(fd);
      return too_large(static_cast<uint64_t>(info.st_size));
    }
    std::vector<uint8_t> bytes;
    bytes.reserve(static_cast<size_t>(info.st_size));
    uint8_t chunk[65536];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return error("cannot read", err);
      }
      if (n == 0) break;
      if (static_cast<size_t>(n) > max_bytes - bytes.size()) {  // grew while being read
        ::close(fd);
        return too_large(bytes.size() + static_cast<size_t>(n));
      }
      bytes.insert(bytes.end(), chunk, chunk + n);
    }
    ::close(fd);
    *out = std::move(bytes);
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, "out of memory reading " + path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

}  // namespace mace_tune
