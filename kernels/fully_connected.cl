// fully_connected: out[n][k] = act(sum_c in[n][c] * w[c][k] + bias[k]) (storage: mt_tensor.cl).
// Arguments: N, C4, K, K4, in, w, [bias if BIAS], out.
// in is an NHWC tensor [N,1,1,C] (C4 groups), out [N,1,1,K] (K4 groups; pad lanes written 0).
// Weights: a plain array [C4][K4*4][4]: for input group c4 and output channel k, the float4 of
// the four input channels 4*c4..4*c4+3, so items on adjacent output groups read adjacent memory.
// Pad entries of w (c >= C or k >= K) must be finite: they meet zero input lanes or masked outputs.
// BIAS=1: bias is an array of K4*4 values. PK output groups (4*PK outputs) per work-item.
//   LOCAL=0: x = output group block kb (PK groups), y = n; each item runs over all of C4.
//   LOCAL=1: x = kb, y = slice of C (LY slices, one work-group along y), z = n; the LY partial
//            sums of an item column are reduced in local memory (LX, LY, LZ fixed at compile time).
// Vector width is the float4 of a channel group on both sides (dot products of 4 input lanes).
#include "mt_tensor.cl"

#ifndef PK
#define PK 1
#endif
#ifndef LOCAL
#define LOCAL 0
#endif

// Accumulates input group c4 of batch n into acc[0..PK) for output groups kb*PK + j.
inline void fc_accumulate(TENSOR_IN in, ARRAY_IN w, float4* acc, int n, int c4, int kb, int C4, int K4) {
  const float4 x = READ_T4(in, n, 0, 0, c4, 1, 1, C4);
  const int wbase = (c4 * K4 + kb * PK) * 4;
#pragma unroll
  for (int j = 0; j < PK; ++j) {
    if (kb * PK + j < K4) {
      const int wk = wbase + 4 * j;
      acc[j] += (float4)(dot(x, LOAD4(w, wk)), dot(x, LOAD4(w, wk + 1)), dot(x, LOAD4(w, wk + 2)),
                         dot(x, LOAD4(w, wk + 3)));
    }
  }
}

// Bias, activation, zero pad lanes, store output groups kb*PK + j of batch n.
inline void fc_store(TENSOR_OUT out, ARRAY_IN bias, const float4* acc, int n, int kb, int K, int K4) {
#pragma unroll
  for (int j = 0; j < PK; ++j) {
    const int k4 = kb * PK + j;
    if (k4 < K4) {
      float4 r = acc[j];
#if BIAS
      r += LOAD4(bias, k4);
#endif
      r = mt_activate(r);
      const int4 lane = (int4)(4 * k4) + (int4)(0, 1, 2, 3);
      r = select((float4)(0.0f), r, lane < (int4)(K));
      WRITE_T4(out, n, 0, 0, k4, 1, 1, K4, r);
    }
  }
}

#if BIAS
#define FC_BIAS bias
#else
#define FC_BIAS 0
#endif

#if LOCAL
__kernel __attribute__((reqd_work_group_size(LX, LY, LZ)))
#else
__kernel
#endif
void fully_connected(const int N, const int C4, const int K, const int K4, TENSOR_IN in, ARRAY_IN w,
#if BIAS
                     ARRAY_IN bias,
#endif
                     TENSOR_OUT out) {
  const int kb = get_global_id(0);
  const int nkb = (K4 + PK - 1) / PK;
  float4 acc[PK];
#pragma unroll
  for (int j = 0; j < PK; ++j) acc[j] = (float4)(0.0f);
#if LOCAL
  // Every item reaches every barrier; items past the end only contribute zeros.
  const int slice = get_local_id(1);
  const int n = get_global_id(2);
  const bool valid = kb < nkb && n < N;
  if (valid) {
    for (int c4 = slice; c4 < C4; c4 += LY) fc_accumulate(in, w, acc, n, c4, kb, C4, K4);
  }
  __local float4 part[LZ][LY][LX * PK];
  const int lx = get_local_id(0), lz = get_local_id(2);
#pragma unroll
  for (int j = 0; j < PK; ++j) part[lz][slice][lx * PK + j] = acc[j];
  for (int s = LY / 2; s > 0; s >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (slice < s) {
#pragma unroll
      for (int j = 0; j < PK; ++j) part[lz][slice][lx * PK + j] += part[lz][slice + s][lx * PK + j];
    }
  }
  if (slice == 0 && valid) {
#pragma unroll
    for (int j = 0; j < PK; ++j) acc[j] = part[lz][0][lx * PK + j];
    fc_store(out, FC_BIAS, acc, n, kb, K, K4);
  }
#else
  const int n = get_global_id(1);
  if (kb >= nkb || n >= N) return;
  for (int c4 = 0; c4 < C4; ++c4) fc_accumulate(in, w, acc, n, c4, kb, C4, K4);
  fc_store(out, FC_BIAS, acc, n, kb, K, K4);
#endif
}
