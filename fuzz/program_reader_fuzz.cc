// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the program-binary reader as the runtime uses it (bundle views over the
// input, no copy), the copying bundle reader, and the SIGN-section finder/stripper.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mace_tune/artifacts.h"
#include "runtime/src/format.h"

namespace {
int OneInput(const uint8_t* data, size_t size);
}  // namespace

// Each input twice: as it is (the digest rejects almost every mutation), and resealed so the
// mutation reaches the section parsers behind the digest.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  OneInput(data, size);
  std::vector<uint8_t> sealed(data, data + size);
  mace_tune::detail::Reseal(&sealed);
  return OneInput(sealed.data(), sealed.size());
}

namespace {
int OneInput(const uint8_t* data, size_t size) {
  mace_tune::detail::ProgramBundleView view;
  if (mace_tune::detail::ReadProgramBundleView(data, size, &view).ok()) {
    size_t sum = 0;  // touch every view: ASan checks that each lies inside the input
    for (const auto& group : view.groups) {
      for (const auto& e : group.programs) {
        for (size_t i = 0; i < e.binary_size; i += 64) sum += e.binary[i];
      }
    }
    if (sum == 1) return 0;
  }
  mace_tune::ProgramBinaryBundle bundle;
  mace_tune::ReadProgramBinaryBundle(data, size, &bundle);
  mace_tune::SignatureBlock block;
  if (mace_tune::ReadSignatureBlock(data, size, &block).ok() && block.present) {
    std::vector<uint8_t> stripped;
    mace_tune::StripSignature(std::vector<uint8_t>(data, data + size), &stripped);
  }
  return 0;
}
}  // namespace
