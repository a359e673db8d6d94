// softmax over the channels of each pixel: out[n,h,w,c] = exp(x_c - max) / sum_c' exp(x_c' - max)
// (storage: mt_tensor.cl). Pad lanes of the last channel group (channels >= C) enter neither the
// max nor the sum and are written 0.
//   LOCAL=0: one work-item per pixel: x = w, y = n*H + h.
//   LOCAL=1: LX items per pixel split the channel groups (item l takes c4 = l, l+LX, ...: adjacent
//            items read adjacent groups); max and sum are reduced in local memory by a tree over
//            LX (a power of two). x = LX items, y = w, z = n*H + h; LX, LY, LZ compiled in.
// Vector width is the float4 of a channel group (NHWC4); the input is read three times (max, sum,
// output) rather than held, so any C fits.
#include "mt_tensor.cl"

#ifndef LOCAL
#define LOCAL 0
#endif

// x with the lanes of channels >= C replaced by `fill`.
inline float4 sm_mask(float4 x, int c4, int C, float fill) {
  const int4 lane = (int4)(4 * c4) + (int4)(0, 1, 2, 3);
  return select((float4)(fill), x, lane < (int4)(C));
}

inline float sm_max4(float4 v) { return fmax(fmax(v.x, v.y), fmax(v.z, v.w)); }
inline float sm_sum4(float4 v) { return (v.x + v.y) + (v.z + v.w); }

#if LOCAL
// Tree reduction of red[0..LX) (one pixel's slots) into red[0]; returns red[0] to every item.
// `op` 0: max, 1: sum. Ends with a barrier so red may be written again afterwards.
inline float sm_reduce(__local float* red, int l, float v, int op) {
  red[l] = v;
  for (int s = LX / 2; s > 0; s >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (l < s) red[l] = op == 0 ? fmax(red[l], red[l + s]) : red[l] + red[l + s];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  const float r = red[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

__kernel __attribute__((reqd_work_group_size(LX, LY, LZ)))
void softmax(const int N, const int H, const int W, const int C, TENSOR_IN in, TENSOR_OUT out) {
  const int l = get_local_id(0);
  const int w = get_global_id(1), nh = get_global_id(2);
  const int C4 = (C + 3) / 4;
  // Items of pixels past the end still reach every barrier.
  const bool valid = w < W && nh < N * H;
  const int n = valid ? nh / H : 0, h = valid ? nh - n * H : 0;
  __local float red_all[LZ][LY][LX];
  __local float* red = red_all[get_local_id(2)][get_local_id(1)];
  float m = -INFINITY;
  if (valid) {
    for (int c4 = l; c4 < C4; c4 += LX) m = fmax(m, sm_max4(sm_mask(READ_T4(in, n, h, w, c4, H, W, C4), c4, C, -INFINITY)));
  }
  m = sm_reduce(red, l, m, 0);
  float sum = 0.0f;
  if (valid) {
    for (int c4 = l; c4 < C4; c4 += LX) {
      sum += sm_sum4(sm_mask(exp(READ_T4(in, n, h, w, c4, H, W, C4) - m), c4, C, 0.0f));
    }
  }
  sum = sm_reduce(red, l, sum, 1);
  if (!valid) return;
  const float inv = 1.0f / sum;
  for (int c4 = l; c4 < C4; c4 += LX) {
    const float4 e = exp(READ_T4(in, n, h, w, c4, H, W, C4) - m) * inv;
    WRITE_T4(out, n, h, w, c4, H, W, C4, sm_mask(e, c4, C, 0.0f));
  }
}
#else
__kernel void softmax(const int N, const int H, const int W, const int C, TENSOR_IN in, TENSOR_OUT out) {
  const int w = get_global_id(0), nh = get_global_id(1);
  if (w >= W || nh >= N * H) return;
  const int n = nh / H, h = nh - n * H;
  const int C4 = (C + 3) / 4;
  float m = -INFINITY;
  for (int c4 = 0; c4 < C4; ++c4) m = fmax(m, sm_max4(sm_mask(READ_T4(in, n, h, w, c4, H, W, C4), c4, C, -INFINITY)));
  float sum = 0.0f;
  for (int c4 = 0; c4 < C4; ++c4) sum += sm_sum4(sm_mask(exp(READ_T4(in, n, h, w, c4, H, W, C4) - m), c4, C, 0.0f));
  const float inv = 1.0f / sum;
  for (int c4 = 0; c4 < C4; ++c4) {
    const float4 e = exp(READ_T4(in, n, h, w, c4, H, W, C4) - m) * inv;
    WRITE_T4(out, n, h, w, c4, H, W, C4, sm_mask(e, c4, C, 0.0f));
  }
}
#endif
