// The reference of scale.toml, in its own file.
__kernel void scale_ref(const int n, const float a, __global const float* in, __global float* out) {
  const int i = get_global_id(0);
  if (i < n) out[i] = a * in[i];
}
