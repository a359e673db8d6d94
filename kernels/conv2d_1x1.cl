// conv2d_1x1: out[n][oh][ow][k] = act(bias[k] + sum_c in[n][oh*S][ow*S][c] * wt[c][k]), a GEMM of
// (output pixels x C) by (C x K). Storage: mt_tensor.cl (in, out NHWC4; wt, bias plain arrays).
// Weights: wt[C4*4][K4*4] (float4 element c*K4 + k4 holds output channels 4*k4..4*k4+3 of input
// channel c); bias[K4*4]. Input pad lanes are zero, so the pad rows of wt never contribute.
//
// Compile-time parameters (-D): S (stride, 1 or 2), PW (output pixels along W per work-item),
// PK (groups of 4 output channels per work-item), LOCAL (0/1); LOCAL=1 also KT (input channel
// groups per local slice) and LX, LY, LZ (the work-group size). BIAS, ACT, FP16, IMG: mt_tensor.cl.
// Work-items: x = block of PK channel groups, y = block of PW output pixels of a row,
// z = n*OH + oh. Global sizes are rounded up to the local size; every store is guarded.
// GEMM=1 is the GEMM variant instead (at the end): TM, TN, VW, STRN, GEMM_KT, LX, LY as gemm.cl's.
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
#ifndef LOCAL
#define LOCAL 0
#endif
#ifndef GEMM
#define GEMM 0
#endif
#if GEMM
// gemm_tile.cl's KT is in floats: the description passes 4 * KT channel groups as GEMM_KT.
#ifdef GEMM_KT
#define KT GEMM_KT
#endif
#define GEMM_TILED 1
#define GEMM_A_ROW_TABLE (S != 1)
#include "gemm_tile.cl"
#endif

#if BIAS
#define BIAS_ARG , ARRAY_IN bias
#define BIAS4(k4) LOAD4(bias, (k4))
#else
#define BIAS_ARG
#define BIAS4(k4) ((float4)(0.0f))
#endif

// acc += x.s0 * w0 + x.s1 * w1 + x.s2 * w2 + x.s3 * w3: four input channels into four outputs.
#define MAC4(acc_, v_, w0_, w1_, w2_, w3_) \
  (acc_) += (v_).x * (w0_) + (v_).y * (w1_) + (v_).z * (w2_) + (v_).w * (w3_)

// Bias (or zero) of output group k4 into the PW x PK accumulators.
#define INIT_ACC(acc, k4_of_j)                                  \
  for (int j = 0; j < PK; ++j) {                                \
    const float4 b_ = BIAS4(k4_of_j);                           \
    for (int i = 0; i < PW; ++i) acc[i][j] = b_;                \
  }

#if GEMM
// (defined at the end)
#elif !LOCAL

