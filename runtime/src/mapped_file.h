// Read-only bytes of an artifact: a file mapped with POSIX mmap where the OS allows it (else read
// into memory), a copy of the caller's buffer, or a view of memory the caller keeps alive.
// Shared by the runtime's indexes, so program binaries are read in place and never copied whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mace_tune/status.h"

namespace mace_tune::detail {

class MappedBytes {
 public:
  // mmap first; a file that cannot be mapped (a pipe, /proc, an empty file) is read instead.
  static Status Open(const std::string& path, std::shared_ptr<const MappedBytes>* out) noexcept;
  static std::shared_ptr<const MappedBytes> Copy(const void* data, size_t size);
  static std::shared_ptr<const MappedBytes> View(const void* data, size_t size);
  ~MappedBytes();
  MappedBytes(const MappedBytes&) = delete;
  MappedBytes& operator=(const MappedBytes&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool mapped() const { return mapped_; }

 private:
  MappedBytes() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::vector<uint8_t> owned_;
};

// Replaces `path` atomically: temp file in the same directory, fsync, rename, fsync of the
// directory. A failure is a Status naming the path and the reason; no temp file is left behind.
Status WriteFileAtomicImpl(const std::string& path, const uint8_t* data, size_t size) noexcept;

}  // namespace mace_tune::detail
