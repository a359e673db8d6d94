// SPDX-License-Identifier: Apache-2.0
/* What the three user-kernel apps share: an OpenCL device (the first one: PoCL where there is no
 * GPU), a mace_tune runtime over it, and both artifacts loaded from the paths given.
 *   APP [--programs mace_cl_compiled_program.bin] [--params mace_tuned_params.bin]
 * A missing or foreign artifact is only a status: the runtime then builds from source and
 * launches the description's default config, and says so. */
#ifndef USER_KERNELS_APP_COMMON_H_
#define USER_KERNELS_APP_COMMON_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mace_tune/c_api.h"

typedef struct {
  const char* name;
  cl_context context;
  cl_device_id device;
  cl_command_queue queue;
  mace_tune_runtime* runtime;
} App;

static int AppFail(const App* app, const char* what, int status) {
  fprintf(stderr, "%s: %s: %s (%s)\n", app->name, what, mace_tune_status_name(status), mace_tune_last_error());
  return 1;
}

/* 0 on success, 77 without an OpenCL device, 1 on another failure. */
static int AppOpen(App* app, const char* name, int argc, char** argv) {
  const char* programs = NULL;
  const char* params = NULL;
  cl_platform_id platform;
  cl_int err;
  int status, i;
  app->name = name;
  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--programs") == 0) programs = argv[i + 1];
    if (strcmp(argv[i], "--params") == 0) params = argv[i + 1];
  }
  err = clGetPlatformIDs(1, &platform, NULL);
  if (err == CL_SUCCESS) err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &app->device, NULL);
  if (err != CL_SUCCESS) {
    fprintf(stderr, "%s: no OpenCL device\n", name);
    return 77;
  }
  app->context = clCreateContext(NULL, 1, &app->device, NULL, NULL, &err);
  if (err == CL_SUCCESS) app->queue = clCreateCommandQueue(app->context, app->device, 0, &err);
  if (err != CL_SUCCESS) return AppFail(app, "OpenCL context", MACE_TUNE_OPENCL_ERROR);
  status = mace_tune_runtime_create(app->context, app->device, NULL, &app->runtime);
  if (status != MACE_TUNE_OK) return AppFail(app, "create", status);
  if (programs != NULL && mace_tune_load_program_binaries(app->runtime, programs) != MACE_TUNE_OK) {
    fprintf(stderr, "%s: compiled programs not used: %s\n", name, mace_tune_last_error());
  }
  if (params != NULL && mace_tune_load_tuned_params(app->runtime, params) != MACE_TUNE_OK) {
    fprintf(stderr, "%s: tuned parameters not used: %s\n", name, mace_tune_last_error());
  }
  return 0;
}

static const char* AppOrigin(const mace_tune_launch* launch) {
  static const char* const kOrigins[] = {"exact", "nearest", "default"};
  return kOrigins[launch->origin];
}

static void AppClose(App* app) {
  mace_tune_runtime_destroy(app->runtime);
  clReleaseCommandQueue(app->queue);
  clReleaseContext(app->context);
}

#endif /* USER_KERNELS_APP_COMMON_H_ */
