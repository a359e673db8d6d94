// SPDX-License-Identifier: Apache-2.0
// The harness on a real device: every outcome is a recorded result (a kernel that fails to build,
// one that computes wrong numbers, one that leaves an element unwritten), and a repeated tune
// measures nothing again.
#include "catch.h"
#include "kernels/kernel_family.h"
#include "test_device.h"
#include "tuner/tuner.h"

using namespace mace_tune;

namespace {

TuneContext& Ctx() {
  static TuneContext ctx = OpenDevice("", "");
  return ctx;
}

const char* kWrongKernel = R"(
__kernel void gemm(const int M, const int N, const int K, __global const float* A,
                   __global const float* B, __global float* C) {
  const int col = get_global_id(0), row = get_global_id(1);
  if (row < M && col < N) C[row * N + col] = 0.5f;
})";

const char* kMissesLastKernel = R"(
__kernel void gemm(const int M, const int N, const int K, __global const float* A,
                   __global const float* B, __global float* C) {
  const int col = get_global_id(0), row = get_global_id(1);
  if (row >= M || col >= N || (row == M - 1 && col == N - 1)) return;
  float acc = 0.0f;
  for (int k = 0; k < K; ++k) acc += A[row * K + k] * B[k * N + col];
  C[row * N + col] = acc;
})";

ParamMap Scalar() { return {{"TM", 1}, {"TN", 1}, {"VW", 1}, {"LOCAL", 0}, {"LX", 4}, {"LY", 4}, {"KT", 8}}; }

}  // namespace

TEST_CASE("the evaluator records failures as results, with reasons") {
  TuningKey key;
  REQUIRE(TuningKey::Parse("gemm:K=8,M=10,N=12:fp32", &key).ok());
  const KernelFamily& family = *FindKernelFamily("gemm");
  ProgramCache cache(Ctx().context.get(), Ctx().device());
  InstanceEvaluator evaluator(Ctx(), cache, family, key, 7, MeasureOptions{});

  const Measurement good = evaluator.Evaluate(Scalar());
  CHECK(good.status == MeasurementStatus::kOk);
  CHECK(good.samples_ns.size() >= 5);
  CHECK(good.min_ns <= good.median_ns);
  CHECK(good.median_ns <= good.max_ns);
  CHECK(good.build_ms > 0);
  CHECK(evaluator.Evaluate(Scalar()).build_ms == 0);  // the program cache served it

  cache.OverrideSource("gemm", "__kernel void gemm(int M) { this does not compile }");
  const Measurement broken = evaluator.Evaluate(Scalar());
  CHECK(broken.status == MeasurementStatus::kBuildFailed);
  CHECK(broken.reason.find("CL_BUILD_PROGRAM_FAILURE") != std::string::npos);

  cache.OverrideSource("gemm", kWrongKernel);
  const Measurement wrong = evaluator.Evaluate(Scalar());
  CHECK(wrong.status == MeasurementStatus::kWrongResult);
  CHECK_FALSE(wrong.reason.empty());

  cache.OverrideSource("gemm", kMissesLastKernel);
  const Measurement missing = evaluator.Evaluate(Scalar());
  CHECK(missing.status == MeasurementStatus::kWrongResult);  // the poisoned element stayed NaN

  ParamMap too_big = Scalar();
  too_big["LX"] = 1 << 20;
  CHECK(evaluator.Evaluate(too_big).status == MeasurementStatus::kInvalid);
}

