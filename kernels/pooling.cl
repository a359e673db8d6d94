// pooling: max (POOL_MODE 0) or average (POOL_MODE 1) over square KSIZE x KSIZE windows, stride
// STRIDE, symmetric padding PAD, over NHWC tensors (storage: mt_tensor.cl).
//   out[n][oh][ow][c] = reduce over the window cells (oh*STRIDE-PAD+kh, ow*STRIDE-PAD+kw) that lie
//   inside [0,H) x [0,W) of in[n][.][.][c]
// Average divides by the number of those cells (TF "SAME" / MACE); max ignores the padding.
// The launch rules guarantee PAD < KSIZE, so every window holds at least one input cell.
// OH = (H + 2*PAD - KSIZE)/STRIDE + 1, OW likewise.
//
// SPLIT=0: work-items x = channel group c4 < C4, y = block of PW output pixels of a row,
//   z = n*OHB + ohb, a block of PH output rows (OHB = ceil(OH/PH)); one item reduces its PH x PW
//   windows. The (PW-1)*STRIDE+KSIZE input columns of each of the (PH-1)*STRIDE+KSIZE input rows
//   are each read once and fed to every window of the item that covers them.
// SPLIT=1 (large windows over few outputs, e.g. global average pooling): the LY items of a
//   work-group along y share one output pixel (y group index = ow), each reducing every LY-th
//   window cell, then a tree reduction through local memory; work-group exactly LX x LY x LZ.
// No local-memory tiling of the input for SPLIT=0: windows overlap at most KSIZE/STRIDE times
// (3x3 stride 2: 1.5x per axis), shared in registers along W (PW) and H (PH) or left to the cache,
// so a staged tile would only add a barrier.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif
#ifndef KSIZE
#define KSIZE 2
#endif
#ifndef STRIDE
#define STRIDE 2
#endif
#ifndef PAD
#define PAD 0
#endif
#ifndef POOL_MODE
#define POOL_MODE 0
#endif
#ifndef SPLIT
#define SPLIT 0
#endif
#ifndef PH
#define PH 1
#endif

#if POOL_MODE == 0
#define POOL_INIT ((float4)(-INFINITY))
#define POOL_ADD(a, v) fmax((a), (v))
#else
#define POOL_INIT ((float4)(0.0f))
#define POOL_ADD(a, v) ((a) + (v))
#endif

// The window cells inside the input along one axis: [lo, hi) of kernel offsets for a window
// starting at `start` in an axis of `extent` cells.
#define WIN_LO(start) max(0, -(start))
#define WIN_HI(start, extent) min(KSIZE, (extent) - (start))

inline float4 pool_finish(float4 acc, int cells) {
#if POOL_MODE == 1
  return acc / (float)cells;
#else
  return acc;
#endif
}

#if SPLIT
#define GROUP_ATTR __attribute__((reqd_work_group_size(LX, LY, LZ)))
#else
#define GROUP_ATTR
#endif

__kernel GROUP_ATTR void pooling(const int N, const int H, const int W, const int C4, const int OH,
                                 const int OW, TENSOR_IN in, TENSOR_OUT out) {
  const int c4 = get_global_id(0);
  const int noh = get_global_id(2);
#if SPLIT
  const int ow = get_group_id(1);
  const int lx = get_local_id(0), ly = get_local_id(1), lz = get_local_id(2);
  const bool active = c4 < C4 && ow < OW && noh < N * OH;
  float4 acc = POOL_INIT;
  int n = 0, ih0 = 0, iw0 = 0;
  if (active) {
    n = noh / OH;
    ih0 = (noh - n * OH) * STRIDE - PAD;
    iw0 = ow * STRIDE - PAD;
    // A fixed trip count (LY is compile-time), unrolled: the item's loads are all in flight at once.
#pragma unroll
    for (int k = 0; k < (KSIZE * KSIZE + LY - 1) / LY; ++k) {
      const int cell = ly + k * LY;
      const int ih = ih0 + cell / KSIZE, iw = iw0 + cell % KSIZE;
      if (cell < KSIZE * KSIZE && ih >= 0 && ih < H && iw >= 0 && iw < W) {
        acc = POOL_ADD(acc, READ_T4(in, n, ih, iw, c4, H, W, C4));
      }
    }
  }
  // Tree reduction over ly; every item (active or not) reaches every barrier.
  __local float4 partial[LZ][LY][LX];
  partial[lz][ly][lx] = acc;
  for (int half_ly = LY / 2; half_ly > 0; half_ly >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (ly < half_ly) {
      acc = POOL_ADD(acc, partial[lz][ly + half_ly][lx]);
      partial[lz][ly][lx] = acc;
    }
  }
  if (!active || ly != 0) return;
  const int cells = (WIN_HI(ih0, H) - WIN_LO(ih0)) * (WIN_HI(iw0, W) - WIN_LO(iw0));
  WRITE_T4(out, n, noh - n * OH, ow, c4, OH, OW, C4, pool_finish(acc, cells));
#else
  const int OHB = (OH + PH - 1) / PH;
  const int ow0 = get_global_id(1) * PW;
  if (c4 >= C4 || ow0 >= OW || noh >= N * OHB) return;
  const int n = noh / OHB;
  const int oh0 = (noh - n * OHB) * PH;
  const int ih0 = oh0 * STRIDE - PAD;
  const int iw0 = ow0 * STRIDE - PAD;
  float4 acc[PH][PW];
#pragma unroll
  for (int r = 0; r < PH; ++r) {
#pragma unroll
    for (int i = 0; i < PW; ++i) acc[r][i] = POOL_INIT;
  }
  // Windows up to 8 x 8 unroll completely (every load of the item independent and in flight);
  // larger ones keep a loop over the input rows.
#if KSIZE <= 8
#pragma unroll
#endif
  for (int ir = 0; ir < (PH - 1) * STRIDE + KSIZE; ++ir) {
    const int ih = ih0 + ir;
    if (ih < 0 || ih >= H) continue;
#pragma unroll
    for (int j = 0; j < (PW - 1) * STRIDE + KSIZE; ++j) {
      const int iw = iw0 + j;
      if (iw >= 0 && iw < W) {
        const float4 v = READ_T4(in, n, ih, iw, c4, H, W, C4);
        // Output (r, i)'s window covers rows r*STRIDE .. r*STRIDE+KSIZE-1 and columns i*STRIDE ..
        // i*STRIDE+KSIZE-1 of the item's (constant once unrolled).
#pragma unroll
        for (int r = 0; r < PH; ++r) {
          if (ir < r * STRIDE || ir >= r * STRIDE + KSIZE) continue;
#pragma unroll
          for (int i = 0; i < PW; ++i) {
            if (j >= i * STRIDE && j < i * STRIDE + KSIZE) acc[r][i] = POOL_ADD(acc[r][i], v);
          }
        }
      }
    }
  }
#pragma unroll
  for (int r = 0; r < PH; ++r) {
    const int oh = oh0 + r, hs = ih0 + r * STRIDE;
    const int rows = WIN_HI(hs, H) - WIN_LO(hs);
#pragma unroll
    for (int i = 0; i < PW; ++i) {
      const int ow = ow0 + i;
      if (oh < OH && ow < OW) {
        const int ws = iw0 + i * STRIDE;
        WRITE_T4(out, n, oh, ow, c4, OH, OW, C4, pool_finish(acc[r][i], rows * (WIN_HI(ws, W) - WIN_LO(ws))));
      }
    }
  }
#endif
}
