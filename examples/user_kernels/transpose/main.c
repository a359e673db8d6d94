/* SPDX-License-Identifier: Apache-2.0 */
/* Launches the user kernel `transpose` (transpose.toml) through the installed runtime by its tuning
 * key, with the tuned local size and variant when the artifacts have them, and checks the result
 * against the CPU. The runtime was not compiled with this kernel: its description and source come
 * inside the tuned-parameter file, its program from the compiled-program binary. */
#include "../app_common.h"

int main(int argc, char** argv) {
  enum { kRows = 100, kCols = 77 };
  static float in[kRows * kCols], out[kRows * kCols];
  App app;
  cl_kernel kernel = NULL;
  mace_tune_launch launch;
  cl_int err;
  int status, rows = kRows, cols = kCols, bad = 0, i, r, c;
  if ((status = AppOpen(&app, "transpose_app", argc, argv)) != 0) return status;
  status = mace_tune_prepare(app.runtime, "transpose:cols=77,rows=100:fp32", &kernel, &launch);
  if (status != MACE_TUNE_OK) return AppFail(&app, "prepare", status);
  for (i = 0; i < kRows * kCols; ++i) in[i] = (float)(i % 1013) - 500.0f;
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
    for (c = 0; c < kCols; ++c) bad += out[c * kRows + r] != in[r * kCols + c];
  }
  printf("transpose_app: %dx%d, launch %s, local %zux%zu, %d wrong\n", kRows, kCols, AppOrigin(&launch),
         launch.local_size[0], launch.local_size[1], bad);
  clReleaseMemObject(din);
  clReleaseMemObject(dout);
  clReleaseKernel(kernel);
  AppClose(&app);
  return bad == 0 ? 0 : 1;
}
