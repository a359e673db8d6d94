/* SPDX-License-Identifier: Apache-2.0 */
/* An app in plain C that uses only the installed mace_tune runtime through its C API: creates a
 * runtime (cache-update mode when a cache path is given), optionally loads a tuned-parameter file,
 * prepares one GEMM kernel, runs it and checks a few entries against the CPU.
 *   installed_app [--params FILE] [--cache FILE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mace_tune/c_api.h"

static int Fail(const char* what, int status) {
  fprintf(stderr, "installed_app: %s: %s (%s)\n", what, mace_tune_status_name(status), mace_tune_last_error());
  return 1;
}

int main(int argc, char** argv) {
  const char* params = NULL;
  const char* cache = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--params") == 0) params = argv[i + 1];
    if (strcmp(argv[i], "--cache") == 0) cache = argv[i + 1];
  }
  cl_platform_id platform;
  cl_device_id device;
  cl_int err = clGetPlatformIDs(1, &platform, NULL);
  if (err == CL_SUCCESS) err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL);
  if (err != CL_SUCCESS) {
    fprintf(stderr, "installed_app: no OpenCL device\n");
    return 77;
  }
  cl_context context = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
  cl_command_queue queue = clCreateCommandQueue(context, device, 0, &err);

  mace_tune_options* options = NULL;
  mace_tune_runtime* runtime = NULL;
  int status = mace_tune_options_create(&options);
  if (status == MACE_TUNE_OK && cache != NULL) status = mace_tune_options_set_cache_path(options, cache);
  if (status == MACE_TUNE_OK) status = mace_tune_runtime_create(context, device, options, &runtime);
  mace_tune_options_destroy(options);
  if (status != MACE_TUNE_OK) return Fail("create", status);
  /* A missing or foreign file is only a status: the app goes on with defaults. */
  if (params != NULL && (status = mace_tune_load_tuned_params(runtime, params)) != MACE_TUNE_OK) {
    fprintf(stderr, "installed_app: tuned parameters not used: %s\n", mace_tune_last_error());
  }
  if (mace_tune_get_launch(runtime, "gemm:bad", NULL) != MACE_TUNE_INVALID_ARGUMENT) return Fail("bad key accepted", 0);

  const int m = 37, n = 29, k = 19;
  cl_kernel kernel = NULL;
  mace_tune_launch launch;
  status = mace_tune_prepare(runtime, "gemm:K=19,M=37,N=29:fp32", &kernel, &launch);
  if (status != MACE_TUNE_OK) return Fail("prepare", status);
  float a[37 * 19], b[19 * 29], c[37 * 29];
  for (int i = 0; i < m * k; ++i) a[i] = (float)((i * 7) % 11) / 11.0f - 0.5f;
  for (int i = 0; i < k * n; ++i) b[i] = (float)((i * 5) % 13) / 13.0f - 0.5f;
  cl_mem da = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(a), a, &err);
  cl_mem db = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(b), b, &err);
  cl_mem dc = clCreateBuffer(context, CL_MEM_WRITE_ONLY, sizeof(c), NULL, &err);
  clSetKernelArg(kernel, 0, sizeof(int), &m);
  clSetKernelArg(kernel, 1, sizeof(int), &n);
  clSetKernelArg(kernel, 2, sizeof(int), &k);
  clSetKernelArg(kernel, 3, sizeof(cl_mem), &da);
  clSetKernelArg(kernel, 4, sizeof(cl_mem), &db);
  clSetKernelArg(kernel, 5, sizeof(cl_mem), &dc);
  err = clEnqueueNDRangeKernel(queue, kernel, launch.dims, NULL, launch.global_size, launch.local_size, 0, NULL, NULL);
  if (err == CL_SUCCESS) err = clEnqueueReadBuffer(queue, dc, CL_TRUE, 0, sizeof(c), c, 0, NULL, NULL);
  if (err != CL_SUCCESS) return Fail("launch", MACE_TUNE_OPENCL_ERROR);
  double max_err = 0;
  for (int r = 0; r < m; ++r) {
    for (int col = 0; col < n; ++col) {
      double ref = 0;
      for (int j = 0; j < k; ++j) ref += (double)a[r * k + j] * b[j * n + col];
      const double e = fabs(ref - c[r * n + col]);
      if (!(e <= max_err)) max_err = isnan(e) ? INFINITY : e;
    }
  }
  const char* origins[] = {"exact", "nearest", "default"};
  printf("installed_app: gemm %dx%dx%d, launch %s, local %zux%zu, max error %.2e, cache status %s\n", m, n, k,
         origins[launch.origin], launch.local_size[0], launch.local_size[1], max_err,
         mace_tune_status_name(mace_tune_cache_status(runtime)));
  /* What the runtime decided, and why: the config, the program's origin, the device it matched. */
  const char *config = NULL, *reason = NULL, *program = NULL, *why = NULL, *id = NULL;
  const char* program_origins[] = {"binary", "source", "cache"};
  size_t events = 0;
  int origin = 0;
  if (mace_tune_get_launch_config(runtime, "gemm:K=19,M=37,N=29:fp32", &config, NULL, NULL, &reason) != MACE_TUNE_OK ||
      mace_tune_program_event_count(runtime, &events) != MACE_TUNE_OK || events == 0 ||
      mace_tune_get_program_event(runtime, 0, &program, &origin, &why, NULL) != MACE_TUNE_OK ||
      mace_tune_device_identity(runtime, &id, NULL) != MACE_TUNE_OK) {
    return Fail("diagnostics", MACE_TUNE_INTERNAL);
  }
  printf("installed_app: runtime %s, device %s, config %s%s%s, program from %s (%s)\n", mace_tune_version(), id, config,
         *reason ? ": " : "", reason, program_origins[origin], why);
  clReleaseMemObject(da);
  clReleaseMemObject(db);
  clReleaseMemObject(dc);
  clReleaseKernel(kernel);
  mace_tune_runtime_destroy(runtime);
  clReleaseCommandQueue(queue);
  clReleaseContext(context);
  return max_err < 1e-3 ? 0 : 2;
}
