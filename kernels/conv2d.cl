// conv2d: general convolution, window KH x KW, stride S, dilation D, symmetric zero padding P:
// out[n][oh][ow][k] = act(bias[k] + sum_{kh,kw,c} in[n][oh*S-P+kh*D][ow*S-P+kw*D][c] * wt[kh][kw][c][k]).
// KH, KW, S, D, P are kernel arguments, so one program serves every window shape.
// Storage: mt_tensor.cl (in, out NHWC4; wt, bias arrays).
// Weights: wt[KH][KW][C4*4][K4*4] (float4 element ((kh*KW + kw)*C4*4 + c)*K4 + k4); bias[K4*4].
//
// Compile-time parameters (-D): PW (output pixels along W per work-item), PK (groups of 4 output
// channels per work-item). BIAS, ACT, FP16, IMG: mt_tensor.cl.
// No local-memory variant: the window is a runtime value, so a staged input halo would have a
// runtime size; the register reuse (a weight across PW pixels, an input across PK groups) and
// the cache carry the sharing, as in MACE's general conv.
// Work-items: x = block of PK channel groups, y = block of PW output pixels, z = n*OH + oh.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif
#ifndef PK
#define PK 1
#endif

#if BIAS
#define BIAS_ARG , ARRAY_IN bias
#define BIAS4(k4) LOAD4(bias, (k4))
#else
#define BIAS_ARG
#define BIAS4(k4) ((float4)(0.0f))
#endif

#define MAC4(acc_, v_, w0_, w1_, w2_, w3_) \
  (acc_) += (v_).x * (w0_) + (v_).y * (w1_) + (v_).z * (w2_) + (v_).w * (w3_)

__kernel void conv2d(const int N, const int H, const int W, const int C4, const int OH,
                     const int OW, const int K4, const int KH, const int KW, const int S,
                     const int D, const int P, TENSOR_IN in, ARRAY_IN wt BIAS_ARG,
                     TENSOR_OUT out) {
  const int k40 = (int)get_global_id(0) * PK;
  const int ow0 = (int)get_global_id(1) * PW;
  const int noh = (int)get_global_id(2);
  if (k40 >= K4 || ow0 >= OW || noh >= N * OH) return;
  const int n = noh / OH, oh = noh - n * OH;
  int kk[PK];
#pragma unroll
  for (int j = 0; j < PK; ++j) kk[j] = min(k40 + j, K4 - 1);

  float4 acc[PW][PK];
#pragma unroll
  for (int j = 0; j < PK; ++j) {
    const float4 b = BIAS4(kk[j]);
#pragma unroll
    for (int i = 0; i < PW; ++i) acc[i][j] = b;
  }

  for (int kh = 0; kh < KH; ++kh) {
    const int ih = oh * S - P + kh * D;
    if (ih < 0 || ih >= H) continue;
    for (int kw = 0; kw < KW; ++kw) {
      // Taps outside the input read a clamped (valid) column and are masked to zero.
      int iwc[PW];
      bool iwok[PW];
#pragma unroll
      for (int i = 0; i < PW; ++i) {
        const int iw = (ow0 + i) * S - P + kw * D;
        iwc[i] = clamp(iw, 0, W - 1);
        iwok[i] = iw >= 0 && iw < W;
      }
      const int wbase = (kh * KW + kw) * C4 * 4 * K4;
      for (int c4 = 0; c4 < C4; ++c4) {
        float4 x[PW];
#pragma unroll
        for (int i = 0; i < PW; ++i) {
          const float4 v = READ_T4(in, n, ih, iwc[i], c4, H, W, C4);
          x[i] = iwok[i] ? v : (float4)(0.0f);
        }
        const int wrow = wbase + c4 * 4 * K4;
#pragma unroll
        for (int j = 0; j < PK; ++j) {
          const float4 w0 = LOAD4(wt, wrow + kk[j]);
          const float4 w1 = LOAD4(wt, wrow + K4 + kk[j]);
          const float4 w2 = LOAD4(wt, wrow + 2 * K4 + kk[j]);
          const float4 w3 = LOAD4(wt, wrow + 3 * K4 + kk[j]);
#pragma unroll
          for (int i = 0; i < PW; ++i) MAC4(acc[i][j], x[i], w0, w1, w2, w3);
        }
      }
    }
  }

#pragma unroll
  for (int i = 0; i < PW; ++i) {
    if (ow0 + i >= OW) break;
#pragma unroll
    for (int j = 0; j < PK; ++j) {
      if (k40 + j < K4) WRITE_T4(out, n, oh, ow0 + i, k40 + j, OH, OW, K4, mt_activate(acc[i][j]));
    }
  }
}
