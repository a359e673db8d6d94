// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the tuned-parameter reader (bundles and single files), then every entry's
// tuning key and parameters through the parsers the runtime's lookup uses.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "mace_tune/tuning_key.h"
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
  mace_tune::TunedParamBundle bundle;
  if (!mace_tune::ReadTunedParamBundle(data, size, &bundle).ok()) return 0;
  mace_tune::TunedParamFile single;
  mace_tune::ReadTunedParamFile(data, size, &single);
  for (const auto& group : bundle.groups) {
    for (const auto& entry : group.entries) {
      mace_tune::TuningKey key;
      mace_tune::ParamMap params;
      if (!mace_tune::TuningKey::Parse(entry.tuning_key, &key).ok() || !mace_tune::ValidateKey(key).ok()) continue;
      if (!mace_tune::ParseParams(entry.params, &params).ok()) continue;
      std::string options;
      mace_tune::LaunchGeometry geometry;
      mace_tune::FamilyBuildOptions(key, params, &options);
      mace_tune::FamilyGeometry(key, params, &geometry);
    }
  }
  return 0;
}
}  // namespace
