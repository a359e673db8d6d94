// NHWC4 padding, fp16 conversion and device storage (buffers, image2d) for the NHWC kernels.
#include "tensor_io.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "cl/cl_core.h"

namespace mace_tune {
namespace {

size_t Padded(const std::array<int64_t, 4>& s) {
  return static_cast<size_t>(s[0] * s[1] * s[2] * C4(s[3]) * 4);
}

// NHWC4 buffer order <-> image order (row y = n*H + h, texel x = c4*W + w), 4 lanes per element.
std::vector<float> ToImageOrder(const std::vector<float>& nhwc4, const std::array<int64_t, 4>& s, bool back) {
  const int64_t rows = s[0] * s[1], w_size = s[2], c4 = C4(s[3]);
  std::vector<float> out(nhwc4.size());
  for (int64_t y = 0; y < rows; ++y) {
    for (int64_t w = 0; w < w_size; ++w) {
      for (int64_t c = 0; c < c4; ++c) {
        const size_t buffer_at = static_cast<size_t>(((y * w_size + w) * c4 + c) * 4);
        const size_t image_at = static_cast<size_t>((y * c4 * w_size + c * w_size + w) * 4);
        for (int lane = 0; lane < 4; ++lane) {
          if (back) {
            out[buffer_at + lane] = nhwc4[image_at + lane];
          } else {
            out[image_at + lane] = nhwc4[buffer_at + lane];
          }
        }
      }
    }
  }
  return out;
}

std::vector<uint16_t> ToHalf(const std::vector<float>& values) {
  std::vector<uint16_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = FloatToHalf(values[i]);
  return out;
}

std::vector<float> Layout(const std::vector<float>& values, const std::array<int64_t, 4>* shape, bool image) {
  if (shape == nullptr) return values;
  std::vector<float> padded = PadNhwc4(values, *shape);
  return image ? ToImageOrder(padded, *shape, false) : padded;
}

std::array<size_t, 3> ImageRegion(const std::array<int64_t, 4>& s) {
  return {static_cast<size_t>(s[2] * C4(s[3])), static_cast<size_t>(s[0] * s[1]), 1};
}

}  // namespace

uint16_t FloatToHalf(float value) {
  uint32_t f;
  std::memcpy(&f, &value, sizeof f);
  const uint32_t sign = (f >> 16) & 0x8000u;
  const uint32_t abs = f & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
  if (abs < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    const float magnitude = std::fabs(value) * 16777216.0f;  // in units of 2^-24
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(magnitude)));
  }
  // Normal: rebias the exponent, round the 13 dropped mantissa bits to nearest even.
  const uint32_t rebased = abs - 0x38000000u;
  const uint32_t rounded = rebased + 0x0fffu + ((rebased >> 13) & 1u);
  return static_cast<uint16_t>(sign | (rounded >> 13));
}

float HalfToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? INFINITY : NAN;
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  uint32_t f;
  std::memcpy(&f, &magnitude, sizeof f);
  f |= sign;
  float out;
  std::memcpy(&out, &f, sizeof out);
  return out;
}

void RoundToHalf(std::vector<float>* values) {
  for (float& v : *values) v = HalfToFloat(FloatToHalf(v));
}

std::vector<float> PadNhwc4(const std::vector<float>& nhwc, const std::array<int64_t, 4>& s) {
  const int64_t pixels = s[0] * s[1] * s[2], c = s[3], c4 = C4(c);
  if (nhwc.size() != static_cast<size_t>(pixels * c)) throw std::invalid_argument("PadNhwc4: size mismatch");
  std::vector<float> out(Padded(s), 0.0f);
  for (int64_t p = 0; p < pixels; ++p) {
    std::memcpy(&out[static_cast<size_t>(p * c4 * 4)], &nhwc[static_cast<size_t>(p * c)], sizeof(float) * c);
  }
  return out;
}

