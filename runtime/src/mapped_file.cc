// Mapped or read artifact bytes, and atomic file replacement (moved here from the tuner so the
// runtime's cache-update mode writes files the same way the tuner does).
#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mace_tune/artifacts.h"

namespace mace_tune::detail {
namespace {

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status(StatusCode::kIoError, what + " " + path + ": " + std::strerror(err));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool WriteAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status MappedBytes::Open(const std::string& path, std::shared_ptr<const MappedBytes>* out) noexcept {
  try {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      struct stat info {};
      if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        void* p = ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
          ::close(fd);
          std::shared_ptr<MappedBytes> bytes(new MappedBytes());
          bytes->data_ = static_cast<const uint8_t*>(p);
          bytes->size_ = static_cast<size_t>(info.st_size);
          bytes->mapped_ = true;
          *out = std::move(bytes);
          return Status::Ok();
        }
      }
      ::close(fd);
    }
    std::vector<uint8_t> owned;  // mmap not possible: read (ReadFileBytes names the error)
    Status status = ReadFileBytes(path, &owned);
    if (!status.ok()) return status;
    std::shared_ptr<MappedBytes> bytes(new MappedBytes());
    bytes->owned_ = std::move(owned);
    bytes->data_ = bytes->owned_.data();
    bytes->size_ = bytes->owned_.size();
    *out = std::move(bytes);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::shared_ptr<const MappedBytes> MappedBytes::Copy(const void* data, size_t size) {
  std::shared_ptr<MappedBytes> bytes(new MappedBytes());
  if (data != nullptr) bytes->owned_.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + size);
  bytes->data_ = bytes->owned_.data();
  bytes->size_ = bytes->owned_.size();
  return bytes;
}

std::shared_ptr<const MappedBytes> MappedBytes::View(const void* data, size_t size) {
  std::shared_ptr<MappedBytes> bytes(new MappedBytes());
  bytes->data_ = static_cast<const uint8_t*>(data);
  bytes->size_ = data == nullptr ? 0 : size;
  return bytes;
}

MappedBytes::~MappedBytes() {
  if (mapped_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

Status WriteFileAtomicImpl(const std::string& path, const uint8_t* data, size_t size) noexcept {
  try {
    if (path.empty() || path.back() == '/') {
      return Status(StatusCode::kInvalidArgument, "not a file path: '" + path + "'");
    }
    std::string temp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return IoError("cannot create a temp file for", path, errno);
    // From here on every failure removes the temp file before it returns.
    auto fail = [&](const char* what) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return IoError(what, path, err);
    };
    if (::fchmod(fd, 0644) != 0) return fail("cannot set permissions of");
    if (!WriteAll(fd, data, size)) return fail("cannot write");
    if (::fsync(fd) != 0) return fail("cannot fsync");
    if (::close(fd) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return IoError("cannot close", path, err);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return IoError("cannot rename a temp file onto", path, err);
    }
    // The rename is only durable once the directory entry is; a failure here is reported
    // although the new file is already in place.
    const std::string dir = DirectoryOf(path);
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return IoError("cannot open the directory of", path, errno);
    const int sync = ::fsync(dir_fd);
    const int err = errno;
    ::close(dir_fd);
    if (sync != 0 && err != EINVAL) return IoError("cannot fsync the directory of", path, err);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

}  // namespace mace_tune::detail
