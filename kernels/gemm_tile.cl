// gemm_tile.cl: the register-blocked GEMM, C[M][N] = A[M][K] * B[K][N] with row-major fp32
// buffers, shared by gemm.cl and the GEMM variant of conv2d_1x1.cl (which includes this file).
// Each work-item accumulates a TM x TN block of C in registers; B is read and C written VW floats
// at a time along N.
//
// The includer defines (-D or #define; the defaults below otherwise) TM, TN, VW (vector width
// along N, divides TN); for the tiled core (GEMM_TILED=1) also KT (k-slice depth), LX, LY (the
// work-group size, fixed at compile time), STRN (0: an item's TN columns are adjacent; 1: its TN/VW
// vectors lie LX*VW apart in the tile, so neighbouring items read neighbouring local-memory words,
// CLBlast's STRN) and optionally GEMM_A_ROW_TABLE or GEMM_A_AT (how A is read: below).
#ifndef TM
#define TM 4
#endif
#ifndef TN
#define TN 4
#endif
#ifndef VW
#define VW 4
#endif
#ifndef GEMM_TILED
#define GEMM_TILED 0
#endif
#if GEMM_TILED
#ifndef KT
#define KT 16
#endif
#ifndef LX
#define LX 8
#endif
#ifndef LY
#define LY 8
#endif
#endif
#ifndef GEMM_A_ROW_TABLE
#define GEMM_A_ROW_TABLE 0
#endif

#if TN % VW != 0
#error "VW must divide TN"
#endif

// VW floats between a private array and memory. A private array (not a vector accumulator) keeps
// the edge path's per-element indexing legal in OpenCL C 1.2; compilers keep both in registers.
#if VW == 1
typedef float floatv;
#define VLOAD(p) (*(p))
#define VSTORE(v, p) (*(p) = (v))
#define LOAD_VEC(dst, src) ((dst)[0] = *(src))
#define STORE_VEC(src, dst) (*(dst) = (src)[0])
#elif VW == 2
typedef float2 floatv;
#define VLOAD(p) vload2(0, (p))
#define VSTORE(v, p) vstore2((v), 0, (p))
#define LOAD_VEC(dst, src)              \
  do {                                  \
    const float2 v_ = vload2(0, (src)); \
    (dst)[0] = v_.s0;                   \
    (dst)[1] = v_.s1;                   \
  } while (0)
#define STORE_VEC(src, dst) vstore2((float2)((src)[0], (src)[1]), 0, (dst))
#elif VW == 4
typedef float4 floatv;
#define VLOAD(p) vload4(0, (p))
#define VSTORE(v, p) vstore4((v), 0, (p))
#define LOAD_VEC(dst, src)              \
  do {                                  \
    const float4 v_ = vload4(0, (src)); \
    (dst)[0] = v_.s0;                   \
    (dst)[1] = v_.s1;                   \
    (dst)[2] = v_.s2;                   \
    (dst)[3] = v_.s3;                   \
  } while (0)
#define STORE_VEC(src, dst) vstore4((float4)((src)[0], (src)[1], (src)[2], (src)[3]), 0, (dst))
#elif VW == 8
typedef float8 floatv;
#define VLOAD(p) vload8(0, (p))
#define VSTORE(v, p) vstore8((v), 0, (p))
#define LOAD_VEC(dst, src)              \
  do {                                  \
    const float8 v_ = vload8(0, (src)); \
    (dst)[0] = v_.s0;                   \
    (dst)[1] = v_.s1;                   \
    (dst)[2] = v_.s2;                   \
    (dst)[3] = v_.s3;                   \
    (dst)[4] = v_.s4;                   \
    (dst)[5] = v_.s5;                   \
    (dst)[6] = v_.s6;                   \
    (dst)[7] = v_.s7;                   \
  } while (0)
#define STORE_VEC(src, dst) \
  vstore8((float8)((src)[0], (src)[1], (src)[2], (src)[3], (src)[4], (src)[5], (src)[6], (src)[7]), 0, (dst))
#else
#error "VW must be 1, 2, 4 or 8"
#endif