std::vector<float> UnpadNhwc4(const std::vector<float>& nhwc4, const std::array<int64_t, 4>& s) {
  const int64_t pixels = s[0] * s[1] * s[2], c = s[3], c4 = C4(c);
  if (nhwc4.size() != Padded(s)) throw std::invalid_argument("UnpadNhwc4: size mismatch");
  std::vector<float> out(static_cast<size_t>(pixels * c));
  for (int64_t p = 0; p < pixels; ++p) {
    std::memcpy(&out[static_cast<size_t>(p * c)], &nhwc4[static_cast<size_t>(p * c4 * 4)], sizeof(float) * c);
  }
  return out;
}

Buffer CreateStorage(cl_context context, cl_command_queue queue, const std::vector<float>& values,
                     const std::array<int64_t, 4>* shape, bool half, bool image) {
  const size_t elements = shape != nullptr ? Padded(*shape) : values.size();
  cl_mem mem = nullptr;
  if (image) {
    if (shape == nullptr) throw std::invalid_argument("CreateStorage: only tensors go into images");
    const auto region = ImageRegion(*shape);
    const cl_image_format format = {CL_RGBA, static_cast<cl_channel_type>(half ? CL_HALF_FLOAT : CL_FLOAT)};
    cl_image_desc desc{};
    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = region[0];
    desc.image_height = region[1];
    cl_int err = CL_SUCCESS;
    mem = clCreateImage(context, CL_MEM_READ_WRITE, &format, &desc, nullptr, &err);
    MT_CL_CHECK(err);
  } else {
    cl_int err = CL_SUCCESS;
    mem = clCreateBuffer(context, CL_MEM_READ_WRITE, std::max<size_t>(elements, 1) * (half ? 2 : 4), nullptr, &err);
    MT_CL_CHECK(err);
  }
  Buffer out(mem);
  WriteStorage(queue, out.get(), values, shape, half, image);
  return out;
}

void WriteStorage(cl_command_queue queue, cl_mem mem, const std::vector<float>& values,
                  const std::array<int64_t, 4>* shape, bool half, bool image) {
  const std::vector<float> laid = Layout(values, shape, image);
  if (laid.empty()) return;
  std::vector<uint16_t> halves;
  const void* data = laid.data();
  if (half) {
    halves = ToHalf(laid);
    data = halves.data();
  }
  if (image) {
    const size_t origin[3] = {0, 0, 0};
    const auto region = ImageRegion(*shape);
    MT_CL_CHECK(clEnqueueWriteImage(queue, mem, CL_TRUE, origin, region.data(), 0, 0, data, 0, nullptr, nullptr));
  } else {
    MT_CL_CHECK(clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, laid.size() * (half ? 2 : 4), data, 0, nullptr, nullptr));
  }
}

std::vector<float> ReadStorage(cl_command_queue queue, cl_mem mem, size_t elements,
                               const std::array<int64_t, 4>* shape, bool half, bool image) {
  const size_t stored = shape != nullptr ? Padded(*shape) : elements;
  std::vector<float> laid(stored);
  std::vector<uint16_t> halves(half ? stored : 0);
  void* data = half ? static_cast<void*>(halves.data()) : static_cast<void*>(laid.data());
  if (stored != 0) {
    if (image) {
      const size_t origin[3] = {0, 0, 0};
      const auto region = ImageRegion(*shape);
      MT_CL_CHECK(clEnqueueReadImage(queue, mem, CL_TRUE, origin, region.data(), 0, 0, data, 0, nullptr, nullptr));
    } else {
      MT_CL_CHECK(clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, stored * (half ? 2 : 4), data, 0, nullptr, nullptr));
    }
  }
  if (half) {
    for (size_t i = 0; i < stored; ++i) laid[i] = HalfToFloat(halves[i]);
  }
  if (shape == nullptr) return laid;
  return UnpadNhwc4(image ? ToImageOrder(laid, *shape, true) : laid, *shape);
}

}  // namespace mace_tune
