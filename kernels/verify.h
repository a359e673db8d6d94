// SPDX-License-Identifier: Apache-2.0
// Output checking for the harness and tests: compares a kernel's output with the reference under a
// family's Tolerance, and makes the inputs (deterministic random values) and the poison (NaN) that
// the measurement contract asks for (DESIGN.md "Measurement").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/kernel_family.h"

namespace mace_tune {

struct VerifyResult {
  static constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

  bool ok = false;
  double rel_l2 = 0.0;                // ||out - ref|| / ||ref|| (infinite when out has NaN/Inf)
  double max_abs_error = 0.0;         // max |out - ref| (infinite when out has NaN/Inf)
  size_t first_bad_index = kNoIndex;  // first NaN/Inf or out-of-tolerance element, else kNoIndex
  std::string reason;                 // empty when ok
};

// Fails on a size mismatch, any NaN/Inf in `out` (poisoned, unwritten elements are NaN), any element
// with |out - ref| > abs_max + rel_max * |ref|, or rel_l2 above tol.rel_l2. The L2 test applies only
// once ||out - ref|| exceeds abs_max: a total error that one element is allowed on its own is no
// sign of a systematic error, and ||ref|| of a few elements can be near zero by cancellation.
VerifyResult Verify(const std::vector<float>& out, const std::vector<float>& ref, const Tolerance& tol);

// Uniform values in (-1, 1) from std::mt19937_64 (fully specified by the standard, so the same seed
// gives the same values on every platform): odd multiples of 2^-24, exact in fp32 and never zero.
void FillRandom(std::vector<float>* v, uint64_t seed);

// Fills with quiet NaN, so any element a kernel fails to write is caught by Verify.
void Poison(std::vector<float>* v);

}  // namespace mace_tune
