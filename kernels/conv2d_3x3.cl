// conv2d_3x3: 3x3 window, padding 1 on every side, stride S (1 or 2), no dilation:
// out[n][oh][ow][k] = act(bias[k] + sum_{kh,kw,c} in[n][oh*S-1+kh][ow*S-1+kw][c] * wt[kh][kw][c][k]),
// taps outside the input count as zero. Storage: mt_tensor.cl (in, out NHWC4; wt, bias arrays).
// Weights: wt[3][3][C4*4][K4*4] (float4 element ((kh*3 + kw)*C4*4 + c)*K4 + k4); bias[K4*4].
//
// Compile-time parameters (-D): S, PW (output pixels along W per work-item), PK (groups of 4
// output channels per work-item). BIAS, ACT, FP16, IMG: mt_tensor.cl.
// Each item loads the (PW-1)*S+3 input columns its PW pixels span once per (row, channel group)
// and reuses them across the three kw taps (S=1, PW=4: 6 loads instead of 12).
// No local-memory variant: the reuse that matters (input columns across taps, a weight across
// PW pixels, an input across PK groups) is in registers; neighbouring items share the rest
// through the cache.
// Work-items: x = block of PK channel groups, y = block of PW output pixels, z = n*OH + oh.
// GEMM=1 is the GEMM variant instead (at the end): an implicit im2col on gemm_tile.cl's core.
#include "mt_tensor.cl"

#ifndef S
#define S 1
#endif
#ifndef PW
#define PW 1
#endif
#ifndef PK
#define PK 1
#endif
#ifndef GEMM
#define GEMM 0
#endif
#define SPAN ((PW - 1) * S + 3)

#if BIAS
#define BIAS_ARG , ARRAY_IN bias
#define BIAS4(k4) LOAD4(bias, (k4))
#else
#define BIAS_ARG
#define BIAS4(k4) ((float4)(0.0f))
#endif

#define MAC4(acc_, v_, w0_, w1_, w2_, w3_) \
  (acc_) += (v_).x * (w0_) + (v_).y * (w1_) + (v_).z * (w2_) + (v_).w * (w3_)

#if !GEMM

