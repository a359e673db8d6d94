// SPDX-License-Identifier: Apache-2.0
// `mace_tune import-mace FILE` and `tune --prior-from FILE`: the entries of an app's MACE
// tuned-parameter file (either layout) read back into tuning keys and configs of a family whose
// local size is its parameters, so `tune --strategy transfer` starts from what MACE had tuned.
#pragma once

#include <string>
#include <vector>

#include "formats/mace_naming.h"
#include "mace_tune/families.h"
#include "tuner/prior_results.h"

namespace mace_tune {

struct MacePrior {
  std::string mace_key;
  std::vector<uint32_t> values;  // [lws..., block] as MACE stores them
  std::string tuning_key;        // empty when the entry was skipped
  ParamMap params;               // the family's default with the local size MACE chose
  std::string note;              // why it was skipped, or which values were moved into the space
};

// Every entry of the file, mapped or with the reason it was not. Throws std::runtime_error for a
// file that cannot be read or is not a MACE key/value file, and for a template that does not name
// every dim of its family (a key could not be read back). The families must be registered.
std::vector<MacePrior> ReadMacePriors(const std::string& path, const std::vector<MaceKeyTemplate>& templates,
                                      const DeviceLimits& limits);

// The mapped ones, for TuneRequest::imported_priors.
std::vector<ImportedPrior> ToImportedPriors(const std::vector<MacePrior>& priors, const std::string& path);

}  // namespace mace_tune
