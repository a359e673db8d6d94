/* SPDX-License-Identifier: Apache-2.0 */
/* Launches the user kernel `row_sum` (row_sum.toml) through the installed runtime by its tuning
 * key and checks each row's sum against the CPU's (double). */
#include <math.h>

#include "../app_common.h"

int main(int argc, char** argv) {
  enum { kRows = 64, kCols = 1000 };
  static float in[kRows * kCols], out[kRows];
  App app;
  cl_kernel kernel = NULL;
  mace_tune_launch launch;
  cl_int err;
  int status, rows = kRows, cols = kCols, bad = 0, i, r;
  if ((status = AppOpen(&app, "row_sum_app", argc, argv)) != 0) return status;
  status = mace_tune_prepare(app.runtime, "row_sum:cols=1000,rows=64:fp32", &kernel, &launch);
  if (status != MACE_TUNE_OK) return AppFail(&app, "prepare", status);
  for (i = 0; i < kRows * kCols; ++i) in[i] = (float)((i * 37) % 101) / 101.0f - 0.5f;
  cl_mem din = clCreateBuffer(app.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(in), in, &err);
  cl_mem dout = clCreateBuffer(app.context, CL_MEM_WRITE_ONLY, sizeof(out), NULL, &err);
  clSetKernelArg(kernel, 0, sizeof(int), &rows);
  clSetKernelArg(kernel, 1, sizeof(int), &cols);
  clSetKernelArg(kernel, 2, sizeof(cl_mem), &din);
  clSetKernelArg(kernel, 3, sizeof(cl_mem), &dout);
  err = clEnqueueNDRangeKernel(app.queue, kernel, launch.dims, NULL, launch.global_size, launch.local_size, 0, NULL,
                               NULL);
  if (err == CL_SUCCESS) err = clEnqueueReadBuffer(app.queue, dout, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL);
  if (err != CL_SUCCESS) return AppFail(&app, "launch", MACE_TUNE_OPENCL_ERROR);
  for (r = 0; r < kRows; ++r) {
    double sum = 0;
    for (i = 0; i < kCols; ++i) sum += in[r * kCols + i];
    bad += !(fabs(sum - out[r]) <= 1e-3);
  }
  printf("row_sum_app: %dx%d, launch %s, local %zu, %d wrong\n", kRows, kCols, AppOrigin(&launch), launch.local_size[0],
         bad);
  clReleaseMemObject(din);
  clReleaseMemObject(dout);
  clReleaseKernel(kernel);
  AppClose(&app);
  return bad == 0 ? 0 : 1;
}
