// Atomic artifact writing (temp file, fsync, rename, fsync of the directory) and the
// program-binary file builder.
#include "artifact_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "cl/cl_core.h"
#include "mace_tune/families.h"

namespace mace_tune {
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

Status WriteFileAtomic(const std::string& path, const std::vector<uint8_t>& bytes) noexcept {
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
    if (!WriteAll(fd, bytes.data(), bytes.size())) return fail("cannot write");
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

ProgramBinaryFile BuildProgramBinaryFile(
    cl_context context, cl_device_id device,
    const std::vector<std::pair<std::string, std::string>>& programs,
    const std::string& writer_version) {
  ProgramBinaryFile file;
  file.meta.writer_version = writer_version;
  file.meta.created_unix = static_cast<int64_t>(std::time(nullptr));
  const Status status = QueryFingerprint(device, &file.device);
  if (!status.ok()) throw std::runtime_error("device fingerprint: " + status.message());
  for (const auto& [name, raw_options] : programs) {
    const std::string source = ProgramSource(name);
    if (source.empty()) {
      throw std::runtime_error("no embedded source for program '" + name + "'");
    }
    ProgramEntry entry;
    entry.program_name = name;
    entry.build_options = NormalizeBuildOptions(raw_options);
    entry.source_digest = ProgramSourceDigest(name);
    entry.program_key = ProgramKey(name, entry.build_options, entry.source_digest);
    bool duplicate = false;
    for (const auto& done : file.programs) duplicate = duplicate || done.program_key == entry.program_key;
    if (duplicate) continue;
    const Program program = BuildFromSource(context, device, source, entry.build_options);
    const std::vector<unsigned char> binary = ProgramBinary(program.get());
    entry.binary.assign(binary.begin(), binary.end());
    file.programs.push_back(std::move(entry));
  }
  return file;
}

}  // namespace mace_tune
