// A kernel in MACE's calling convention (mace/ops/opencl/cl/*.cl): the global-size dims come first
// as arguments, an out-of-range guard returns items the rounded-up global size adds, and NHWC
// tensors live in image2d (width W * ceil(C/4), height N * H, texel x = channel block * W + w).
// out = max(in + bias, 0) per channel. Only the local size is tuned, as MACE's own tuner does.

#define GLOBAL_WORK_GROUP_SIZE_DIM3 \
  __private const int global_size_dim0, __private const int global_size_dim1, __private const int global_size_dim2,

__constant sampler_t SAMPLER = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP | CLK_FILTER_NEAREST;

__kernel void bias_relu(GLOBAL_WORK_GROUP_SIZE_DIM3
                        __read_only image2d_t input,
#ifdef FP16
                        __global const half* bias,
#else
                        __global const float* bias,
#endif
                        __private const int width,
                        __write_only image2d_t output) {
  const int ch_blk = get_global_id(0);
  const int w = get_global_id(1);
  const int hb = get_global_id(2);
  if (ch_blk >= global_size_dim0 || w >= global_size_dim1 || hb >= global_size_dim2) return;
  const int pos = mad24(ch_blk, width, w);
#ifdef FP16
  const float4 b = vload_half4(ch_blk, bias);
#else
  const float4 b = vload4(ch_blk, bias);
#endif
  const float4 in = read_imagef(input, SAMPLER, (int2)(pos, hb));
  write_imagef(output, (int2)(pos, hb), fmax(in + b, (float4)(0.0f)));
}
