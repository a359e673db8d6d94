// SPDX-License-Identifier: Apache-2.0
// Measurement statistics (tuner/evaluator.h) and the worker's message format (tuner/worker.h),
// without a device: the median's confidence interval that drives adaptive repeats, and the line
// form of a Measurement that crosses the pipe from the evaluation worker.
#include <cmath>
#include <random>

#include "catch.h"
#include "tuner/evaluator.h"
#include "tuner/worker.h"

using namespace mace_tune;

TEST_CASE("the median's confidence interval narrows with more samples and is infinite below 6") {
  CHECK(std::isinf(MedianCiRelative({1, 2, 3, 4, 5})));
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(100, 5);
  std::vector<double> small, large;
  for (int i = 0; i < 10; ++i) small.push_back(noise(rng));
  for (int i = 0; i < 400; ++i) large.push_back(noise(rng));
  const double ci_small = MedianCiRelative(small), ci_large = MedianCiRelative(large);
  CHECK(ci_small > ci_large);
  CHECK(ci_large < 0.02);  // +-5% noise, 400 samples: about 1.25 * 5% / sqrt(400) ~ 0.3%
  CHECK(ci_large > 0.0005);
  CHECK(MedianCiRelative(std::vector<double>(20, 7.0)) == 0.0);
}

TEST_CASE("a Measurement survives the worker's line format, escapes included") {
  Measurement m;
  m.status = MeasurementStatus::kWrongResult;
  m.reason = "C: element 3\tis NaN\nsecond line \\ done";
  m.samples_ns = {1.5, 2.25, 1e9};
  m.median_ns = 2.25;
  m.min_ns = 1.5;
  m.max_ns = 1e9;
  m.mad_ns = 0.75;
  m.max_error = 1e-6;
  m.build_ms = 12.5;
  m.eval_ms = 30;
  const std::string line = EncodeMeasurement(m);
  CHECK(line.find('\n') == std::string::npos);
  Measurement back;
  REQUIRE(DecodeMeasurement(line, &back));
  CHECK(back.status == m.status);
  CHECK(back.reason == m.reason);
  CHECK(back.samples_ns == m.samples_ns);
  CHECK(back.median_ns == m.median_ns);
  CHECK(back.max_error == m.max_error);
  CHECK(back.eval_ms == m.eval_ms);
  CHECK_FALSE(DecodeMeasurement("RESULT\tok", &back));
  CHECK_FALSE(DecodeMeasurement("garbage", &back));
}
