// resize_bilinear: [N,H,W,C] -> [N,OH,OW,C] (storage: mt_tensor.cl), align_corners=false and
// half_pixel_centers=false (TensorFlow's legacy mode, MACE's default): the source of output row oy
// is y = oy * scale_h with scale_h = H / OH (float, from the host), top row floor(y), bottom row
// min(top + 1, H - 1), weight y - top; columns alike. PW output pixels along OW per work-item.
// Work-items: x = channel group c4 < C4, y = block of PW output columns, z = n*OH + oy.
// Vector width is the float4 of a channel group (NHWC4). No local-memory variant: each output
// reads a 2x2 neighbourhood once, and the reuse between neighbouring outputs (at most 2x2 per
// source texel when upscaling) is what the L1 / texture cache already catches.
#include "mt_tensor.cl"

#ifndef PW
#define PW 1
#endif

__kernel void resize_bilinear(const int N, const int H, const int W, const int C4, const int OH,
                              const int OW, const float scale_h, const float scale_w, TENSOR_IN in,
                              TENSOR_OUT out) {
  const int c4 = get_global_id(0);
  const int ox0 = get_global_id(1) * PW;
  const int noy = get_global_id(2);
  if (c4 >= C4 || ox0 >= OW || noy >= N * OH) return;
  const int n = noy / OH, oy = noy - n * OH;
  const float in_y = (float)oy * scale_h;
  const int y0 = min((int)floor(in_y), H - 1);
  const int y1 = min(y0 + 1, H - 1);
  const float dy = in_y - (float)y0;
#pragma unroll
  for (int i = 0; i < PW; ++i) {
    const int ox = ox0 + i;
    if (ox < OW) {
      const float in_x = (float)ox * scale_w;
      const int x0 = min((int)floor(in_x), W - 1);
      const int x1 = min(x0 + 1, W - 1);
      const float dx = in_x - (float)x0;
      const float4 tl = READ_T4(in, n, y0, x0, c4, H, W, C4);
      const float4 tr = READ_T4(in, n, y0, x1, c4, H, W, C4);
      const float4 bl = READ_T4(in, n, y1, x0, c4, H, W, C4);
      const float4 br = READ_T4(in, n, y1, x1, c4, H, W, C4);
      const float4 top = tl + (tr - tl) * dx;
      const float4 bottom = bl + (br - bl) * dx;
      WRITE_T4(out, n, oy, ox, c4, OH, OW, C4, top + (bottom - top) * dy);
    }
  }
}
