// SPDX-License-Identifier: Apache-2.0
// Read-only bytes of an artifact: a file read whole into memory, a copy of the caller's buffer, or
// a view of memory the caller keeps alive. A file is read, never mapped: what was verified must be
// what later reaches the driver, and a mapping changes (or faults) when the file is edited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mace_tune/status.h"

namespace mace_tune::detail {

class ArtifactBytes {
 public:
  // ReadFileBytes (a regular file of at most kMaxArtifactBytes) into memory owned here.
  static Status Open(const std::string& path, std::shared_ptr<const ArtifactBytes>* out) noexcept;
  static std::shared_ptr<const ArtifactBytes> Copy(const void* data, size_t size);
  static std::shared_ptr<const ArtifactBytes> View(const void* data, size_t size);
  ArtifactBytes(const ArtifactBytes&) = delete;
  ArtifactBytes& operator=(const ArtifactBytes&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  ArtifactBytes() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::vector<uint8_t> owned_;
};

// The first half of an atomic replacement: a temp file beside `path`, written and fsynced. Commit()
// renames it over `path` and fsyncs the directory; a StagedFile never committed removes its temp
// file. Staging several files before committing any (emit's two artifacts) means a failed write
// (a full disk) replaces none of them.
class StagedFile {
 public:
  // `mode`: the new file's permissions (0600 for a secret key), whatever the umask.
  static Status Stage(const std::string& path, const uint8_t* data, size_t size, unsigned mode,
                      std::unique_ptr<StagedFile>* out) noexcept;
  // `replace` false: fails (kIoError, "File exists") instead of replacing an existing file.
  Status Commit(bool replace = true) noexcept;
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

 private:
  StagedFile() = default;
  std::string path_, temp_;
};

// Stage + Commit: readers see the old file or the new one, never a part. A failure is a Status
// naming the path and the reason; no temp file is left behind.
Status WriteFileAtomicImpl(const std::string& path, const uint8_t* data, size_t size, unsigned mode = 0644,
                           bool replace = true) noexcept;

}  // namespace mace_tune::detail
