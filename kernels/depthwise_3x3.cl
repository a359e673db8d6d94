// depthwise_3x3: depthwise 3x3 convolution, padding 1, channel multiplier 1, over NHWC tensors
// (storage: mt_tensor.cl).
//   out[n][oh][ow][c] = act(bias[c] + sum_{kh,kw < 3} in[n][oh*STRIDE-1+kh][ow*STRIDE-1+kw][c] * w[kh*3+kw][c])
// with input cells outside [0,H) x [0,W) read as 0; OH = (H-1)/STRIDE + 1, OW = (W-1)/STRIDE + 1.
// Weights: [9][C4*4] (tap-major, so one float4 of four channels per tap); bias: [C4*4] (BIAS=1).
// Work-items: x = channel group c4 < C4, y = block of PW output pixels of a row, z = n*OHB + ohb,
// a block of PH output rows (OHB = ceil(OH/PH)).
// PW > 1 keeps the (PW-1)*STRIDE+3 input columns of a row in registers, shared by the PW outputs.
// PH > 1 walks down PH output rows: each of the (PH-1)*STRIDE+3 input rows is read once and serves
// every output row whose window holds it (3 rows per output row read as 1 + 2/PH at stride 1).
// LOCAL=1 stages the work-group's input tile (3 rows per output row, LY*PW outputs wide, LX
// channel groups) in local memory first; the work-group size must then be exactly LX x LY x LZ.
// Channels are independent (multiplier 1), so there is no output-channel blocking (PK): a
// float4 of four channels per item is already the whole reuse across channels.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif
#ifndef STRIDE
#define STRIDE 1
#endif
#ifndef PH
#define PH 1
#endif
#ifndef LOCAL
#define LOCAL 0
#endif

// Input columns the PW outputs of one item read (one row), and input rows its PH output rows read.
#define IN_COLS ((PW - 1) * STRIDE + 3)
#define IN_ROWS ((PH - 1) * STRIDE + 3)

#if BIAS
#define BIAS_ARG , ARRAY_IN bias
#else
#define BIAS_ARG
#endif

// row[i] += the three taps of kernel row kh (weights w) for output i, from input columns `col`.
#define DW_TAPS(row, col, kh)                                                              \
  _Pragma("unroll") for (int i = 0; i < PW; ++i) {                                         \
    row[i] += col[i * STRIDE] * w[(kh) * 3] + col[i * STRIDE + 1] * w[(kh) * 3 + 1] +      \
              col[i * STRIDE + 2] * w[(kh) * 3 + 2];                                       \
  }

// Reads input row `ir` of the item's window (its IN_COLS columns, through col_at) once and adds it
// to every output row r whose kernel row kh = ir - r*STRIDE is one of the three.
#define DW_INPUT_ROW(col_at, ir)                                    \
  do {                                                              \
    float4 col[IN_COLS];                                            \
    _Pragma("unroll") for (int j = 0; j < IN_COLS; ++j) {           \
      col[j] = col_at(j);                                           \
    }                                                               \
    _Pragma("unroll") for (int r = 0; r < PH; ++r) {                \
      const int kh = (ir) - r * STRIDE;                             \
      if (kh >= 0 && kh < 3) {                                      \
        DW_TAPS(acc[r], col, kh)                                    \
      }                                                             \
    }                                                               \
  } while (0)

#if LOCAL
// The tile: for each of the LZ output rows of the group its 3 input rows (rows are not shared
// between z items: a group's rows may belong to different images n), TW columns, LX groups.
#define TW ((LY * PW - 1) * STRIDE + 3)
#define GROUP_ATTR __attribute__((reqd_work_group_size(LX, LY, LZ)))
#else
#define GROUP_ATTR
#endif
__kernel GROUP_ATTR void depthwise_3x3(const int N, const int H, const int W, const int C4, const int OH, const int OW,
                            TENSOR_IN in, ARRAY_IN weights BIAS_ARG, TENSOR_OUT out) {
  const int OHB = (OH + PH - 1) / PH;
  const int c4 = get_global_id(0);
  const int ow0 = get_global_id(1) * PW;
  const int nohb = get_global_id(2);
  const bool active = c4 < C4 && ow0 < OW && nohb < N * OHB;
#if LOCAL
  // (the tile holds one output row per item: PH == 1 here, so OHB == OH)
  __local float4 tile[LZ][3][TW][LX];
  {
    const int lx = get_local_id(0), ly = get_local_id(1), lz = get_local_id(2);
    const int c4_base = get_group_id(0) * LX;
    const int iw_base = get_group_id(1) * (LY * PW) * STRIDE - 1;
    const int noh_base = get_group_id(2) * LZ;
    // Every item stores its share of the tile (zeros outside the input or past C4 / N*OH), so
    // the whole tile is written before the barrier.
    for (int e = (lz * LY + ly) * LX + lx; e < LZ * 3 * TW * LX; e += LX * LY * LZ) {
      const int x = e % LX;
      const int t = e / LX;
      const int col = t % TW;
      const int r = (t / TW) % 3;
      const int z = t / (TW * 3);
      const int cc = c4_base + x, row = noh_base + z;
      float4 v = (float4)(0.0f);
      if (cc < C4 && row < N * OH) {
        const int n = row / OH;
        const int ih = (row - n * OH) * STRIDE - 1 + r;
        const int iw = iw_base + col;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) v = READ_T4(in, n, ih, iw, cc, H, W, C4);
      }
      tile[z][r][col][x] = v;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
#endif
  if (!active) return;
  const int n = nohb / OHB, oh0 = (nohb - n * OHB) * PH;
#if BIAS
  const float4 b = LOAD4(bias, c4);
#else
  const float4 b = (float4)(0.0f);
#endif
  float4 w[9];
#pragma unroll
  for (int t = 0; t < 9; ++t) w[t] = LOAD4(weights, t * C4 + c4);
  float4 acc[PH][PW];
#pragma unroll
  for (int r = 0; r < PH; ++r) {
#pragma unroll
    for (int i = 0; i < PW; ++i) acc[r][i] = b;
  }

#if LOCAL
  const int lx = get_local_id(0), lz = get_local_id(2);
  const int tcol0 = get_local_id(1) * PW * STRIDE;
#define TILE_AT(j) tile[lz][ir][tcol0 + (j)][lx]
#pragma unroll
  for (int ir = 0; ir < 3; ++ir) DW_INPUT_ROW(TILE_AT, ir);
#else
  const int ih0 = oh0 * STRIDE - 1;
  const int iw0 = ow0 * STRIDE - 1;
  // Interior rows and columns skip the bounds checks of the padding ring.
  const bool inner_w = iw0 >= 0 && iw0 + IN_COLS <= W;
#define COL_AT(j) (inner_w || (iw0 + (j) >= 0 && iw0 + (j) < W) ? READ_T4(in, n, ih, iw0 + (j), c4, H, W, C4) \
                                                               : (float4)(0.0f))
#pragma unroll
  for (int ir = 0; ir < IN_ROWS; ++ir) {
    const int ih = ih0 + ir;
    if (ih < 0 || ih >= H) continue;
    DW_INPUT_ROW(COL_AT, ir);
  }
#endif

#pragma unroll
  for (int r = 0; r < PH; ++r) {
#pragma unroll
    for (int i = 0; i < PW; ++i) {
      if (oh0 + r < OH && ow0 + i < OW) WRITE_T4(out, n, oh0 + r, ow0 + i, c4, OH, OW, C4, mt_activate(acc[r][i]));
    }
  }
}
