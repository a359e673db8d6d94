// SPDX-License-Identifier: Apache-2.0
// Implementation of the throwing OpenCL helpers.
#include "runtime/cl/cl_core.h"

namespace mace_tune {

std::vector<cl_platform_id> GetPlatforms() {
  cl_uint count = 0;
  const cl_int status = clGetPlatformIDs(0, nullptr, &count);
  if (status == -1001 /* CL_PLATFORM_NOT_FOUND_KHR: ICD loader found no platform */ || count == 0) {
    return {};
  }
  MT_CL_CHECK(status);
  std::vector<cl_platform_id> platforms(count);
  MT_CL_CHECK(clGetPlatformIDs(count, platforms.data(), nullptr));
  return platforms;
}

std::vector<cl_device_id> GetDevices(cl_platform_id platform) {
  cl_uint count = 0;
  const cl_int status = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, nullptr, &count);
  if (status == CL_DEVICE_NOT_FOUND || count == 0) return {};
  MT_CL_CHECK(status);
  std::vector<cl_device_id> devices(count);
  MT_CL_CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count, devices.data(), nullptr));
  return devices;
}

namespace {
std::string TrimNul(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

std::string PlatformString(cl_platform_id platform, cl_platform_info param) {
  size_t size = 0;
  MT_CL_CHECK(clGetPlatformInfo(platform, param, 0, nullptr, &size));
  std::string value(size, '\0');
  MT_CL_CHECK(clGetPlatformInfo(platform, param, size, value.data(), nullptr));
  return TrimNul(std::move(value));
}

std::string DeviceString(cl_device_id device, cl_device_info param) {
  size_t size = 0;
  MT_CL_CHECK(clGetDeviceInfo(device, param, 0, nullptr, &size));
  std::string value(size, '\0');
  MT_CL_CHECK(clGetDeviceInfo(device, param, size, value.data(), nullptr));
  return TrimNul(std::move(value));
}

cl_platform_id DevicePlatform(cl_device_id device) { return DeviceValue<cl_platform_id>(device, CL_DEVICE_PLATFORM); }

Context CreateContext(cl_device_id device) {
  cl_int status = CL_SUCCESS;
  cl_context context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &status);
  MT_CL_CHECK(status);
  return Context(context);
}

Queue CreateQueue(cl_context context, cl_device_id device, bool profiling) {
  cl_int status = CL_SUCCESS;
  const cl_command_queue_properties props = profiling ? CL_QUEUE_PROFILING_ENABLE : 0;
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
  cl_command_queue queue = clCreateCommandQueue(context, device, props, &status);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
  MT_CL_CHECK(status);
  return Queue(queue);
}

std::string BuildLog(cl_program program, cl_device_id device) {
  size_t size = 0;
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) != CL_SUCCESS) {
    return {};
  }
  std::string log(size, '\0');
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr) != CL_SUCCESS) {
    return {};
  }
  return TrimNul(std::move(log));
}

namespace {
Program Build(Program program, cl_device_id device, const std::string& options) {
  const cl_int status = clBuildProgram(program.get(), 1, &device, options.c_str(), nullptr, nullptr);
  if (status != CL_SUCCESS) throw ClError("clBuildProgram", status, BuildLog(program.get(), device));
  return program;
}
}  // namespace

Program BuildFromSource(cl_context context, cl_device_id device, const std::string& source,
                        const std::string& options) {
  const char* text = source.c_str();
  const size_t length = source.size();
  cl_int status = CL_SUCCESS;
  Program program(clCreateProgramWithSource(context, 1, &text, &length, &status));
  MT_CL_CHECK(status);
  return Build(std::move(program), device, options);
}

Program BuildFromBinary(cl_context context, cl_device_id device, const std::vector<unsigned char>& binary,
                        const std::string& options) {
  return BuildFromBinary(context, device, binary.data(), binary.size(), options);
}

