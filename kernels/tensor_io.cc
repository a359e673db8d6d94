// SPDX-License-Identifier: Apache-2.0
// NHWC4 padding, fp16 conversion and device storage (buffers, image2d) for the NHWC kernels.
#include "kernels/tensor_io.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "runtime/cl/cl_core.h"

namespace mace_tune {
namespace {

size_t Padded(const std::array<int64_t, 4>& s) { return static_cast<size_t>(s[0] * s[1] * s[2] * C4(s[3]) * 4); }

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

template <typename T>
void Put(std::vector<uint8_t>* out, T v) {
  const size_t at = out->size();
  out->resize(at + sizeof(T));
  std::memcpy(out->data() + at, &v, sizeof(T));
}

template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// A host value as an integer of the element type: NaN (the poison) becomes all bits set.
template <typename T>
T ToInt(float v) {
  if (std::isnan(v)) return static_cast<T>(~T{0});
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  return static_cast<T>(std::min(std::max(static_cast<double>(v), lo), hi));
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
  if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);   // NaN
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
  if (abs < 0x38800000u) {                                   // below the smallest normal half: subnormal or zero
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

std::vector<uint8_t> EncodeElements(desc::ElemType type, const std::vector<float>& values) {
  std::vector<uint8_t> out;
  out.reserve(values.size() * desc::ElemSize(type));
  if (type == desc::ElemType::kHalf) {
    for (const float v : values) Put(&out, FloatToHalf(v));
    return out;
  }
  desc::VisitHostType(type, [&](auto tag) {
    using T = decltype(tag);
    for (const float v : values) {
      if constexpr (std::is_same_v<T, float>) {
        Put(&out, v);
      } else {
        Put(&out, ToInt<T>(v));
      }
    }
  });
  return out;
}

std::vector<float> DecodeElements(desc::ElemType type, const uint8_t* bytes, size_t count) {
  std::vector<float> out(count);
  const size_t size = desc::ElemSize(type);
  if (type == desc::ElemType::kHalf) {
    for (size_t i = 0; i < count; ++i) out[i] = HalfToFloat(Get<uint16_t>(bytes + i * size));
    return out;
  }
  desc::VisitHostType(type, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(Get<T>(bytes + i * size));
  });
  return out;
}

Buffer CreateStorage(cl_context context, cl_command_queue queue, const std::vector<float>& values,
                     const std::array<int64_t, 4>* shape, desc::ElemType type, bool image) {
  const size_t elements = shape != nullptr ? Padded(*shape) : values.size();
  cl_mem mem = nullptr;
  cl_int err = CL_SUCCESS;
  if (image) {
    if (shape == nullptr) throw std::invalid_argument("CreateStorage: only tensors go into images");
    if (type != desc::ElemType::kFloat && type != desc::ElemType::kHalf) {
      throw std::invalid_argument("CreateStorage: image tensors hold float or half");
    }
    const auto region = ImageRegion(*shape);
    const cl_image_format format = {
        CL_RGBA, static_cast<cl_channel_type>(type == desc::ElemType::kHalf ? CL_HALF_FLOAT : CL_FLOAT)};
    cl_image_desc desc{};
    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = region[0];
    desc.image_height = region[1];
    mem = clCreateImage(context, CL_MEM_READ_WRITE, &format, &desc, nullptr, &err);
  } else {
    mem =
        clCreateBuffer(context, CL_MEM_READ_WRITE, std::max<size_t>(elements, 1) * desc::ElemSize(type), nullptr, &err);
  }
  MT_CL_CHECK(err);
  Buffer out(mem);
  WriteStorage(queue, out.get(), values, shape, type, image);
  return out;
}

void WriteStorage(cl_command_queue queue, cl_mem mem, const std::vector<float>& values,
                  const std::array<int64_t, 4>* shape, desc::ElemType type, bool image) {
  const std::vector<float> laid = Layout(values, shape, image);
  if (laid.empty()) return;
  const std::vector<uint8_t> bytes = EncodeElements(type, laid);
  if (image) {
    const size_t origin[3] = {0, 0, 0};
    const auto region = ImageRegion(*shape);
    MT_CL_CHECK(
        clEnqueueWriteImage(queue, mem, CL_TRUE, origin, region.data(), 0, 0, bytes.data(), 0, nullptr, nullptr));
  } else {
    MT_CL_CHECK(clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, bytes.size(), bytes.data(), 0, nullptr, nullptr));
  }
}

std::vector<float> ReadStorage(cl_command_queue queue, cl_mem mem, size_t elements, const std::array<int64_t, 4>* shape,
                               desc::ElemType type, bool image) {
  const size_t stored = shape != nullptr ? Padded(*shape) : elements;
  std::vector<uint8_t> bytes(stored * desc::ElemSize(type));
  if (stored != 0) {
    if (image) {
      const size_t origin[3] = {0, 0, 0};
      const auto region = ImageRegion(*shape);
      MT_CL_CHECK(
          clEnqueueReadImage(queue, mem, CL_TRUE, origin, region.data(), 0, 0, bytes.data(), 0, nullptr, nullptr));
    } else {
      MT_CL_CHECK(clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, bytes.size(), bytes.data(), 0, nullptr, nullptr));
    }
  }
  std::vector<float> laid = DecodeElements(type, bytes.data(), stored);
  if (shape == nullptr) return laid;
  return UnpadNhwc4(image ? ToImageOrder(laid, *shape, true) : laid, *shape);
}

}  // namespace mace_tune
