// Test kernel with a bug on purpose: out = a * in over n floats; VEC = 4 moves four per work-item
// and forgets the n % 4 tail, so it gives wrong results whenever n is not a multiple of 4.
__kernel void scale(const int n, const float a, __global const float* in, __global float* out) {
  const int i = get_global_id(0) * VEC;
#if VEC == 1
  if (i < n) out[i] = a * in[i];
#else
  if (i + 3 < n) vstore4(a * vload4(0, in + i), 0, out + i);
#endif
}
