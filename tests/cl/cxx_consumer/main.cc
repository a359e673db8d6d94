// SPDX-License-Identifier: Apache-2.0
// Uses the C++ API's C++17 parts (std::string_view keys, the runtime's headers) and OpenCL 3.0
// headers together; needs no device: it parses a key and prints the runtime's version.
#include <CL/cl.h>

#include <cstdio>

#include "mace_tune/c_api.h"
#include "mace_tune/runtime.h"

int main() {
  mace_tune::TuningKey key;
  const mace_tune::Status status = mace_tune::TuningKey::Parse("gemm:K=8,M=16,N=16:fp32", &key);
  if (!status.ok()) return 1;
  std::printf("cxx_consumer: runtime %s, key %s, CL_TARGET_OPENCL_VERSION %d\n", mace_tune_version(),
              key.ToString().c_str(), CL_TARGET_OPENCL_VERSION);
  return 0;
}
