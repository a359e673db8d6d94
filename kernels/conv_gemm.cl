// conv_gemm.cl: what the GEMM variants (GEMM=1) of conv2d_1x1.cl and conv2d_3x3.cl add to
// gemm_tile.cl's core: bias and activation applied to the accumulators before the store. Included
// after mt_tensor.cl and gemm_tile.cl; fp32 buffers only.

#if IMG || FP16
#error "GEMM=1 reads and writes fp32 buffers"
#endif

// mt_activate on one value (the GEMM variants hold single outputs).
inline float mt_activate1(float x) { return mt_activate((float4)(x)).s0; }

// acc = act(acc + bias[column]) for the item's TM x TN outputs; columns past `cols` get no bias
// (they are not stored). Without BIAS there is no bias argument: CONV_GEMM_EPILOGUE names it.
#if BIAS
void ConvGemmEpilogue(float acc[TM][TN], const int cols, __global const float* restrict bias) {
#else
void ConvGemmEpilogue(float acc[TM][TN], const int cols) {
#endif
#pragma unroll
  for (int j = 0; j < TN; ++j) {
#if BIAS
    const int col = GemmItemColumn(j);
    const float b = col < cols ? bias[col] : 0.0f;
#else
    const float b = 0.0f;
#endif
#pragma unroll
    for (int i = 0; i < TM; ++i) acc[i][j] = mt_activate1(acc[i][j] + b);
  }
}
#if BIAS
#define CONV_GEMM_EPILOGUE(acc, cols) ConvGemmEpilogue((acc), (cols), bias)
#else
#define CONV_GEMM_EPILOGUE(acc, cols) ConvGemmEpilogue((acc), (cols))
#endif