// Direct variant: each item streams its PW input pixels and its 4*PK weight rows per channel
// group from global memory; a weight float4 serves PW pixels, an input float4 serves PK groups.
__kernel void conv2d_1x1(const int N, const int H, const int W, const int C4, const int OH,
                         const int OW, const int K4, TENSOR_IN in, ARRAY_IN wt BIAS_ARG,
                         TENSOR_OUT out) {
  const int k40 = (int)get_global_id(0) * PK;
  const int ow0 = (int)get_global_id(1) * PW;
  const int noh = (int)get_global_id(2);
  if (k40 >= K4 || ow0 >= OW || noh >= N * OH) return;
  const int n = noh / OH, oh = noh - n * OH;
  const int ih = oh * S;
  // Pixels / groups past the end read the last valid one (in bounds) and are not stored.
  int iw[PW];
#pragma unroll
  for (int i = 0; i < PW; ++i) iw[i] = min(ow0 + i, OW - 1) * S;
  int kk[PK];
#pragma unroll
  for (int j = 0; j < PK; ++j) kk[j] = min(k40 + j, K4 - 1);

  float4 acc[PW][PK];
  INIT_ACC(acc, kk[j])

  for (int c4 = 0; c4 < C4; ++c4) {
    float4 x[PW];
#pragma unroll
    for (int i = 0; i < PW; ++i) x[i] = READ_T4(in, n, ih, iw[i], c4, H, W, C4);
    const int wrow = c4 * 4 * K4;
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

#pragma unroll
  for (int i = 0; i < PW; ++i) {
    if (ow0 + i >= OW) break;
#pragma unroll
    for (int j = 0; j < PK; ++j) {
      if (k40 + j < K4) WRITE_T4(out, n, oh, ow0 + i, k40 + j, OH, OW, K4, mt_activate(acc[i][j]));
    }
  }
}

#else  // LOCAL

#ifndef KT
#define KT 4
#endif
#define TP (LY * PW)  // output pixels of one row per work-group
#define TK (LX * PK)  // channel groups per work-group
#define WG (LX * LY * LZ)
#define XS_SIZE (LZ * TP * KT)
#define WS_SIZE (KT * 4 * TK)

// Tiled variant: per KT-deep slice of input channel groups the work-group stages its LZ rows x TP
// pixels of input (xs[row][pixel][kc]) and the KT*4 x TK weights (ws[channel][k4]) in local
// memory, zeros outside the tensors, then each item multiplies from there. Every item runs every
// slice and reaches every barrier; only the stores are guarded.
__kernel __attribute__((reqd_work_group_size(LX, LY, LZ))) void conv2d_1x1(
    const int N, const int H, const int W, const int C4, const int OH, const int OW, const int K4,
    TENSOR_IN in, ARRAY_IN wt BIAS_ARG, TENSOR_OUT out) {
  __local float4 xs[XS_SIZE];
  __local float4 ws[WS_SIZE];
  const int lx = (int)get_local_id(0), ly = (int)get_local_id(1), lz = (int)get_local_id(2);
  const int tid = (lz * LY + ly) * LX + lx;
  const int k4_tile = (int)get_group_id(0) * TK;
  const int ow_tile = (int)get_group_id(1) * TP;
  const int row_tile = (int)get_group_id(2) * LZ;
  const int rows = N * OH;

  float4 acc[PW][PK];
  INIT_ACC(acc, min(k4_tile + lx * PK + j, K4 - 1))

  for (int c0 = 0; c0 < C4; c0 += KT) {
    // Input tile: consecutive items read consecutive channel groups of one pixel (contiguous).
    for (int e = tid; e < XS_SIZE; e += WG) {
      const int kc = e % KT, p = (e / KT) % TP, r = e / (KT * TP);
      const int row = row_tile + r, ow = ow_tile + p, c4 = c0 + kc;
      float4 v = (float4)(0.0f);
      if (row < rows && ow < OW && c4 < C4) {
        const int n = row / OH, oh = row - n * OH;
        v = READ_T4(in, n, oh * S, ow * S, c4, H, W, C4);
      }
      xs[e] = v;
    }
    // Weight tile: consecutive items read consecutive channel groups of one weight row.
    for (int e = tid; e < WS_SIZE; e += WG) {
      const int t = e % TK, c = e / TK;
      const int k4 = k4_tile + t, ch = c0 * 4 + c;
      ws[e] = (k4 < K4 && ch < C4 * 4) ? LOAD4(wt, ch * K4 + k4) : (float4)(0.0f);
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    __local const float4* xrow = xs + (lz * TP + ly * PW) * KT;
    __local const float4* wcol = ws + lx * PK;
    for (int kc = 0; kc < KT; ++kc) {
      float4 x[PW];
#pragma unroll
      for (int i = 0; i < PW; ++i) x[i] = xrow[i * KT + kc];
#pragma unroll
      for (int j = 0; j < PK; ++j) {
        const float4 w0 = wcol[(kc * 4) * TK + j];
        const float4 w1 = wcol[(kc * 4 + 1) * TK + j];
        const float4 w2 = wcol[(kc * 4 + 2) * TK + j];
        const float4 w3 = wcol[(kc * 4 + 3) * TK + j];
#pragma unroll
        for (int i = 0; i < PW; ++i) MAC4(acc[i][j], x[i], w0, w1, w2, w3);
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

  const int row = row_tile + lz;
  if (row >= rows) return;
  const int n = row / OH, oh = row - n * OH;
  const int ow0 = ow_tile + ly * PW, k40 = k4_tile + lx * PK;
#pragma unroll
  for (int i = 0; i < PW; ++i) {
    if (ow0 + i >= OW) break;
#pragma unroll
    for (int j = 0; j < PK; ++j) {
      if (k40 + j < K4) WRITE_T4(out, n, oh, ow0 + i, k40 + j, OH, OW, K4, mt_activate(acc[i][j]));
    }
  }
}

#endif  // LOCAL

#if GEMM
#include "conv_gemm.cl"

// GEMM variant: the convolution as the GEMM it is, on gemm.cl's tiled core (gemm_tile.cl):
// A = the input pixels [N*OH*OW][C4*4] (at stride 1 the NHWC4 buffer itself; at stride 2 each
// tile's rows are gathered through a table of where its pixels start), B = wt [C4*4][K4*4],
// C = out [N*OH*OW][K4*4]; bias and activation are applied in registers before the store.
// Work-items: x = ceil(K4*4 / TN) column blocks, y = ceil(N*OH*OW / TM) pixel blocks.
__kernel __attribute__((reqd_work_group_size(LX, LY, 1))) void conv2d_1x1(
    const int N, const int H, const int W, const int C4, const int OH, const int OW, const int K4,
    TENSOR_IN in, ARRAY_IN wt BIAS_ARG, TENSOR_OUT out) {
  GEMM_TILE_LOCALS;
  const int M = N * OH * OW, cols = K4 * 4, depth = C4 * 4;
#if GEMM_A_ROW_TABLE
  __local int a_rows[TILE_M];
  const int tile_row0 = (int)get_group_id(1) * TILE_M;
  for (int r = (int)(get_local_id(1) * LX + get_local_id(0)); r < TILE_M; r += WG_SIZE) {
    const int p = min(tile_row0 + r, M - 1);
    const int n = p / (OH * OW), q = p - n * (OH * OW);
    const int oh = q / OW, ow = q - oh * OW;
    a_rows[r] = ((n * H + oh * S) * W + ow * S) * depth;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
#else
  __local const int* a_rows = 0;
#endif
  float acc[TM][TN];
  GemmTileAccumulate(M, cols, depth, in, wt, As, Bs, a_rows, acc);
  CONV_GEMM_EPILOGUE(acc, cols);
  GemmTileStore(out, M, cols, acc);
}

#endif  // GEMM
