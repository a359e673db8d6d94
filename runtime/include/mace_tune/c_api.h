/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime's C API (for JNI and other languages): opaque handles over mace_tune::Runtime,
 * int status codes (the values of mace_tune::StatusCode, 0 = ok), a per-thread error message,
 * and no exceptions or aborts. docs/runtime.md shows it in use. */
#ifndef MACE_TUNE_C_API_H_
#define MACE_TUNE_C_API_H_

#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

#include "mace_tune/export.h"

#ifdef __cplusplus
extern "C" {
#endif
MACE_TUNE_PUBLIC_BEGIN

enum {
  MACE_TUNE_OK = 0,
  MACE_TUNE_INVALID_ARGUMENT = 1,
  MACE_TUNE_NOT_FOUND = 2,
  MACE_TUNE_IO_ERROR = 3,
  MACE_TUNE_BAD_FORMAT = 4,
  MACE_TUNE_UNSUPPORTED_VERSION = 5,
  MACE_TUNE_DIGEST_MISMATCH = 6,
  MACE_TUNE_DEVICE_MISMATCH = 7,
  MACE_TUNE_DRIVER_MISMATCH = 8,
  MACE_TUNE_SOURCE_MISMATCH = 9,
  MACE_TUNE_OPENCL_ERROR = 10,
  MACE_TUNE_INTERNAL = 11,
  MACE_TUNE_SIGNATURE_INVALID = 12,
  MACE_TUNE_UNSUPPORTED = 13
};

/* Where a launch config came from (mace_tune::LaunchOrigin). */
enum { MACE_TUNE_LAUNCH_EXACT = 0, MACE_TUNE_LAUNCH_NEAREST = 1, MACE_TUNE_LAUNCH_DEFAULT = 2 };

typedef struct mace_tune_runtime mace_tune_runtime;
typedef struct mace_tune_options mace_tune_options;

typedef struct mace_tune_launch {
  uint32_t dims;
  size_t global_size[3];
  size_t local_size[3];
  int origin; /* MACE_TUNE_LAUNCH_* */
} mace_tune_launch;

/* The message of the last failed call on this thread ("" after a success); valid until the
 * thread's next call. */
const char* mace_tune_last_error(void);
const char* mace_tune_status_name(int status);

/* Options: cache-update mode, nearest-shape distance, required signature. */
int mace_tune_options_create(mace_tune_options** out);
void mace_tune_options_destroy(mace_tune_options* options);
int mace_tune_options_set_cache_path(mace_tune_options* options, const char* path);
int mace_tune_options_set_max_nearest_distance(mace_tune_options* options, double distance);
int mace_tune_options_require_signature(mace_tune_options* options, const unsigned char public_key[32]);

/* options may be NULL. The runtime retains context and device. */
int mace_tune_runtime_create(cl_context context, cl_device_id device, const mace_tune_options* options,
                             mace_tune_runtime** out);
void mace_tune_runtime_destroy(mace_tune_runtime* runtime);

int mace_tune_load_program_binaries(mace_tune_runtime* runtime, const char* path);
int mace_tune_load_program_binaries_from_memory(mace_tune_runtime* runtime, const void* data, size_t size);
int mace_tune_load_tuned_params(mace_tune_runtime* runtime, const char* path);
int mace_tune_load_tuned_params_from_memory(mace_tune_runtime* runtime, const void* data, size_t size);

int mace_tune_get_launch(mace_tune_runtime* runtime, const char* tuning_key, mace_tune_launch* out);
/* A kernel for the key's config; the caller releases *kernel with clReleaseKernel. launch may be NULL. */
int mace_tune_prepare(mace_tune_runtime* runtime, const char* tuning_key, cl_kernel* kernel, mace_tune_launch* launch);

/* A user kernel's program source (mace_tune::Runtime::SetProgramSource): built when no binary
 * matches; the tuned-parameter file already carries the source the kernel was tuned with. */
int mace_tune_set_program_source(mace_tune_runtime* runtime, const char* program, const char* source);
int mace_tune_build_in_background(mace_tune_runtime* runtime, const char* const* tuning_keys, size_t count);
int mace_tune_wait_for_background_build(mace_tune_runtime* runtime);
/* Status of the last cache read/write in cache-update mode (its message via mace_tune_last_error). */
int mace_tune_cache_status(mace_tune_runtime* runtime);

/* Added in 0.2.0. Strings returned through `const char**` belong to the runtime and stay valid
 * until this thread calls the same function again; every such out pointer may be NULL. */

/* The version of the runtime library the app runs with, e.g. "0.2.0". */
const char* mace_tune_version(void);
/* The bytes are used in place, not copied: the caller keeps them alive and unchanged as long as the
 * runtime (the arrays of `mace_tune emit --format cpp`). */
int mace_tune_load_program_binaries_from_static_memory(mace_tune_runtime* runtime, const void* data, size_t size);
/* The config behind tuning_key's launch (what mace_tune_get_launch and mace_tune_prepare use):
 * params, e.g. "IMG=1,LX=16,..." (IMG=1: the tensors are image2d objects, docs/runtime.md); the
 * program's build options; the tuned entry used ("" for the family default); and why the exact
 * entry was not used ("" when it was). */
int mace_tune_get_launch_config(mace_tune_runtime* runtime, const char* tuning_key, const char** params,
                                const char** build_options, const char** tuned_key, const char** reason);

/* Where each program came from (mace_tune::ProgramEvent), in the order they were needed. */
enum { MACE_TUNE_PROGRAM_BINARY = 0, MACE_TUNE_PROGRAM_SOURCE = 1, MACE_TUNE_PROGRAM_CACHE = 2 };
int mace_tune_program_event_count(mace_tune_runtime* runtime, size_t* count);
int mace_tune_get_program_event(mace_tune_runtime* runtime, size_t index, const char** program_key, int* origin,
                                const char** reason, double* build_ms);
/* A new kernel of a program built with the given options (mace_tune::Runtime::CreateKernel): the
 * caller releases it with clReleaseKernel. origin (MACE_TUNE_PROGRAM_*) may be NULL. */
int mace_tune_create_kernel(mace_tune_runtime* runtime, const char* program, const char* kernel_name,
                            const char* build_options, cl_kernel* kernel, int* origin);
/* This device as the runtime identifies it: the fingerprint id that artifacts are matched by, and
 * a one-line description (device, platform, driver). */
int mace_tune_device_identity(mace_tune_runtime* runtime, const char** id, const char** description);

MACE_TUNE_PUBLIC_END
#ifdef __cplusplus
}
#endif

#endif /* MACE_TUNE_C_API_H_ */