__kernel void conv2d_3x3(const int N, const int H, const int W, const int C4, const int OH,
                         const int OW, const int K4, TENSOR_IN in, ARRAY_IN wt BIAS_ARG,
                         TENSOR_OUT out) {
  const int k40 = (int)get_global_id(0) * PK;
  const int ow0 = (int)get_global_id(1) * PW;
  const int noh = (int)get_global_id(2);
  if (k40 >= K4 || ow0 >= OW || noh >= N * OH) return;
  const int n = noh / OH, oh = noh - n * OH;
  const int iw0 = ow0 * S - 1;
  // Columns outside the input read a clamped (valid) column and are masked to zero.
  int iwc[SPAN];
  bool iwok[SPAN];
#pragma unroll
  for (int s = 0; s < SPAN; ++s) {
    iwc[s] = clamp(iw0 + s, 0, W - 1);
    iwok[s] = iw0 + s >= 0 && iw0 + s < W;
  }
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

  for (int kh = 0; kh < 3; ++kh) {
    const int ih = oh * S - 1 + kh;
    if (ih < 0 || ih >= H) continue;
    for (int c4 = 0; c4 < C4; ++c4) {
      float4 x[SPAN];
#pragma unroll
      for (int s = 0; s < SPAN; ++s) {
        const float4 v = READ_T4(in, n, ih, iwc[s], c4, H, W, C4);
        x[s] = iwok[s] ? v : (float4)(0.0f);
      }
#pragma unroll
      for (int kw = 0; kw < 3; ++kw) {
        const int wrow = ((kh * 3 + kw) * C4 + c4) * 4 * K4;
#pragma unroll
        for (int j = 0; j < PK; ++j) {
          const float4 w0 = LOAD4(wt, wrow + kk[j]);
          const float4 w1 = LOAD4(wt, wrow + K4 + kk[j]);
          const float4 w2 = LOAD4(wt, wrow + 2 * K4 + kk[j]);
          const float4 w3 = LOAD4(wt, wrow + 3 * K4 + kk[j]);
#pragma unroll
          for (int i = 0; i < PW; ++i) MAC4(acc[i][j], x[i * S + kw], w0, w1, w2, w3);
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

#else  // GEMM

// gemm_tile.cl's A is read through the window table below (its a_rows): element (row, k) of the
// implicit im2col matrix. When KT divides the depth (C4*4), a k-slice lies within one tap, found
// once per slice (GEMM_A_SLICE); otherwise each element divides to find its own (Im2colAt).
#define GEMM_TILED 1
#define GEMM_A_SLICE(k0)                                                     \
  const int slice_depth = K / 9;                                             \
  const int slice_tap = (k0) / slice_depth;                                  \
  const int slice_one_tap = slice_depth % KT == 0;                           \
  const int slice_offset = a_rows[2 * TILE_M + slice_tap] - slice_tap * slice_depth
#define GEMM_A_AT(r, row, k)                                                        \
  (slice_one_tap ? Im2colTap(A, a_rows + 2 * (r), slice_tap, slice_offset + (k)) \
                 : Im2colAt(A, a_rows + 2 * (r), a_rows + 2 * TILE_M, (k), slice_depth))

// in[n][oh*S-1+kh][ow*S-1+kw][c] for an element of tap kh*3 + kw whose offset from the row's
// window start is `offset` (the tap's offset + c): `window` holds where the row's 3x3 window starts
// (in floats, from the pixel at its top-left tap, which may lie outside the input) and a mask of
// its taps inside the input.
float Im2colTap(__global const float* restrict in, __local const int* window, const int tap, const int offset) {
  return ((window[1] >> tap) & 1) ? in[window[0] + offset] : 0.0f;
}

// Element k = (kh*3 + kw) * depth + c of the row; `taps` the nine taps' offsets from its window start.
float Im2colAt(__global const float* restrict in, __local const int* window, __local const int* taps,
               const int k, const int depth) {
  const int tap = k / depth;
  return Im2colTap(in, window, tap, taps[tap] + (k - tap * depth));
}

#include "gemm_tile.cl"
#include "conv_gemm.cl"

// GEMM variant: the convolution as a GEMM of the implicit im2col matrix [N*OH*OW][9*C4*4] by the
// weights [9*C4*4][K4*4] (their own layout) into out [N*OH*OW][K4*4]. Per work-group, a table in
// local memory holds each of its TILE_M pixels' window (start and in-bounds taps) and, after them,
// the nine taps' offsets; bias and activation are applied in registers before the store.
// Work-items: x = ceil(K4*4 / TN) column blocks, y = ceil(N*OH*OW / TM) pixel blocks.
__kernel __attribute__((reqd_work_group_size(LX, LY, 1))) void conv2d_3x3(
    const int N, const int H, const int W, const int C4, const int OH, const int OW, const int K4,
    TENSOR_IN in, ARRAY_IN wt BIAS_ARG, TENSOR_OUT out) {
  GEMM_TILE_LOCALS;
  __local int table[2 * TILE_M + 9];
  const int M = N * OH * OW, cols = K4 * 4, depth = C4 * 4;
  const int tid = (int)(get_local_id(1) * LX + get_local_id(0));
  const int tile_row0 = (int)get_group_id(1) * TILE_M;
  for (int r = tid; r < TILE_M; r += WG_SIZE) {
    const int p = min(tile_row0 + r, M - 1);
    const int n = p / (OH * OW), q = p - n * (OH * OW);
    const int oh = q / OW, ow = q - oh * OW;
    const int ih0 = oh * S - 1, iw0 = ow * S - 1;
    int mask = 0;
    for (int t = 0; t < 9; ++t) {
      const int ih = ih0 + t / 3, iw = iw0 + t % 3;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) mask |= 1 << t;
    }
    table[2 * r] = ((n * H + ih0) * W + iw0) * depth;
    table[2 * r + 1] = mask;
  }
  for (int t = tid; t < 9; t += WG_SIZE) table[2 * TILE_M + t] = ((t / 3) * W + t % 3) * depth;
  barrier(CLK_LOCAL_MEM_FENCE);
  float acc[TM][TN];
  GemmTileAccumulate(M, cols, 9 * depth, in, wt, As, Bs, table, acc);
  CONV_GEMM_EPILOGUE(acc, cols);
  GemmTileStore(out, M, cols, acc);
}

#endif  // GEMM
