// SPDX-License-Identifier: Apache-2.0
// The table of OpenCL error names, written once.
#include "runtime/cl/cl_error.h"

namespace mace_tune {

const char* ClErrorName(cl_int code) noexcept {
  switch (code) {
#define MT_NAME(x) \
  case x:          \
    return #x;
    MT_NAME(CL_SUCCESS)
    MT_NAME(CL_DEVICE_NOT_FOUND)
    MT_NAME(CL_DEVICE_NOT_AVAILABLE)
    MT_NAME(CL_COMPILER_NOT_AVAILABLE)
    MT_NAME(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    MT_NAME(CL_OUT_OF_RESOURCES)
    MT_NAME(CL_OUT_OF_HOST_MEMORY)
    MT_NAME(CL_PROFILING_INFO_NOT_AVAILABLE)
    MT_NAME(CL_MEM_COPY_OVERLAP)
    MT_NAME(CL_IMAGE_FORMAT_MISMATCH)
    MT_NAME(CL_IMAGE_FORMAT_NOT_SUPPORTED)
    MT_NAME(CL_BUILD_PROGRAM_FAILURE)
    MT_NAME(CL_MAP_FAILURE)
    MT_NAME(CL_MISALIGNED_SUB_BUFFER_OFFSET)
    MT_NAME(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    MT_NAME(CL_COMPILE_PROGRAM_FAILURE)
    MT_NAME(CL_LINKER_NOT_AVAILABLE)
    MT_NAME(CL_LINK_PROGRAM_FAILURE)
    MT_NAME(CL_DEVICE_PARTITION_FAILED)
    MT_NAME(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
    MT_NAME(CL_INVALID_VALUE)
    MT_NAME(CL_INVALID_DEVICE_TYPE)
    MT_NAME(CL_INVALID_PLATFORM)
    MT_NAME(CL_INVALID_DEVICE)
    MT_NAME(CL_INVALID_CONTEXT)
    MT_NAME(CL_INVALID_QUEUE_PROPERTIES)
    MT_NAME(CL_INVALID_COMMAND_QUEUE)
    MT_NAME(CL_INVALID_HOST_PTR)
    MT_NAME(CL_INVALID_MEM_OBJECT)
    MT_NAME(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)
    MT_NAME(CL_INVALID_IMAGE_SIZE)
    MT_NAME(CL_INVALID_SAMPLER)
    MT_NAME(CL_INVALID_BINARY)
    MT_NAME(CL_INVALID_BUILD_OPTIONS)
    MT_NAME(CL_INVALID_PROGRAM)
    MT_NAME(CL_INVALID_PROGRAM_EXECUTABLE)
    MT_NAME(CL_INVALID_KERNEL_NAME)
    MT_NAME(CL_INVALID_KERNEL_DEFINITION)
    MT_NAME(CL_INVALID_KERNEL)
    MT_NAME(CL_INVALID_ARG_INDEX)
    MT_NAME(CL_INVALID_ARG_VALUE)
    MT_NAME(CL_INVALID_ARG_SIZE)
    MT_NAME(CL_INVALID_KERNEL_ARGS)
    MT_NAME(CL_INVALID_WORK_DIMENSION)
    MT_NAME(CL_INVALID_WORK_GROUP_SIZE)
    MT_NAME(CL_INVALID_WORK_ITEM_SIZE)
    MT_NAME(CL_INVALID_GLOBAL_OFFSET)
    MT_NAME(CL_INVALID_EVENT_WAIT_LIST)
    MT_NAME(CL_INVALID_EVENT)
    MT_NAME(CL_INVALID_OPERATION)
    MT_NAME(CL_INVALID_GL_OBJECT)
    MT_NAME(CL_INVALID_BUFFER_SIZE)
    MT_NAME(CL_INVALID_MIP_LEVEL)
    MT_NAME(CL_INVALID_GLOBAL_WORK_SIZE)
    MT_NAME(CL_INVALID_PROPERTY)
    MT_NAME(CL_INVALID_IMAGE_DESCRIPTOR)
    MT_NAME(CL_INVALID_COMPILER_OPTIONS)
    MT_NAME(CL_INVALID_LINKER_OPTIONS)
    MT_NAME(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef MT_NAME
    case -1001:
      return "CL_PLATFORM_NOT_FOUND_KHR";
    default:
      return "CL_UNKNOWN_ERROR";
  }
}

ClError::ClError(std::string call, cl_int code, std::string detail)
    : std::runtime_error(call + ": " + ClErrorName(code) + " (" + std::to_string(code) + ")" +
                         (detail.empty() ? std::string() : "\n" + detail)),
      call_(std::move(call)),
      code_(code),
      detail_(std::move(detail)) {}

namespace detail {

std::string CallName(const char* call_text) {
  std::string text(call_text);
  const auto paren = text.find('(');
  return paren == std::string::npos ? text : text.substr(0, paren);
}

void ThrowClError(const char* call_text, cl_int code) { throw ClError(CallName(call_text), code); }

}  // namespace detail
}  // namespace mace_tune
