// SPDX-License-Identifier: Apache-2.0
// The error-name table and the checking macro's message.
#include "runtime/cl/cl_error.h"

#include "catch.h"

using mace_tune::ClError;
using mace_tune::ClErrorName;

TEST_CASE("error names are symbolic") {
  CHECK(std::string(ClErrorName(CL_SUCCESS)) == "CL_SUCCESS");
  CHECK(std::string(ClErrorName(CL_BUILD_PROGRAM_FAILURE)) == "CL_BUILD_PROGRAM_FAILURE");
  CHECK(std::string(ClErrorName(CL_INVALID_WORK_GROUP_SIZE)) == "CL_INVALID_WORK_GROUP_SIZE");
  CHECK(std::string(ClErrorName(CL_OUT_OF_RESOURCES)) == "CL_OUT_OF_RESOURCES");
  CHECK(std::string(ClErrorName(-12345)) == "CL_UNKNOWN_ERROR");
  // Every code from -1 to -68 that OpenCL 1.2 defines has a name of its own.
  for (cl_int code : {-1, -5, -11, -30, -34, -45, -46, -48, -54, -63, -68}) {
    CHECK(std::string(ClErrorName(code)) != "CL_UNKNOWN_ERROR");
  }
}

namespace {
cl_int Fails() { return CL_INVALID_KERNEL_NAME; }
cl_int Succeeds() { return CL_SUCCESS; }
}  // namespace

TEST_CASE("MT_CL_CHECK throws with the call name, symbolic name and number") {
  CHECK_NOTHROW([] { MT_CL_CHECK(Succeeds()); }());
  try {
    MT_CL_CHECK(Fails());
    FAIL("no exception");
  } catch (const ClError& e) {
    CHECK(e.code() == CL_INVALID_KERNEL_NAME);
    CHECK(e.call() == "Fails");
    CHECK(std::string(e.what()) == "Fails: CL_INVALID_KERNEL_NAME (-46)");
  }
  const ClError with_log("clBuildProgram", CL_BUILD_PROGRAM_FAILURE, "error: expected ';'");
  CHECK(std::string(with_log.what()) == "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)\nerror: expected ';'");
  CHECK(with_log.detail() == "error: expected ';'");
}
