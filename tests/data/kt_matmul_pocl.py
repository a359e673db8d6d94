# SPDX-License-Identifier: Apache-2.0
"""Produces tests/data/kt_matmul_pocl.json (docs/search.md). Tiny Kernel Tuner run on PoCL via pyopencl: a naive tiled matmul, writes a cache JSON."""
import numpy as np
import kernel_tuner

kernel = """
__kernel void matmul(__global float* C, __global const float* A, __global const float* B, int n) {
  int x = get_global_id(0) * tile_x;
  int y = get_global_id(1) * tile_y;
  for (int ty = 0; ty < tile_y; ty++) {
    for (int tx = 0; tx < tile_x; tx++) {
      float s = 0.0f;
      for (int k = 0; k < n; k++) s += A[(y + ty) * n + k] * B[k * n + x + tx];
      C[(y + ty) * n + x + tx] = s;
    }
  }
}
"""
n = np.int32(256)
A = np.random.randn(n, n).astype(np.float32)
B = np.random.randn(n, n).astype(np.float32)
C = np.zeros_like(A)
tune_params = {
    "block_size_x": [1, 2, 4, 8, 16, 32, 64],
    "block_size_y": [1, 2, 4, 8, 16, 32],
    "tile_x": [1, 2, 4],
    "tile_y": [1, 2, 4],
}
restrict = ["block_size_x * block_size_y <= 256", "block_size_x * block_size_y >= 4"]
kernel_tuner.tune_kernel("matmul", kernel, (n, n), [C, A, B, n], tune_params, lang="OpenCL",
                         grid_div_x=["block_size_x", "tile_x"], grid_div_y=["block_size_y", "tile_y"],
                         restrictions=restrict, cache="kt_matmul_pocl.json", iterations=3, verbose=False)
