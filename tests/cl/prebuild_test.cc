// SPDX-License-Identifier: Apache-2.0
// The build threads on a real device: a program built ahead is served without building again,
// evaluations of prebuilt configs record no build time, and tuning with build threads measures
// exactly the configs it measures without them.
#include <set>

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

std::string Options(const TuningKey& key, const ParamMap& p) {
  std::string options;
  REQUIRE(FamilyBuildOptions(key, p, &options).ok());
  return options;
}

}  // namespace

TEST_CASE("a prebuilt program is served from the build thread's work") {
  TuningKey key;
  REQUIRE(TuningKey::Parse("gemm:K=8,M=16,N=16:fp32", &key).ok());
  const std::string program(FindFamily("gemm")->program);
  const ParamMap a = {{"TM", 1}, {"TN", 1}, {"VW", 1}, {"LOCAL", 0}, {"LX", 4}, {"LY", 4}, {"KT", 8}};
  ParamMap b = a;
  b["TM"] = 2;

  ProgramCache none(Ctx().context.get(), Ctx().device(), 0);
  none.Prebuild(program, Options(key, a));  // no threads: nothing happens
  CHECK(none.size() == 0);

  ProgramCache cache(Ctx().context.get(), Ctx().device(), 1);
  cache.Prebuild(program, Options(key, a));
  cache.Prebuild(program, Options(key, a));              // queued once
  cache.Prebuild(program, "-D this_is_not_an_option(");  // a failing build is a result too
  CHECK(cache.size() == 2);
  cache.WaitForBuilds();
  bool cached = false;
  double waited = -1;
  const BuildResult& got = cache.Get(program, Options(key, a), &cached, &waited);
  CHECK(cached);  // built by the thread, not here
  CHECK(got.program);
  CHECK(got.build_ms > 0);
  CHECK(waited == 0);
  CHECK(cache.prebuilt_used() == 1);
  cache.Get(program, Options(key, a), &cached);
  CHECK(cache.prebuilt_used() == 1);  // counted once per program
  const BuildResult& bad = cache.Get(program, "-D this_is_not_an_option(", &cached);
  CHECK_FALSE(bad.program);
  CHECK_FALSE(bad.error.empty());
  CHECK(cache.Get(program, Options(key, b), &cached).program);
  CHECK_FALSE(cached);  // never prebuilt: built on demand

  // Through the evaluator: a config whose program the thread built records build_ms 0 once the
  // thread is done (waiting for it is what it would record otherwise).
  ParamMap c = a;
  c["TN"] = 2;
  ProgramCache cache2(Ctx().context.get(), Ctx().device(), 1);
  cache2.Prebuild(program, Options(key, c));
  cache2.WaitForBuilds();
  InstanceEvaluator evaluator(Ctx(), cache2, *FindKernelFamily("gemm"), key, 7, MeasureOptions{});
  const Measurement m = evaluator.Evaluate(c);
  CHECK(m.status == MeasurementStatus::kOk);
  CHECK(m.build_ms == 0);
  CHECK(cache2.prebuilt_used() == 1);
}

TEST_CASE("tuning with build threads measures the same configs, and uses the prebuilt programs") {
  const std::string dir = test::ScratchDir("tune_prebuild");
  for (const char* strategy : {"random", "model"}) {
    INFO(strategy);
    TuneRequest request;
    request.workload = ParseWorkload("t", "gemm:K=8,M=16,N=16:fp32\n");
    request.strategy = strategy;
    // Within model's random start (5 configs, the default among them): after it, its proposals
    // follow the measured times, which differ between any two runs.
    request.budget.max_evals = 4;
    request.seed = 9;
    request.tool_version = "test";
    Store plain_store = Store::Open(dir + "/" + strategy + "_plain.db");
    Store threaded_store = Store::Open(dir + "/" + strategy + "_threads.db");
    const TuneReport plain = Tune(Ctx(), plain_store, request, nullptr);
    request.build_threads = 2;
    const TuneReport threaded = Tune(Ctx(), threaded_store, request, nullptr);
    CHECK(plain.prebuilt_used == 0);
    CHECK(threaded.prebuilt_used >= 2);

    const std::string key = plain.instances.at(0).tuning_key;
    const int64_t dev = plain_store.Devices().at(0).id;
    std::vector<std::string> plain_params, threaded_params;
    int zero_build = 0;
    for (const auto& m : plain_store.Measurements(dev, key)) plain_params.push_back(m.params);
    for (const auto& m : threaded_store.Measurements(threaded_store.Devices().at(0).id, key)) {
      threaded_params.push_back(m.params);
      if (m.status != MeasurementStatus::kInvalid && m.build_ms == 0) ++zero_build;
    }
    CHECK(plain_params == threaded_params);  // same configs in the same order
    CHECK(zero_build >= 1);
  }
}
