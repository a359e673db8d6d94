// SPDX-License-Identifier: Apache-2.0
// Workload files: parsing, merging repeated keys, and clear errors for bad lines.
#include "workloads/workload.h"

#include "catch.h"
#include "tuner/evaluator.h"

using namespace mace_tune;

namespace {
std::string ErrorOf(const std::string& text) {
  try {
    ParseWorkload("w.workload", text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("workload lines become distinct keys with counts and labels") {
  const Workload w = ParseWorkload("w",
                                   "# a comment\n\ngemm:M=4,N=8,K=2:fp32  # first\n"
                                   "gemm:K=2,M=4,N=8:fp32 # same key, other order\n"
                                   "gemm:K=3,M=5,N=7:fp32\n");
  REQUIRE(w.items.size() == 2);
  CHECK(w.items[0].key.ToString() == "gemm:K=2,M=4,N=8:fp32");
  CHECK(w.items[0].count == 2);
  CHECK(w.items[0].label == "first");
  CHECK(w.items[1].count == 1);
}

TEST_CASE("bad workload lines name the file and line") {
  CHECK(ErrorOf("gemm:K=2,M=4,N=8:fp32\nconv9x9:K=1:fp32\n").find("w.workload:2: unknown kernel family 'conv9x9'") !=
        std::string::npos);
  CHECK(ErrorOf("gemm:K=0,M=4,N=8:fp32\n").find("w.workload:1:") != std::string::npos);
  CHECK(ErrorOf("gemm:K=2,M=4:fp32\n").find("dimensions") != std::string::npos);
  CHECK(ErrorOf("gemm:K=100000,M=100000,N=8:fp32\n").find("2^31") != std::string::npos);
  CHECK(ErrorOf("gemm K=2\n").find("w.workload:1:") != std::string::npos);
  CHECK(ErrorOf("# nothing\n").find("no kernel instance") != std::string::npos);
  CHECK(ErrorOf("gemm:K=2,M=4,N=8:fp16\n").find("dtype") != std::string::npos);
}

TEST_CASE("bundled workloads load by name") {
  const Workload small = LoadWorkload("small");
  CHECK(small.source == "bundled");
  CHECK(small.items.size() == 4);
  const Workload mbv2 = LoadWorkload("mobilenet_v2_gemm");
  int layers = 0;
  for (const auto& item : mbv2.items) layers += item.count;
  CHECK(layers == 35);
  CHECK(mbv2.items.size() == 20);
  try {
    LoadWorkload("no_such_workload");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("small") != std::string::npos);
  }
}

TEST_CASE("network workloads: every layer once, shared keys merged") {
  // Layer and key counts as scripts/make_workloads.py builds them (its header comment says how).
  const std::pair<const char*, std::pair<int, size_t>> expected[] = {
      {"mobilenet_v1", {30, 22}}, {"mobilenet_v2", {65, 38}}, {"resnet18", {32, 23}}, {"resnet50", {73, 31}}};
  for (const auto& [name, counts] : expected) {
    const Workload w = LoadWorkload(name);
    int layers = 0;
    for (const auto& item : w.items) layers += item.count;
    CHECK(layers == counts.first);
    CHECK(w.items.size() == counts.second);
  }
  // MobileNet V2's ten residual adds at four shapes; its classifier at the end.
  const Workload mbv2 = LoadWorkload("mobilenet_v2");
  int adds = 0;
  for (const auto& item : mbv2.items) adds += item.key.family == "eltwise" ? item.count : 0;
  CHECK(adds == 10);
  CHECK(mbv2.items.back().key.family == "softmax");
}

TEST_CASE("--batch scales the batch dimension of every key") {
  const Workload w = WithBatch(LoadWorkload("mobilenet_v2"), 8);
  CHECK(w.name == "mobilenet_v2@b8");
  for (const auto& item : w.items) CHECK(item.key.Dim("N") == 8);
  const Workload g = WithBatch(LoadWorkload("small"), 4);
  CHECK(g.items.front().key.Dim("M") == 4 * 3136);  // gemm rows are the output pixels
  CHECK(g.items.front().key.Dim("N") == 144);
  CHECK_THROWS(WithBatch(g, 0));
  CHECK_THROWS(WithBatch(LoadWorkload("resnet50"), 4096));  // beyond 2^31 elements
}

TEST_CASE("median and MAD") {
  CHECK(Median({3, 1, 2}) == 2);
  CHECK(Median({4, 1, 3, 2}) == 2.5);
  CHECK(MedianAbsoluteDeviation({1, 2, 3, 4, 100}) == 1);
}
