// A tiled matrix transpose, out[c][r] = in[r][c] for an R x C row-major matrix: each work-group
// stages a TILE x TILE block in local memory, so both the reads and the writes are coalesced.
// A work-group is TILE x BLOCK_ROWS items; each item moves TILE / BLOCK_ROWS elements. PAD = 1
// pads the tile's rows by one float against local-memory bank conflicts.
// Tunable (-D): TILE, BLOCK_ROWS, PAD. transpose_naive is the reference (one item per element).

#define STRIDE (TILE + PAD)

__kernel void transpose(const int rows, const int cols, __global const float* in, __global float* out) {
  __local float tile[TILE * STRIDE];
  const int tx = get_local_id(0), ty = get_local_id(1);
  const int col0 = get_group_id(0) * TILE, row0 = get_group_id(1) * TILE;
  for (int y = ty; y < TILE; y += BLOCK_ROWS) {
    const int r = row0 + y, c = col0 + tx;
    if (r < rows && c < cols) tile[y * STRIDE + tx] = in[r * cols + c];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int y = ty; y < TILE; y += BLOCK_ROWS) {
    const int c = col0 + y, r = row0 + tx;  // out is C x R: row c, column r
    if (r < rows && c < cols) out[c * rows + r] = tile[tx * STRIDE + y];
  }
}

__kernel void transpose_naive(const int rows, const int cols, __global const float* in, __global float* out) {
  const int c = get_global_id(0), r = get_global_id(1);
  if (r < rows && c < cols) out[c * rows + r] = in[r * cols + c];
}
