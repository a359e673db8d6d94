// SPDX-License-Identifier: Apache-2.0
// What the tune loop tells while it runs (google/benchmark's reporters): the library reports, the
// CLI decides what to print (apps/cmd_tune.cc prints a live line and one line per key). Every call
// comes from the thread that runs Tune().
#pragma once

#include <cstddef>

namespace mace_tune {

struct InstanceReport;

class TuneReporter {
 public:
  virtual ~TuneReporter() = default;
  // After each evaluation the strategy proposed, for key `index` of `total`; `elapsed_s`: since
  // that key's search began.
  virtual void OnProgress(const InstanceReport& r, size_t index, size_t total, double elapsed_s) {
    (void)r, (void)index, (void)total, (void)elapsed_s;
  }
  // A key is done, its final re-measurement included (not called for a key stopped before its
  // default config was measured).
  virtual void OnInstanceDone(const InstanceReport& r, size_t index, size_t total) {
    (void)r, (void)index, (void)total;
  }
};

}  // namespace mace_tune