// acc += a (x) b: the register-blocked outer product. Plain a * b + c rather than fma(): OpenCL C
// contracts it into a fused multiply-add where the hardware has one; fma() must be exact and is
// emulated, slowly, where it has not.
void OuterProduct(float acc[TM][TN], const float a[TM], const float b[TN]) {
#pragma unroll
  for (int i = 0; i < TM; ++i) {
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
  }
}

// Writes the TM x TN block at (row0, col0): vector stores when the block lies inside N, scalar
// stores that stop at N otherwise; rows past M are skipped.
void StoreBlock(__global float* C, const int M, const int N, const int row0, const int col0, float acc[TM][TN]) {
  const bool full_n = col0 + TN <= N;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    if (row0 + i >= M) break;
    __global float* crow = C + (row0 + i) * N + col0;
    if (full_n) {
#pragma unroll
      for (int j = 0; j < TN; j += VW) STORE_VEC(acc[i] + j, crow + j);
    } else {
#pragma unroll
      for (int j = 0; j < TN; ++j) {
        if (col0 + j < N) crow[j] = acc[i][j];
      }
    }
  }
}

#if GEMM_TILED

#define TILE_M (LY * TM)
#define TILE_N (LX * TN)
// The A tile is stored k-major with padding per k-row against bank conflicts of the transposing
// stores: one float, or four where TM is a multiple of four so an item's TM values stay 16-byte
// aligned and are read as float4 (one shared-memory wavefront serves the whole warp: the value is
// the same for every item of a row). Measured on the H200: scalar A reads made shared-memory
// bandwidth the bound (16 loads per 64 FMAs; docs/performance_notes.md, attempt 2).
#if TM % 4 == 0
#define A_STRIDE (TILE_M + 4)
#define A_VEC 1
#else
#define A_STRIDE (TILE_M + 1)
#define A_VEC 0
#endif
#define WG_SIZE (LX * LY)
#define A_TILE (TILE_M * KT)
#define B_TILE_VECS (KT * TILE_N / VW)
// The local arrays a tiled kernel declares and passes to GemmTileAccumulate (OpenCL C declares
// local memory in the kernel itself).
#define GEMM_TILE_LOCALS                                        \
  __local float As[KT * A_STRIDE] __attribute__((aligned(16))); \
  __local float Bs[KT * TILE_N]
#ifndef STRN
#define STRN 0
#endif
// Offset in the tile row of the item's column j (a multiple of VW), relative to its first column.
#if STRN
#define B_COL(j) ((j) / VW * LX * VW)
#else
#define B_COL(j) (j)
#endif
// Element (row, k) of A, for row < M and k < K (r: the row's place in the tile): A[row * K + k]
// for a plain matrix; with GEMM_A_ROW_TABLE, rows gathered from A[a_rows[r]] on (a strided 1x1
// convolution: the includer fills a_rows[TILE_M]); an includer may define GEMM_A_AT itself (an
// implicit im2col: conv2d_3x3.cl).
#ifndef GEMM_A_AT
#if GEMM_A_ROW_TABLE
#define GEMM_A_AT(r, row, k) A[a_rows[(r)] + (k)]
#else
#define GEMM_A_AT(r, row, k) A[(row) * K + (k)]
#endif
#endif
// Statements every item runs at the start of each k-slice, before the A tile is loaded: state for
// an includer's GEMM_A_AT (conv2d_3x3.cl: the slice's tap); none by default.
#ifndef GEMM_A_SLICE
#define GEMM_A_SLICE(k0)
#endif

// The column of C that the item's output j holds (its first column plus B_COL's offset).
int GemmItemColumn(const int j) {
  const int tile_col0 = (int)get_group_id(0) * TILE_N;
#if STRN
  return tile_col0 + (int)get_local_id(0) * VW + B_COL(j) + j % VW;
#else
  return tile_col0 + (int)get_local_id(0) * TN + j;
#endif
}

