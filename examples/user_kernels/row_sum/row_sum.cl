// Row sums of an R x C row-major matrix, out[r] = sum_c in[r][c]: one work-group of LX items per
// row; each item adds every LX-th element (UNROLL of them per loop trip), then a tree reduction in
// local memory (LX floats) leaves the row's sum in item 0.
// Tunable (-D): LX (a power of two, also the local size), UNROLL.

__kernel void row_sum(const int rows, const int cols, __global const float* in, __global float* out) {
  __local float partial[LX];
  const int lid = get_local_id(0), r = get_group_id(1);
  float acc = 0.0f;
  if (r < rows) {
    const __global float* row = in + (size_t)r * cols;
    int c = lid;
    for (; c + (UNROLL - 1) * LX < cols; c += UNROLL * LX) {
#pragma unroll
      for (int u = 0; u < UNROLL; ++u) acc += row[c + u * LX];
    }
    for (; c < cols; c += LX) acc += row[c];
  }
  partial[lid] = acc;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int step = LX / 2; step > 0; step /= 2) {
    if (lid < step) partial[lid] += partial[lid + step];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0 && r < rows) out[r] = partial[0];
}
