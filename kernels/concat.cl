// concat along channels: out[n,h,w,:] = (a[n,h,w,0..C), b[n,h,w,0..C2)) (storage: mt_tensor.cl);
// out has CO = C + C2 channels (CO4 groups; pad lanes written 0).
// SHIFT = (4 - C % 4) % 4 (from the key). SHIFT=0: every output group is one group of a or of b
// (one aligned float4 copy). Otherwise b's channels land SHIFT lanes later: output group co4 takes
// its b lanes from b groups q and q + 1 (q = (4*co4 - C - SHIFT) / 4, groups outside b read as
// zero) shifted by SHIFT lanes, and its lanes below C from a's group co4.
// PW pixels along W per work-item. Work-items: x = output group co4 < CO4, y = block of PW
// pixels of a row, z = n*H + h.
// No local-memory variant: a copy has no reuse; the float4 of a channel group is the vector width.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif
#ifndef SHIFT
#define SHIFT 0
#endif

__kernel void concat(const int N, const int H, const int W, const int C, const int C2, TENSOR_IN a,
                     TENSOR_IN b, TENSOR_OUT out) {
  const int co4 = get_global_id(0);
  const int w0 = get_global_id(1) * PW;
  const int nh = get_global_id(2);
  const int CA4 = (C + 3) / 4, CB4 = (C2 + 3) / 4, CO4 = (C + C2 + 3) / 4;
  if (co4 >= CO4 || w0 >= W || nh >= N * H) return;
  const int n = nh / H, h = nh - n * H;
#if SHIFT != 0
  const int4 lane = (int4)(4 * co4) + (int4)(0, 1, 2, 3);
  const int q = (4 * co4 - C - SHIFT) / 4;  // exact: 4*co4 - C - SHIFT is a multiple of 4
#endif
#pragma unroll
  for (int i = 0; i < PW; ++i) {
    const int w = w0 + i;
    if (w < W) {
#if SHIFT == 0
      const float4 v = co4 < CA4 ? READ_T4(a, n, h, w, co4, H, W, CA4)
                                 : READ_T4(b, n, h, w, co4 - CA4, H, W, CB4);
#else
      const float4 va = co4 < CA4 ? READ_T4(a, n, h, w, co4, H, W, CA4) : (float4)(0.0f);
      const float4 lo = q >= 0 && q < CB4 ? READ_T4(b, n, h, w, q, H, W, CB4) : (float4)(0.0f);
      const float4 hi = q + 1 >= 0 && q + 1 < CB4 ? READ_T4(b, n, h, w, q + 1, H, W, CB4) : (float4)(0.0f);
#if SHIFT == 1
      const float4 vb = (float4)(lo.s123, hi.s0);
#elif SHIFT == 2
      const float4 vb = (float4)(lo.s23, hi.s01);
#else
      const float4 vb = (float4)(lo.s3, hi.s012);
#endif
      float4 v = select(vb, va, lane < (int4)(C));
      v = select((float4)(0.0f), v, lane < (int4)(C + C2));
#endif
      WRITE_T4(out, n, h, w, co4, H, W, CO4, v);
    }
  }
}
