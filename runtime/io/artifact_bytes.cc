// SPDX-License-Identifier: Apache-2.0
// Artifact bytes read into memory, and atomic file replacement (shared by the tuner's writers and
// the runtime's cache-update mode, so both write files the same way).
#include "runtime/io/artifact_bytes.h"

#include <fcntl.h>
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

Status ArtifactBytes::Open(const std::string& path, std::shared_ptr<const ArtifactBytes>* out) noexcept {
  try {
    std::shared_ptr<ArtifactBytes> bytes(new ArtifactBytes());
    Status status = ReadFileBytes(path, &bytes->owned_);
    if (!status.ok()) return status;
    bytes->data_ = bytes->owned_.data();
    bytes->size_ = bytes->owned_.size();
    *out = std::move(bytes);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::shared_ptr<const ArtifactBytes> ArtifactBytes::Copy(const void* data, size_t size) {
  std::shared_ptr<ArtifactBytes> bytes(new ArtifactBytes());
  if (data != nullptr)
    bytes->owned_.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + size);
  bytes->data_ = bytes->owned_.data();
  bytes->size_ = bytes->owned_.size();
  return bytes;
}

std::shared_ptr<const ArtifactBytes> ArtifactBytes::View(const void* data, size_t size) {
  std::shared_ptr<ArtifactBytes> bytes(new ArtifactBytes());
  bytes->data_ = static_cast<const uint8_t*>(data);
  bytes->size_ = data == nullptr ? 0 : size;
  return bytes;
}

Status StagedFile::Stage(const std::string& path, const uint8_t* data, size_t size, unsigned mode,
                         std::unique_ptr<StagedFile>* out) noexcept {
  try {
    if (path.empty() || path.back() == '/') {
      return Status(StatusCode::kInvalidArgument, "not a file path: '" + path + "'");
    }
    std::string temp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());  // mode 0600 from the start: a secret is never readable
    if (fd < 0) return IoError("cannot create a temp file for", path, errno);
    auto fail = [&](const char* what) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return IoError(what, path, err);
    };
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("cannot set permissions of");
    if (!WriteAll(fd, data, size)) return fail("cannot write");
    if (::fsync(fd) != 0) return fail("cannot fsync");
    if (::close(fd) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return IoError("cannot close", path, err);
    }
    std::unique_ptr<StagedFile> staged(new StagedFile());
    staged->path_ = path;
    staged->temp_ = std::move(temp);
    *out = std::move(staged);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

Status StagedFile::Commit(bool replace) noexcept {
  if (temp_.empty()) return Status(StatusCode::kInternal, "staged file " + path_ + " committed twice");
  // link() fails on an existing name, atomically: no check-then-write race with another writer.
  const bool moved = replace ? ::rename(temp_.c_str(), path_.c_str()) == 0 : ::link(temp_.c_str(), path_.c_str()) == 0;
  const int move_error = errno;
  if (!moved || !replace) ::unlink(temp_.c_str());
  temp_.clear();
  if (!moved) return IoError(replace ? "cannot rename a temp file onto" : "cannot create", path_, move_error);
  // The rename is only durable once the directory entry is; a failure here is reported although
  // the new file is already in place.
  const std::string dir = DirectoryOf(path_);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("cannot open the directory of", path_, errno);
  const int sync = ::fsync(dir_fd);
  const int err = errno;
  ::close(dir_fd);
  if (sync != 0 && err != EINVAL) return IoError("cannot fsync the directory of", path_, err);
  return Status::Ok();
}

StagedFile::~StagedFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status WriteFileAtomicImpl(const std::string& path, const uint8_t* data, size_t size, unsigned mode,
                           bool replace) noexcept {
  std::unique_ptr<StagedFile> staged;
  Status status = StagedFile::Stage(path, data, size, mode, &staged);
  return status.ok() ? staged->Commit(replace) : status;
}

}  // namespace mace_tune::detail
