// SPDX-License-Identifier: Apache-2.0
// Reading a kernel description from its TOML file (docs/user_kernels.md): the fields into a
// DescriptionText, the sources (with their #include "..." lines resolved) into one program text,
// then every expression compiled. Any error names the file, the line and the field:
// "kernels/transpose.toml:14: parameters.TILE.values: at column 6: unknown name 'colz'".
#pragma once

#include <string>
#include <vector>

#include "runtime/desc/registry.h"

namespace mace_tune {

// Throws std::runtime_error with that message. `builtin_ok`: the file may say builtin = true (the
// build's own kernels/*.toml, whose sources are embedded instead of read). A file ending in
// ".desc" holds the encoded description instead (what `tune` writes for a remote target).
desc::DescriptionPtr LoadDescriptionFile(const std::string& path, bool builtin_ok = false);
// The same from the TOML text of a file at `path` (its sources are read relative to it): the fuzzer.
desc::DescriptionPtr ParseDescriptionText(const std::string& text, const std::string& path, bool builtin_ok = false);
// An encoded description (DESC payload, its source included), as the store and tuned files keep
// it; `origin` names it in errors.
desc::DescriptionPtr DecodeDescriptionBytes(const std::vector<uint8_t>& bytes, const std::string& origin);

// Registers user kernels for this process (tune, the --isolate worker): a description file
// (.toml, .desc) or a folder of *.toml files (not recursive, in name order). Afterwards each name
// is a kernel family like the built-ins. Registering the same description twice is harmless; two
// different descriptions of one name are an error. Returns how many were registered.
int RegisterKernelPath(const std::string& path);
// Registers an encoded description (e.g. from the store) unless that name is registered already.
void RegisterKernelBytes(const std::vector<uint8_t>& bytes, const std::string& origin);
// The paths given to RegisterKernelPath so far, in order (passed on to worker processes).
std::vector<std::string> RegisteredKernelPaths();

// A text file's contents: refuses what is not a regular file, or larger than max_bytes.
std::string ReadTextFile(const std::string& path, size_t max_bytes);

}  // namespace mace_tune
