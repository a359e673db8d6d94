// SPDX-License-Identifier: Apache-2.0
// The tuner's side of both release artifacts: atomic file writing, and building the
// compiled-program binary file for a device. The byte format itself lives in the runtime
// (EncodeProgramBinaryFile / EncodeTunedParamFile in mace_tune/artifacts.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/status.h"
#include "runtime/cl/cl_config.h"

namespace mace_tune {

// Writes a temp file in the same directory, fsyncs it, renames it over `path` and fsyncs the
// directory, so readers see the old file or the new one, never a part. A failure is a Status
// naming the path and the system's reason; no temp file is left behind. `mode`: the file's
// permissions whatever the umask (0600 for a secret); `replace` false refuses an existing file.
Status WriteFileAtomic(const std::string& path, const std::vector<uint8_t>& bytes, unsigned mode = 0644,
                       bool replace = true) noexcept;

// Replaces several files as a pair (emit's two artifacts): every file is written and fsynced as a
// temp file first, so a failed write (a full disk) replaces none of them; then they are renamed in
// order. Only a crash between two renames leaves a mix, and the runtime tolerates any mix (it finds
// programs by program key and builds a missing one from source): docs/formats.md "Writing".
Status WriteFilesAtomic(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files) noexcept;

// Builds each (program, build options) pair from its embedded source on the device, and
// collects the device binaries with their program keys, source digests and the device's
// fingerprint. Throws ClError when a build fails (the message carries the build log).
// `mace_tune emit --format cpp`: a C++ source that embeds both artifacts as byte arrays, for apps
// that ship no files. It defines, in namespace `ns`: kProgramBinaries / kProgramBinariesSize and
// kTunedParams / kTunedParamsSize (8-byte aligned), for Runtime::Load*FromStaticMemory.
std::string CppEmbeddingSource(const std::vector<uint8_t>& programs, const std::vector<uint8_t>& params,
                               const std::string& ns);

ProgramBinaryFile BuildProgramBinaryFile(cl_context context, cl_device_id device,
                                         const std::vector<std::pair<std::string, std::string>>& programs,
                                         const std::string& writer_version);

}  // namespace mace_tune
