// SPDX-License-Identifier: Apache-2.0
// A kernel description as text (docs/user_kernels.md has every field): what the TOML file says,
// and what the tuned-parameter file carries to the runtime (DESC sections), before any expression
// is compiled. One encoding, read by the runtime with nothing but the standard library.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mace_tune::desc {

struct NamedText {
  std::string name;
  std::string text;  // an expression
};

struct CheckText {
  std::string expr;
  std::string why;     // the reason shown when it fails; empty: the expression itself
  bool prune = false;  // config rules only: narrows the search, a config breaking it still runs
};

struct ParamText {
  std::string name;
  std::vector<int64_t> values;  // a fixed list, or
  std::string values_expr;      // pow2(lo, hi), range(lo, hi[, step]), list(...) over dims and device
  std::string define = "true";  // when the parameter becomes -DNAME=value
  bool has_missing = false;     // a config without the parameter reads as `missing`
  int64_t missing = 0;
};

struct DefineText {
  std::string name;
  std::string value;
  std::string when = "true";
};

struct ArgText {
  std::string name;
  std::string kind;  // scalar, buffer, tensor (NHWC, stored NHWC4 in a buffer or an image2d), local
  std::string
      type;  // float, half, real (float, or half for fp16 keys), int, uint, char, uchar, short, ushort, long, ulong
  std::string value;               // scalar: its value
  std::string divisor = "1";       // float scalars: value / divisor, computed in double
  std::string size;                // buffer: element count; local: bytes
  std::vector<std::string> shape;  // tensor: N, H, W, C
  std::string image = "false";     // tensor: when it is an image2d
  std::string access = "in";       // in, out, inout
  std::string fill = "random";     // inputs: random, zeros, ones, iota
  int64_t seed = 0;                // added to the instance's seed
  std::string when = "true";       // the argument exists only when true
};

struct VerifyText {
  std::string reference = "default";       // cpu (built-ins), default (the default config's output), kernel
  std::string kernel;                      // reference: kernel: its function
  std::string kernel_source;               // its self-contained source (empty: the kernel's own source)
  std::string kernel_options;              // its build options
  std::vector<std::string> kernel_global;  // its global size (work-items, not rounded)
  std::vector<std::string> kernel_local;   // its local size (empty: the driver chooses)
  std::string accumulate;                  // built-ins: terms of the fp32 sum model (SumTolerance)
  double rtol = 1e-5;                      // others: |out - ref| <= atol + rtol * |ref|
  double atol = 1e-6;
};

struct DescriptionText {
  std::string name;      // the tuning key's family
  std::string program;   // program name (empty: name)
  std::string function;  // kernel function (empty: name)
  bool builtin = false;  // the source is embedded in the runtime (kernels/<program>.cl)
  std::vector<std::string> dtypes = {"fp32"};
  std::vector<std::string> dims;
  std::vector<NamedText> lets;         // derived values of dims and device, in order
  std::vector<CheckText> checks;       // on the key
  std::vector<ParamText> params;       // the search space's axes, in order
  std::vector<CheckText> constraints;  // on a config
  std::vector<DefineText> defines;     // -D options beyond the parameters
  std::string build_options;           // verbatim
  std::vector<std::string> global;     // work-items per axis
  std::vector<std::string> local;
  bool round_global = true;         // round the global size up to the local size
  std::string local_memory;         // bytes of local memory a config uses (checked against the device)
  std::vector<NamedText> defaults;  // the untuned config, in order
  std::vector<ArgText> args;        // kernel arguments, in order
  VerifyText verify;
  std::string flops;
  std::string bytes;
  std::vector<std::string> test_keys;
  std::string source;  // user kernels: the program's self-contained source
  // Not encoded: the line of each field in its TOML file ("parameters.LX.values" -> 12).
  std::map<std::string, int> lines;
};

// The DESC section payload (docs/formats.md).
std::vector<uint8_t> EncodeDescription(const DescriptionText& text);
// False when the bytes are not a whole, well-formed description (every length checked).
bool DecodeDescription(const uint8_t* data, size_t size, DescriptionText* out, std::string* error);

}  // namespace mace_tune::desc
