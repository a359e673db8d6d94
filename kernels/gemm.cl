// GEMM, C[M][N] = A[M][K] * B[K][N], row-major fp32 (launch contract: kernels/gemm.toml).
// Each work-item accumulates a TM x TN block of C in registers; B is read and C written VW floats at
// a time along N. LOCAL=1 stages KT-deep slices of A and B in local memory per LX x LY work-group
// (the core in gemm_tile.cl, which conv2d_1x1.cl's GEMM variant shares).
//
// Compile-time parameters (-D): TM, TN (outputs per work-item along M, N), VW (vector width along N,
// divides TN), LOCAL (0/1); with LOCAL=1 also KT (k-slice depth), LX, LY (the work-group size) and
// STRN (0: an item's TN columns are adjacent; 1: its TN/VW vectors lie LX*VW apart in the tile, so
// neighbouring items read neighbouring local-memory words, CLBlast's STRN).
// The global size is rounded up to the local size, so every access is guarded: any M, N, K >= 1 works.

#ifndef LOCAL
#define LOCAL 0
#endif
#define GEMM_TILED LOCAL  // TM, TN, VW, KT, LX, LY, STRN: gemm_tile.cl (and its defaults)
#include "gemm_tile.cl"

#if !LOCAL

// Direct variant: every work-item streams its TM rows of A and TN columns of B from global memory.
__kernel void gemm(const int M, const int N, const int K, __global const float* restrict A,
                   __global const float* restrict B, __global float* restrict C) {
  const int row0 = (int)get_global_id(1) * TM;
  const int col0 = (int)get_global_id(0) * TN;
  // No barriers in this variant, so items wholly outside C may leave at once.
  if (row0 >= M || col0 >= N) return;

  // Rows past M read the last row instead: the k loop stays branch-free and in bounds, and
  // those results are never stored. Columns past N likewise read column N-1 (edge items only).
  int a_offset[TM];
#pragma unroll
  for (int i = 0; i < TM; ++i) a_offset[i] = min(row0 + i, M - 1) * K;
  const bool full_n = col0 + TN <= N;
  const int last_j = N - 1 - col0;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i) {
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
  }

  for (int k = 0; k < K; ++k) {
    __global const float* brow = B + k * N + col0;
    float a[TM];
    float b[TN];
#pragma unroll
    for (int i = 0; i < TM; ++i) a[i] = A[a_offset[i] + k];
    if (full_n) {
#pragma unroll
      for (int j = 0; j < TN; j += VW) LOAD_VEC(b + j, brow + j);
    } else {
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = brow[min(j, last_j)];
    }
    OuterProduct(acc, a, b);
  }
  StoreBlock(C, M, N, row0, col0, acc);
}

#else  // LOCAL

// Tiled variant: gemm_tile.cl's core, its block stored as it is.
__kernel __attribute__((reqd_work_group_size(LX, LY, 1))) void gemm(const int M, const int N, const int K,
                                                                    __global const float* restrict A,
                                                                    __global const float* restrict B,
                                                                    __global float* restrict C) {
  GEMM_TILE_LOCALS;
  float acc[TM][TN];
  GemmTileAccumulate(M, N, K, A, B, As, Bs, 0, acc);
  GemmTileStore(C, M, N, acc);
}

#endif  // LOCAL
