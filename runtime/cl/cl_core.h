// SPDX-License-Identifier: Apache-2.0
// Thin, throwing helpers over the OpenCL calls the project makes: queries, context and queue
// creation, program builds from source or binary, buffers and profiled launches.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/cl/cl_handle.h"

namespace mace_tune {

std::vector<cl_platform_id> GetPlatforms();
// Every device of a platform; empty (not an error) when the platform has none.
std::vector<cl_device_id> GetDevices(cl_platform_id platform);

std::string PlatformString(cl_platform_id platform, cl_platform_info param);
std::string DeviceString(cl_device_id device, cl_device_info param);

template <typename T>
T DeviceValue(cl_device_id device, cl_device_info param) {
  T value{};
  MT_CL_CHECK(clGetDeviceInfo(device, param, sizeof(T), &value, nullptr));
  return value;
}

cl_platform_id DevicePlatform(cl_device_id device);

Context CreateContext(cl_device_id device);
Queue CreateQueue(cl_context context, cl_device_id device, bool profiling);

// Builds a program; on failure throws ClError whose detail() is the build log.
Program BuildFromSource(cl_context context, cl_device_id device, const std::string& source, const std::string& options);
Program BuildFromBinary(cl_context context, cl_device_id device, const std::vector<unsigned char>& binary,
                        const std::string& options);
// The same from bytes the caller keeps alive during the call (a mapped file).
Program BuildFromBinary(cl_context context, cl_device_id device, const unsigned char* data, size_t length,
                        const std::string& options);
std::string BuildLog(cl_program program, cl_device_id device);
// The device binary of a program built for exactly one device.
std::vector<unsigned char> ProgramBinary(cl_program program);

Kernel CreateKernel(cl_program program, const std::string& name);
size_t KernelWorkGroupSize(cl_kernel kernel, cl_device_id device);
cl_ulong KernelLocalMemSize(cl_kernel kernel, cl_device_id device);

template <typename T>
void SetArg(cl_kernel kernel, cl_uint index, const T& value) {
  MT_CL_CHECK(clSetKernelArg(kernel, index, sizeof(T), &value));
}

Buffer CreateBuffer(cl_context context, cl_mem_flags flags, size_t bytes);
void WriteBuffer(cl_command_queue queue, cl_mem buffer, const void* data, size_t bytes);
void ReadBuffer(cl_command_queue queue, cl_mem buffer, void* data, size_t bytes);

// Enqueues an NDRange (dims 1..3); a zero local size means "let the driver choose".
Event Launch(cl_command_queue queue, cl_kernel kernel, cl_uint dims, const std::array<size_t, 3>& gws,
             const std::array<size_t, 3>& lws);
// END - START of a finished, profiled event, in nanoseconds.
uint64_t EventNanoseconds(cl_event event);

}  // namespace mace_tune