Program BuildFromBinary(cl_context context, cl_device_id device, const unsigned char* data, size_t length,
                        const std::string& options) {
  if (data == nullptr || length == 0) throw ClError("clCreateProgramWithBinary", CL_INVALID_BINARY, "empty binary");
  cl_int binary_status = CL_SUCCESS;
  cl_int status = CL_SUCCESS;
  Program program(clCreateProgramWithBinary(context, 1, &device, &length, &data, &binary_status, &status));
  if (status != CL_SUCCESS) throw ClError("clCreateProgramWithBinary", status);
  if (binary_status != CL_SUCCESS) throw ClError("clCreateProgramWithBinary", binary_status, "binary status");
  // What we store is a linked program: a blob the driver reads as a compiled object, a library or
  // nothing is refused before clBuildProgram acts on it (a driver without the query is trusted).
  cl_program_binary_type type = CL_PROGRAM_BINARY_TYPE_EXECUTABLE;
  if (clGetProgramBuildInfo(program.get(), device, CL_PROGRAM_BINARY_TYPE, sizeof(type), &type, nullptr) ==
          CL_SUCCESS &&
      type != CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
    throw ClError("clGetProgramBuildInfo", CL_INVALID_BINARY,
                  "CL_PROGRAM_BINARY_TYPE is " + std::to_string(type) + ", not CL_PROGRAM_BINARY_TYPE_EXECUTABLE");
  }
  return Build(std::move(program), device, options);
}

std::vector<unsigned char> ProgramBinary(cl_program program) {
  cl_uint num_devices = 0;
  MT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, sizeof(num_devices), &num_devices, nullptr));
  if (num_devices != 1) throw ClError("clGetProgramInfo", CL_INVALID_PROGRAM, "expected one device");
  size_t size = 0;
  MT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr));
  std::vector<unsigned char> binary(size);
  unsigned char* data = binary.data();
  MT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof(data), &data, nullptr));
  return binary;
}

Kernel CreateKernel(cl_program program, const std::string& name) {
  cl_int status = CL_SUCCESS;
  cl_kernel kernel = clCreateKernel(program, name.c_str(), &status);
  MT_CL_CHECK(status);
  return Kernel(kernel);
}

size_t KernelWorkGroupSize(cl_kernel kernel, cl_device_id device) {
  size_t size = 0;
  MT_CL_CHECK(clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, sizeof(size), &size, nullptr));
  return size;
}

cl_ulong KernelLocalMemSize(cl_kernel kernel, cl_device_id device) {
  cl_ulong size = 0;
  MT_CL_CHECK(clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof(size), &size, nullptr));
  return size;
}

Buffer CreateBuffer(cl_context context, cl_mem_flags flags, size_t bytes) {
  cl_int status = CL_SUCCESS;
  cl_mem mem = clCreateBuffer(context, flags, bytes, nullptr, &status);
  MT_CL_CHECK(status);
  return Buffer(mem);
}

void WriteBuffer(cl_command_queue queue, cl_mem buffer, const void* data, size_t bytes) {
  MT_CL_CHECK(clEnqueueWriteBuffer(queue, buffer, CL_TRUE, 0, bytes, data, 0, nullptr, nullptr));
}

void ReadBuffer(cl_command_queue queue, cl_mem buffer, void* data, size_t bytes) {
  MT_CL_CHECK(clEnqueueReadBuffer(queue, buffer, CL_TRUE, 0, bytes, data, 0, nullptr, nullptr));
}

Event Launch(cl_command_queue queue, cl_kernel kernel, cl_uint dims, const std::array<size_t, 3>& gws,
             const std::array<size_t, 3>& lws) {
  const bool driver_lws = lws[0] == 0;
  cl_event event = nullptr;
  MT_CL_CHECK(clEnqueueNDRangeKernel(queue, kernel, dims, nullptr, gws.data(), driver_lws ? nullptr : lws.data(), 0,
                                     nullptr, &event));
  return Event(event);
}

uint64_t EventNanoseconds(cl_event event) {
  cl_ulong start = 0;
  cl_ulong end = 0;
  MT_CL_CHECK(clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, sizeof(start), &start, nullptr));
  MT_CL_CHECK(clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, sizeof(end), &end, nullptr));
  return end > start ? end - start : 0;
}

}  // namespace mace_tune