TEST_CASE("tune records every evaluation once; a repeat measures nothing") {
  const std::string dir = test::ScratchDir("tune_resume");
  Store store = Store::Open(dir + "/t.db");
  TuneRequest request;
  request.workload = ParseWorkload("t", "gemm:K=8,M=16,N=16:fp32\ngemm:K=5,M=9,N=33:fp32\n");
  request.budget.max_evals = 4;
  request.seed = 11;
  request.tool_version = "test";
  const TuneReport first = Tune(Ctx(), store, request, nullptr);
  REQUIRE(first.instances.size() == 2);
  CHECK(first.instances[0].evaluated == 4);
  CHECK(first.measured >= 8);  // 4 each, plus the defaults unless a default was also proposed
  CHECK(first.measured <= 10);
  CHECK(store.CountRows("measurements") == first.measured);
  for (const auto& r : first.instances) {
    REQUIRE(r.best.has_value());
    CHECK(r.default_config.has_value());
    CHECK(r.best->median_ns <= r.default_config->median_ns);
  }

  const TuneReport second = Tune(Ctx(), store, request, nullptr);
  CHECK(second.measured == 0);
  CHECK(second.instances[0].evaluated == 4);
  CHECK(store.CountRows("measurements") == first.measured);
  CHECK(second.instances[0].best->params == first.instances[0].best->params);

  request.budget.max_evals = 6;  // a larger budget continues where the first stopped
  const TuneReport third = Tune(Ctx(), store, request, nullptr);
  CHECK(third.measured >= 3);
  CHECK(third.measured <= 4);
  CHECK(store.CountRows("runs") == 3);
}

TEST_CASE("exhaustive proposes configs in space order") {
  const std::string dir = test::ScratchDir("tune_exhaustive");
  Store store = Store::Open(dir + "/t.db");
  TuneRequest request;
  request.workload = ParseWorkload("t", "gemm:K=4,M=4,N=4:fp32\n");
  request.strategy = "exhaustive";
  request.budget.max_evals = 3;
  const TuneReport report = Tune(Ctx(), store, request, nullptr);
  CHECK(report.instances[0].evaluated == 3);
  CHECK(report.instances[0].space_size > 3);
}

TEST_CASE("tune --storage buffer keeps every config in buffers, image in images") {
  for (const char* storage : {"buffer", "image"}) {
    const std::string dir = test::ScratchDir(std::string("storage_") + storage);
    Store store = Store::Open(dir + "/s.db");
    TuneRequest request;
    request.workload = ParseWorkload("t", "eltwise:ACT=0,BC=0,C=8,H=4,N=1,OP=0,W=6:fp32\n");
    request.strategy = "random";
    request.budget.max_evals = 12;
    request.storage = storage;
    request.tool_version = "test";
    Tune(Ctx(), store, request, nullptr);
    const auto measured = store.Measurements(store.Devices().at(0).id, "eltwise:ACT=0,BC=0,C=8,H=4,N=1,OP=0,W=6:fp32");
    REQUIRE(measured.size() == 13);  // the default (IMG=0, the baseline either way) and 12 more
    int images = 0;
    for (const auto& m : measured) images += m.params.find("IMG=1") != std::string::npos;
    CHECK(images == (std::string(storage) == "buffer" ? 0 : 12));
  }
}

TEST_CASE("tune --config measures a config of the key's family and skips another family's") {
  const std::string dir = test::ScratchDir("extra_configs");
  Store store = Store::Open(dir + "/s.db");
  TuneRequest request;
  request.workload = ParseWorkload("t", "gemm:K=8,M=8,N=8:fp32\n");
  request.strategy = "random";
  request.budget.max_evals = 1;
  request.tool_version = "test";
  request.extra_configs = {
      {{"TM", 2}, {"TN", 2}, {"VW", 2}, {"LOCAL", 0}, {"LX", 2}, {"LY", 2}, {"KT", 8}, {"STRN", 0}},
      // GEMM's axes and values, plus conv2d_1x1's IMG: not a gemm config.
      {{"TM", 1}, {"TN", 1}, {"VW", 1}, {"LOCAL", 0}, {"LX", 1}, {"LY", 1}, {"KT", 8}, {"IMG", 0}}};
  Tune(Ctx(), store, request, nullptr);
  const auto measured = store.Measurements(store.Devices().at(0).id, "gemm:K=8,M=8,N=8:fp32");
  bool extra = false;
  for (const auto& m : measured) {
    INFO(m.params << " " << m.reason);
    CHECK(m.params.find("IMG") == std::string::npos);
    CHECK(m.ok());
    extra = extra || m.params == "KT=8,LOCAL=0,LX=2,LY=2,STRN=0,TM=2,TN=2,VW=2";
  }
  CHECK(extra);
  CHECK(measured.size() == 2);  // the default and the gemm config (which used up --max-evals 1)
}