// acc = the item's TM x TN block of A * B. Per KT-slice of K the work-group loads a TILE_M x KT
// tile of A and a KT x TILE_N tile of B into local memory (zeros outside the matrices), then each
// item multiplies from there. Every item runs the same number of slices and reaches every barrier.
void GemmTileAccumulate(const int M, const int N, const int K, __global const float* restrict A,
                        __global const float* restrict B, __local float* As, __local float* Bs,
                        __local const int* a_rows, float acc[TM][TN]) {
  const int lx = (int)get_local_id(0);
  const int ly = (int)get_local_id(1);
  const int tid = ly * LX + lx;
  const int tile_row0 = (int)get_group_id(1) * TILE_M;
  const int tile_col0 = (int)get_group_id(0) * TILE_N;

#pragma unroll
  for (int i = 0; i < TM; ++i) {
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
  }

  for (int k0 = 0; k0 < K; k0 += KT) {
    GEMM_A_SLICE(k0);
    // A tile: consecutive items read consecutive k of one row (contiguous in global memory).
    for (int e = tid; e < A_TILE; e += WG_SIZE) {
      const int r = e / KT;
      const int c = e % KT;
      const int row = tile_row0 + r;
      const int k = k0 + c;
      As[c * A_STRIDE + r] = (row < M && k < K) ? GEMM_A_AT(r, row, k) : 0.0f;
    }
    // B tile, VW floats at a time: consecutive items read consecutive vectors of one row.
    for (int e = tid; e < B_TILE_VECS; e += WG_SIZE) {
      const int r = e / (TILE_N / VW);
      const int c = (e % (TILE_N / VW)) * VW;
      const int k = k0 + r;
      const int col = tile_col0 + c;
      __local float* dst = Bs + r * TILE_N + c;
      if (k < K && col + VW <= N) {
        VSTORE(VLOAD(B + k * N + col), dst);
      } else {
#pragma unroll
        for (int l = 0; l < VW; ++l) dst[l] = (k < K && col + l < N) ? B[k * N + col + l] : 0.0f;
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    __local const float* a_col = As + ly * TM;
#if STRN
    __local const float* b_row = Bs + lx * VW;
#else
    __local const float* b_row = Bs + lx * TN;
#endif
#pragma unroll 4
    for (int k = 0; k < KT; ++k) {
      float a[TM];
      float b[TN];
#if A_VEC
#pragma unroll
      for (int i = 0; i < TM; i += 4) {
        const float4 v = vload4(0, a_col + k * A_STRIDE + i);
        a[i] = v.s0;
        a[i + 1] = v.s1;
        a[i + 2] = v.s2;
        a[i + 3] = v.s3;
      }
#else
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = a_col[k * A_STRIDE + i];
#endif
#pragma unroll
      for (int j = 0; j < TN; j += VW) LOAD_VEC(b + j, b_row + k * TILE_N + B_COL(j));
      OuterProduct(acc, a, b);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
}

// Writes the item's block of C: rows past M and columns past N are skipped.
void GemmTileStore(__global float* restrict C, const int M, const int N, float acc[TM][TN]) {
  const int tile_row0 = (int)get_group_id(1) * TILE_M;
  const int tile_col0 = (int)get_group_id(0) * TILE_N;
  const int lx = (int)get_local_id(0);
  const int ly = (int)get_local_id(1);
#if STRN
  // Vector j/VW of the item's columns lies at tile column (j/VW * LX + lx) * VW.
  const int row0 = tile_row0 + ly * TM;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    if (row0 + i >= M) break;
    __global float* crow = C + (row0 + i) * N;
#pragma unroll
    for (int j = 0; j < TN; j += VW) {
      const int col = tile_col0 + lx * VW + B_COL(j);
      if (col + VW <= N) {
        STORE_VEC(acc[i] + j, crow + col);
      } else {
#pragma unroll
        for (int l = 0; l < VW; ++l) {
          if (col + l < N) crow[col + l] = acc[i][j + l];
        }
      }
    }
  }
#else
  StoreBlock(C, M, N, tile_row0 + ly * TM, tile_col0 + lx * TN, acc);
#endif
}

#endif  // GEMM_TILED
