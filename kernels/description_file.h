// Reading a kernel description from its TOML file (docs/user_kernels.md): the fields into a
// DescriptionText, the sources (with their #include "..." lines resolved) into one program text,
// then every expression compiled. Any error names the file, the line and the field:
// "kernels/transpose.toml:14: parameters.TILE.values: at column 6: unknown name 'colz'".
#pragma once

#include <string>

#include "desc/registry.h"

namespace mace_tune {

// Throws std::runtime_error with that message. `builtin_ok`: the file may say builtin = true (the
// build's own kernels/*.toml, whose sources are embedded instead of read).
desc::DescriptionPtr LoadDescriptionFile(const std::string& path, bool builtin_ok = false);

// Loads and registers a user kernel for this process (tuner, emit, worker): afterwards its name
// is a kernel family like the built-ins. Loading the same file twice is harmless.
desc::DescriptionPtr RegisterKernelFile(const std::string& path);
// Every *.toml in `dir` (not recursive), in name order; returns how many.
int RegisterKernelDir(const std::string& dir);

// A text file's contents: refuses what is not a regular file, or larger than max_bytes.
std::string ReadTextFile(const std::string& path, size_t max_bytes);

}  // namespace mace_tune
