// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: MACE's key/value files (protobuf container with CRC32, raw layout) and the
// description `mace_tune inspect` prints of them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "formats/mace_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mace_tune::MaceKvFile file;
  if (mace_tune::ReadMaceKvFile(data, size, &file).ok()) {
    mace_tune::DescribeMaceFile(file, false);
    mace_tune::DescribeMaceFile(file, true);
  }
  // A mutation almost never keeps the CRC right: also parse the bytes with a fresh trailer, so
  // the mutation reaches the protobuf reader behind it.
  if (size >= 4) {
    std::vector<uint8_t> sealed(data, data + size);
    const uint32_t crc = mace_tune::Crc32(sealed.data(), size - 4);
    for (int i = 0; i < 4; ++i) sealed[size - 4 + static_cast<size_t>(i)] = static_cast<uint8_t>(crc >> (8 * i));
    if (mace_tune::ReadMaceKvFile(sealed.data(), sealed.size(), &file).ok()) mace_tune::DescribeMaceFile(file, true);
  }
  return 0;
}
