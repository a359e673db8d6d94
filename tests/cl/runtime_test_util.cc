// SPDX-License-Identifier: Apache-2.0
// Helpers of the runtime's cl tests: runtime creation and the GEMM correctness check.
#include "runtime_test_util.h"

#include <cmath>
#include <random>
#include <vector>

#include "catch.h"
#include "runtime/cl/cl_core.h"

namespace mace_tune::test {

std::unique_ptr<Runtime> NewRuntime(const RuntimeOptions& options) {
  std::unique_ptr<Runtime> runtime;
  const Status status = Runtime::Create(Device().context.get(), Device().device(), options, &runtime);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return runtime;
}

void CheckGemm(const PreparedKernel& kernel) {
  REQUIRE(kernel.kernel() != nullptr);
  const LaunchConfig& config = kernel.config();
  const int m = static_cast<int>(config.key.Dim("M"));
  const int n = static_cast<int>(config.key.Dim("N"));
  const int k = static_cast<int>(config.key.Dim("K"));
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(m) * k), b(static_cast<size_t>(k) * n);
  for (float& v : a) v = dist(rng);
  for (float& v : b) v = dist(rng);
  std::vector<float> c(static_cast<size_t>(m) * n, NAN);  // poisoned

  const TestDevice& d = Device();
  Buffer da = CreateBuffer(d.context.get(), CL_MEM_READ_ONLY, a.size() * sizeof(float));
  Buffer db = CreateBuffer(d.context.get(), CL_MEM_READ_ONLY, b.size() * sizeof(float));
  Buffer dc = CreateBuffer(d.context.get(), CL_MEM_READ_WRITE, c.size() * sizeof(float));
  WriteBuffer(d.queue.get(), da.get(), a.data(), a.size() * sizeof(float));
  WriteBuffer(d.queue.get(), db.get(), b.data(), b.size() * sizeof(float));
  WriteBuffer(d.queue.get(), dc.get(), c.data(), c.size() * sizeof(float));
  SetArg(kernel.kernel(), 0, cl_int{m});
  SetArg(kernel.kernel(), 1, cl_int{n});
  SetArg(kernel.kernel(), 2, cl_int{k});
  SetArg(kernel.kernel(), 3, da.get());
  SetArg(kernel.kernel(), 4, db.get());
  SetArg(kernel.kernel(), 5, dc.get());
  const LaunchGeometry& g = config.geometry;
  Launch(d.queue.get(), kernel.kernel(), g.dims, g.gws, g.lws);
  ReadBuffer(d.queue.get(), dc.get(), c.data(), c.size() * sizeof(float));

  int wrong = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double ref = 0;
      for (int p = 0; p < k; ++p) ref += double(a[size_t(i) * k + p]) * double(b[size_t(p) * n + j]);
      const float got = c[size_t(i) * n + j];
      if (!(std::fabs(got - ref) <= 1e-4 + 1e-4 * std::fabs(ref))) ++wrong;
    }
  }
  INFO("config " << FormatParams(config.params) << ", " << wrong << " wrong elements");
  CHECK(wrong == 0);
}

}  // namespace mace_tune::test
