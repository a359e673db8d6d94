// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: what the runtime does with a tuned-parameter file, without a device: the
// bundle reader, the user kernels' DESC sections (LoadDescriptions), the launch table, then each
// entry's key and its neighbours (every dimension doubled, halved, 0 and 2^31-1) through
// Runtime::GetLaunch's chain: ValidateKey, then exact -> nearest shape -> family default.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mace_tune/artifacts.h"
#include "runtime/desc/registry.h"
#include "runtime/src/format.h"
#include "runtime/src/launch_table.h"

namespace {

using namespace mace_tune;

DeviceLimits Limits() {
  DeviceLimits l;
  l.max_work_group_size = 256;
  l.max_work_item_sizes = {256, 256, 64};
  l.local_mem_size = 32768;
  l.image_support = true;
  l.image2d_max_width = l.image2d_max_height = 16384;
  l.max_mem_alloc_size = uint64_t{1} << 30;
  l.compute_units = 4;
  l.vendor = "QUALCOMM";
  l.name = "Adreno (TM) 640";
  return l;
}

void Lookup(const desc::DescriptionSet& user, const detail::LaunchTable& table, const TuningKey& key) {
  const desc::KernelDescription* d = user.Find(key.family);
  if (d == nullptr) d = desc::FindDescription(key.family);
  if (d == nullptr || !d->ValidateKey(key).ok()) return;
  LaunchConfig config;
  table.Resolve(*d, key, Limits(), 4.0, &config);
}

int OneInput(const uint8_t* data, size_t size) {
  TunedParamBundle bundle;
  if (!ReadTunedParamBundle(data, size, &bundle).ok()) return 0;
  for (size_t g = 0; g < bundle.groups.size() && g < 4; ++g) {
    desc::DescriptionSet user;
    if (!detail::LoadDescriptions(bundle.groups[g], &user).ok()) continue;
    detail::LaunchTable table;
    std::vector<TunedEntry> entries = bundle.groups[g].entries;
    if (entries.size() > 32) entries.resize(32);  // each lookup scans every entry
    table.Load(entries);
    for (const auto& entry : entries) {
      TuningKey key;
      if (!TuningKey::Parse(entry.tuning_key, &key).ok()) continue;
      Lookup(user, table, key);
      for (auto& [dim, value] : key.shape) {
        const int64_t original = value;
        const int64_t doubled = original > INT64_MAX / 2 || original < INT64_MIN / 2 ? original : original * 2;
        for (int64_t v : {doubled, original / 2, int64_t{0}, int64_t{2147483647}}) {
          value = v;
          Lookup(user, table, key);
        }
        value = original;
      }
    }
  }
  return 0;
}

}  // namespace

// Each input as it is and resealed (a fresh digest), so mutations reach the entries behind it.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  OneInput(data, size);
  std::vector<uint8_t> sealed(data, data + size);
  detail::Reseal(&sealed);
  return OneInput(sealed.data(), sealed.size());
}
