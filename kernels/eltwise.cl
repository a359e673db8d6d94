// eltwise: out = act(a OP b) over NHWC tensors (storage: mt_tensor.cl).
// OP 0 add, 1 multiply, 2 maximum. BC=0: b is a tensor of a's shape; BC=1: b is one value per
// channel (an array of C4*4 values) broadcast over N, H, W. PW pixels along W per work-item.
// Work-items: x = channel group c4 < C4, y = block of PW pixels of a row, z = n*H + h.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif
#ifndef OP
#define OP 0
#endif
#ifndef BC
#define BC 0
#endif

#if BC
#define B_ARG ARRAY_IN
#else
#define B_ARG TENSOR_IN
#endif

__kernel void eltwise(const int N, const int H, const int W, const int C4, TENSOR_IN a, B_ARG b,
                      TENSOR_OUT out) {
  const int c4 = get_global_id(0);
  const int w0 = get_global_id(1) * PW;
  const int nh = get_global_id(2);
  if (c4 >= C4 || w0 >= W || nh >= N * H) return;
  const int n = nh / H, h = nh - n * H;
#if BC
  const float4 bc = LOAD4(b, c4);
#endif
#pragma unroll
  for (int i = 0; i < PW; ++i) {
    const int w = w0 + i;
    if (w < W) {
      const float4 x = READ_T4(a, n, h, w, c4, H, W, C4);
#if BC
      const float4 y = bc;
#else
      const float4 y = READ_T4(b, n, h, w, c4, H, W, C4);
#endif
#if OP == 0
      float4 r = x + y;
#elif OP == 1
      float4 r = x * y;
#else
      float4 r = fmax(x, y);
#endif
      WRITE_T4(out, n, h, w, c4, H, W, C4, mt_activate(r));
    }
  }
}
