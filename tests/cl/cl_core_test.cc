// SPDX-License-Identifier: Apache-2.0
// The OpenCL core on a real device: RAII ownership, build errors with logs, fingerprints.
#include "runtime/cl/cl_core.h"

#include "catch.h"
#include "mace_tune/fingerprint.h"
#include "test_device.h"

using namespace mace_tune;

namespace {
cl_uint RefCount(cl_context c) {
  cl_uint n = 0;
  MT_CL_CHECK(clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof(n), &n, nullptr));
  return n;
}
}  // namespace

TEST_CASE("handles are move-only owners; Retain shares explicitly") {
  auto& d = test::Device();
  Context a = CreateContext(d.device());
  const cl_context raw = a.get();
  CHECK(RefCount(raw) == 1);
  {
    Context shared = a.Retain();
    CHECK(shared.get() == raw);
    CHECK(RefCount(raw) == 2);
  }
  CHECK(RefCount(raw) == 1);
  Context moved = std::move(a);
  CHECK_FALSE(a);
  CHECK(moved.get() == raw);
  CHECK(RefCount(raw) == 1);
  static_assert(!std::is_copy_constructible_v<Context>, "handles must not be copyable");
  static_assert(!std::is_copy_assignable_v<Program>, "handles must not be copyable");
}

TEST_CASE("a failing build throws CL_BUILD_PROGRAM_FAILURE with the build log") {
  auto& d = test::Device();
  try {
    BuildFromSource(d.context.get(), d.device(), "__kernel void k(__global float* x) { x[0] = oops; }", "");
    FAIL("no exception");
  } catch (const ClError& e) {
    CHECK(e.code() == CL_BUILD_PROGRAM_FAILURE);
    CHECK(e.call() == "clBuildProgram");
    CHECK(std::string(e.what()).rfind("clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)", 0) == 0);
    CHECK(e.detail().find("oops") != std::string::npos);
  }
}

TEST_CASE("a kernel runs and its profiling event has a duration") {
  auto& d = test::Device();
  Program p = BuildFromSource(d.context.get(), d.device(),
                              "__kernel void twice(__global float* x) { x[get_global_id(0)] *= 2.0f; }", "");
  Kernel k = CreateKernel(p.get(), "twice");
  std::vector<float> host(1024, 1.5f);
  Buffer buf = CreateBuffer(d.context.get(), CL_MEM_READ_WRITE, host.size() * 4);
  WriteBuffer(d.queue.get(), buf.get(), host.data(), host.size() * 4);
  SetArg(k.get(), 0, buf.get());
  Event e = Launch(d.queue.get(), k.get(), 1, {1024, 1, 1}, {64, 1, 1});
  ReadBuffer(d.queue.get(), buf.get(), host.data(), host.size() * 4);
  CHECK(host[0] == 3.0f);
  CHECK(host[1023] == 3.0f);
  CHECK(EventNanoseconds(e.get()) > 0);
  CHECK_THROWS_AS(CreateKernel(p.get(), "no_such_kernel"), ClError);
  CHECK_FALSE(ProgramBinary(p.get()).empty());
}

TEST_CASE("fingerprint of the test device") {
  auto& d = test::Device();
  DeviceFingerprint f;
  REQUIRE(QueryFingerprint(d.device(), &f).ok());
  CHECK(f.device_name == d.entry.device_name);
  CHECK_FALSE(f.driver_version.empty());
  CHECK(f.opencl_c_version.find("OpenCL C") == 0);
  CHECK(f.compute_units > 0);
  CHECK(f.max_work_group_size > 0);
  CHECK(f.Id().size() == 12);
  DeviceFingerprint again;
  REQUIRE(QueryFingerprint(d.device(), &again).ok());
  CHECK(again.Id() == f.Id());
  DeviceFingerprint more_memory_free = f;  // PoCL reports a global size that follows free memory
  more_memory_free.global_mem_size += 1 << 20;
  CHECK(more_memory_free.Id() == f.Id());
  DeviceFingerprint other_driver = f;
  other_driver.driver_version += "-next";
  CHECK(other_driver.Id() != f.Id());
  CHECK(other_driver.SameDevice(f));
  CHECK_FALSE(other_driver.SameDriver(f));
  CHECK(QueryFingerprint(nullptr, &again).code() == StatusCode::kOpenClError);
}

// A blob the driver reads back as a compiled object (clCompileProgram, never linked) is refused
// before clBuildProgram acts on it: what we store is always an executable.
TEST_CASE("a binary that is not an executable is refused before the build") {
  auto& d = test::Device();
  const char* source = "__kernel void k(__global float* x) { x[get_global_id(0)] = 1.0f; }";
  cl_int status = CL_SUCCESS;
  Program object(clCreateProgramWithSource(d.context.get(), 1, &source, nullptr, &status));
  REQUIRE(status == CL_SUCCESS);
  const cl_device_id device = d.device();
  if (clCompileProgram(object.get(), 1, &device, "", 0, nullptr, nullptr, nullptr, nullptr) != CL_SUCCESS) {
    WARN("skipped: this device cannot compile without linking");
    return;
  }
  const std::vector<unsigned char> blob = ProgramBinary(object.get());
  REQUIRE(!blob.empty());
  // The driver must itself call the reloaded blob a compiled object, or there is nothing to refuse.
  const unsigned char* data = blob.data();
  size_t length = blob.size();
  cl_int binary_status = CL_SUCCESS;
  Program reloaded(clCreateProgramWithBinary(d.context.get(), 1, &device, &length, &data, &binary_status, &status));
  cl_program_binary_type type = CL_PROGRAM_BINARY_TYPE_NONE;
  if (status != CL_SUCCESS ||
      clGetProgramBuildInfo(reloaded.get(), device, CL_PROGRAM_BINARY_TYPE, sizeof(type), &type, nullptr) !=
          CL_SUCCESS ||
      type == CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
    WARN("skipped: this device does not report a reloaded compiled object's binary type");
    return;
  }
  try {
    BuildFromBinary(d.context.get(), device, blob, "");
    FAIL("a compiled object was accepted as an executable");
  } catch (const ClError& e) {
    CHECK(std::string(e.what()).find("not CL_PROGRAM_BINARY_TYPE_EXECUTABLE") != std::string::npos);
  }
}
