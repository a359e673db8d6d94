/* SPDX-License-Identifier: Apache-2.0 */
/* Launches the MACE-convention kernel `bias_relu` (bias_relu.toml) through the installed runtime
 * as a MACE op would: the unrounded global size as the first three arguments, NHWC tensors in
 * image2d (width W * ceil(C/4), height N * H), and checks out = max(in + bias, 0) on the CPU. */
#include "../app_common.h"

enum { kN = 1, kH = 9, kW = 13, kC = 24, kC4 = (kC + 3) / 4 };

int main(int argc, char** argv) {
  static float in[kN * kH * kW * kC4 * 4], out[kN * kH * kW * kC4 * 4], bias[kC4 * 4];
  App app;
  cl_kernel kernel = NULL;
  mace_tune_launch launch;
  cl_int err;
  int status, bad = 0, i, width = kW;
  int gws[3] = {kC4, kW, kN * kH};
  if ((status = AppOpen(&app, "bias_relu_app", argc, argv)) != 0) return status;
  status = mace_tune_prepare(app.runtime, "bias_relu:C=24,H=9,N=1,W=13:fp32", &kernel, &launch);
  if (status != MACE_TUNE_OK) return AppFail(&app, "prepare", status);
  /* Texel (x = c4 * W + w, y = n * H + h) holds channels 4*c4 .. 4*c4+3 of pixel (n, h, w). */
  for (i = 0; i < (int)(sizeof(in) / sizeof(in[0])); ++i) in[i] = (float)((i * 7) % 19) - 9.0f;
  for (i = 0; i < kC4 * 4; ++i) bias[i] = (float)(i % 5) - 2.0f;
  const cl_image_format format = {CL_RGBA, CL_FLOAT};
  cl_image_desc desc;
  memset(&desc, 0, sizeof(desc));
  desc.image_type = CL_MEM_OBJECT_IMAGE2D;
  desc.image_width = kW * kC4;
  desc.image_height = kN * kH;
  cl_mem din = clCreateImage(app.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, &format, &desc, in, &err);
  cl_mem dout = clCreateImage(app.context, CL_MEM_WRITE_ONLY, &format, &desc, NULL, &err);
  cl_mem dbias = clCreateBuffer(app.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(bias), bias, &err);
  for (i = 0; i < 3; ++i) clSetKernelArg(kernel, (cl_uint)i, sizeof(int), &gws[i]);
  clSetKernelArg(kernel, 3, sizeof(cl_mem), &din);
  clSetKernelArg(kernel, 4, sizeof(cl_mem), &dbias);
  clSetKernelArg(kernel, 5, sizeof(int), &width);
  clSetKernelArg(kernel, 6, sizeof(cl_mem), &dout);
  err = clEnqueueNDRangeKernel(app.queue, kernel, launch.dims, NULL, launch.global_size, launch.local_size, 0, NULL,
                               NULL);
  const size_t origin[3] = {0, 0, 0}, region[3] = {kW * kC4, kN * kH, 1};
  if (err == CL_SUCCESS) err = clEnqueueReadImage(app.queue, dout, CL_TRUE, origin, region, 0, 0, out, 0, NULL, NULL);
  if (err != CL_SUCCESS) return AppFail(&app, "launch", MACE_TUNE_OPENCL_ERROR);
  for (i = 0; i < (int)(sizeof(in) / sizeof(in[0])); ++i) {
    const int c4 = (i / 4) % (kW * kC4) / kW, lane = i % 4;
    const float want = in[i] + bias[c4 * 4 + lane];
    bad += out[i] != (want > 0 ? want : 0.0f);
  }
  printf("bias_relu_app: N%d H%d W%d C%d, launch %s, local %zux%zux%zu, %d wrong\n", kN, kH, kW, kC, AppOrigin(&launch),
         launch.local_size[0], launch.local_size[1], launch.local_size[2], bad);
  clReleaseMemObject(din);
  clReleaseMemObject(dout);
  clReleaseMemObject(dbias);
  clReleaseKernel(kernel);
  AppClose(&app);
  return bad == 0 ? 0 : 1;
}
