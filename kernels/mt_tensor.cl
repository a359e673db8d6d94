// mt_tensor.cl: the storage prelude of the NHWC kernels; `#include "mt_tensor.cl"` in a program is
// replaced by this text when the runtime loads its source (runtime/src/sources.cc).
//
// Activation tensors are NHWC4: channels padded with zeros to C4 = ceil(C/4) groups of 4 lanes.
//   buffer (IMG=0): float4 / half4 element ((n*H + h)*W + w)*C4 + c4
//   image  (IMG=1): RGBA texel (x = c4*W + w, y = n*H + h) of an image2d, CL_FLOAT or CL_HALF_FLOAT
// Weights, biases and other plain arrays are buffers of STORE_T. FP16=1 stores everything as half
// (vload_half / vstore_half: core OpenCL, no cl_khr_fp16 needed) and computes in float.
#ifndef FP16
#define FP16 0
#endif
#ifndef IMG
#define IMG 0
#endif
#ifndef ACT
#define ACT 0
#endif
#ifndef BIAS
#define BIAS 0
#endif

#if FP16
#define STORE_T half
#define LOAD1(p, i) vload_half((i), (p))
#define LOAD4(p, i) vload_half4((i), (p))
#define STORE1(p, i, v) vstore_half((v), (i), (p))
#define STORE4(p, i, v) vstore_half4((v), (i), (p))
#else
#define STORE_T float
#define LOAD1(p, i) ((p)[(i)])
#define LOAD4(p, i) vload4((i), (p))
#define STORE1(p, i, v) ((p)[(i)] = (v))
#define STORE4(p, i, v) vstore4((v), (i), (p))
#endif

#define ARRAY_IN __global const STORE_T* restrict
#define ARRAY_OUT __global STORE_T* restrict

#if IMG
#define TENSOR_IN __read_only image2d_t
#define TENSOR_OUT __write_only image2d_t
__constant sampler_t kMtSampler = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_NONE | CLK_FILTER_NEAREST;
#define READ_T4(t, n, h, w, c4, H, W, C4) \
  read_imagef((t), kMtSampler, (int2)((c4) * (W) + (w), (n) * (H) + (h)))
#define WRITE_T4(t, n, h, w, c4, H, W, C4, v) \
  write_imagef((t), (int2)((c4) * (W) + (w), (n) * (H) + (h)), (v))
#else
#define TENSOR_IN __global const STORE_T* restrict
#define TENSOR_OUT __global STORE_T* restrict
#define T4_INDEX(n, h, w, c4, H, W, C4) ((((n) * (H) + (h)) * (W) + (w)) * (C4) + (c4))
#define READ_T4(t, n, h, w, c4, H, W, C4) LOAD4((t), T4_INDEX(n, h, w, c4, H, W, C4))
#define WRITE_T4(t, n, h, w, c4, H, W, C4, v) STORE4((t), T4_INDEX(n, h, w, c4, H, W, C4), (v))
#endif

// Fused activation (ACT): 0 none, 1 relu, 2 relu6, 3 leaky relu (alpha 0.1), 4 sigmoid.
inline float4 mt_activate(float4 x) {
#if ACT == 1
  return fmax(x, (float4)(0.0f));
#elif ACT == 2
  return clamp(x, (float4)(0.0f), (float4)(6.0f));
#elif ACT == 3
  return fmax(x, (float4)(0.0f)) + 0.1f * fmin(x, (float4)(0.0f));
#elif ACT == 4
  return 1.0f / (1.0f + exp(-x));
#else
  return x;
#endif
}
