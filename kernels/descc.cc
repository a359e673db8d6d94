// SPDX-License-Identifier: Apache-2.0
// mace_tune_descc: the build's description compiler. Reads kernels/*.toml (each must say
// builtin = true), checks them as the tuner would, and writes each as the DESC payload
// OUT_DIR/<name>.desc that the runtime embeds (cmake/embed_files.cmake).
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "kernels/description_file.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: mace_tune_descc OUT_DIR DESCRIPTION.toml...\n");
    return 2;
  }
  try {
    for (int i = 2; i < argc; ++i) {
      const auto description = mace_tune::LoadDescriptionFile(argv[i], /*builtin_ok=*/true);
      if (!description->builtin()) throw std::runtime_error(std::string(argv[i]) + ": not builtin = true");
      const std::vector<uint8_t> bytes = mace_tune::desc::EncodeDescription(description->text());
      const std::string out = std::string(argv[1]) + "/" + description->name() + ".desc";
      std::ofstream file(out, std::ios::binary | std::ios::trunc);
      file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!file) throw std::runtime_error(out + ": cannot write");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mace_tune_descc: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
