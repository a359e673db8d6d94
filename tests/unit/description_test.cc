// SPDX-License-Identifier: Apache-2.0
// Device-free tests of kernel descriptions (docs/user_kernels.md): a user's file with each kind of
// mistake gives one error naming the file, the line and the field; errors that only a config can
// show make that config invalid with its reason; the DESC encoding round-trips and refuses a
// truncated payload; every built-in family loads.
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "catch.h"
#include "kernels/description_file.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

// A valid description; the tests below change one line of it (the line numbers matter).
const char* const kValid = R"toml(# line 1
[kernel]
name = "scale"
sources = ["k.cl"]
dims = ["rows", "cols"]
[parameters]
T = [1, 2, 4, 8]
LX = "pow2(1, min(64, max_work_group_size))"
[check]
key = ["rows >= 1 && cols >= 1"]
config = ["T <= 8"]
[launch]
global = ["ceil_div(cols, T)", "rows"]
local = ["LX", "1"]
[defaults]
T = 1
LX = 1
[[argument]]
name = "rows"
kind = "scalar"
value = "rows"
[[argument]]
name = "in"
kind = "buffer"
size = "rows * cols"
[[argument]]
name = "out"
kind = "buffer"
size = "rows * cols"
access = "out"
[metrics]
bytes = "8 * rows * cols"
)toml";

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("mt_desc_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
    std::ofstream(path_ / "k.cl") << "__kernel void scale(int rows, __global float* a, __global float* b) {}\n";
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& text) const {
    const std::string file = (path_ / "k.toml").string();
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path path_;
};

// kValid with line `line` (1-based) replaced by `text` ("" removes it).
std::string WithLine(int line, const std::string& text) {
  std::string out;
  std::istringstream in(kValid);
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    if (++n == line) {
      if (!text.empty()) out += text + "\n";
    } else {
      out += l + "\n";
    }
  }
  return out;
}

// The error loading `text` gives, or "" when it loads.
std::string LoadError(const TempDir& dir, const std::string& text) {
  try {
    LoadDescriptionFile(dir.Write(text));
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

DeviceLimits Device() {
  DeviceLimits limits;
  limits.max_work_group_size = 256;
  limits.max_work_item_sizes = {256, 256, 64};
  limits.local_mem_size = 32768;
  limits.max_mem_alloc_size = 1 << 30;
  return limits;
}

}  // namespace

TEST_CASE("host data in each element type: its width, clamped to its range, NaN as all bits set", "[description]") {
  using desc::ElemType;
  const std::vector<float> values = {-300.5f, -1.0f, 0.0f, 7.0f, 70000.0f, NAN};
  struct Case {
    ElemType type;
    size_t size;
    std::vector<float> back;  // what decoding gives
  };
  const float kNan = NAN;
  const std::vector<Case> cases = {
      {ElemType::kChar, 1, {-128, -1, 0, 7, 127, -1}},
      {ElemType::kUchar, 1, {0, 0, 0, 7, 255, 255}},
      {ElemType::kShort, 2, {-300, -1, 0, 7, 32767, -1}},
      {ElemType::kUshort, 2, {0, 0, 0, 7, 65535, 65535}},
      {ElemType::kInt, 4, {-300, -1, 0, 7, 70000, -1}},
      {ElemType::kUint, 4, {0, 0, 0, 7, 70000, 4294967295.0f}},
      {ElemType::kLong, 8, {-300, -1, 0, 7, 70000, -1}},
      {ElemType::kUlong, 8, {0, 0, 0, 7, 70000, 18446744073709551615.0f}},
      {ElemType::kFloat, 4, {-300.5f, -1, 0, 7, 70000, kNan}},
      {ElemType::kHalf, 2, {-300.5f, -1, 0, 7, INFINITY, kNan}},
  };
  for (const Case& c : cases) {
    INFO(desc::ElemTypeName(c.type));
    const std::vector<uint8_t> bytes = EncodeElements(c.type, values);
    REQUIRE(bytes.size() == values.size() * c.size);
    const std::vector<float> back = DecodeElements(c.type, bytes.data(), values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      INFO(i);
      if (std::isnan(c.back[i])) {
        CHECK(std::isnan(back[i]));
      } else {
        CHECK(back[i] == c.back[i]);
      }
    }
  }
  // The bytes are the type's own: little-endian two's complement for int16_t -300.
  const std::vector<uint8_t> s = EncodeElements(ElemType::kShort, {-300.0f});
  int16_t v = 0;
  std::memcpy(&v, s.data(), 2);
  CHECK(v == -300);
}

TEST_CASE("a valid user description loads, with its source", "[description]") {
  TempDir dir;
  REQUIRE(LoadError(dir, kValid).empty());
  const auto d = LoadDescriptionFile(dir.Write(kValid));
  CHECK(d->name() == "scale");
  CHECK(d->program() == "scale");
  CHECK_FALSE(d->builtin());
  CHECK(Has(d->text().source, "__kernel void scale"));
  const TuningKey key{"scale", {{"rows", 10}, {"cols", 33}}, "fp32"};
  REQUIRE(d->ValidateKey(key).ok());
  CHECK(d->CheckConfig(key, {{"T", 4}, {"LX", 8}}, Device()).empty());
  std::string options;
  REQUIRE(d->BuildOptions(key, {{"T", 4}, {"LX", 8}}, &options).ok());
  CHECK(options == "-DLX=8 -DT=4");  // every parameter is a define unless the description says not
  LaunchGeometry g;
  REQUIRE(d->Geometry(key, {{"T", 4}, {"LX", 8}}, &g).ok());
  CHECK((g.dims == 2 && g.gws[0] == 16 && g.gws[1] == 10 && g.lws[0] == 8 && g.lws[1] == 1));
  CHECK(d->BytesMoved(key) == 8 * 330);
}

TEST_CASE("each mistake in a description names the file, the line and the field", "[description]") {
  TempDir dir;
  const std::string file = dir.Write(kValid);
  struct Case {
    int line;
    std::string text;
    std::string expected;  // regular expression over the message
  };
  const Case cases[] = {
      // Malformed expressions, unknown names: at load, with the column.
      {13, "global = [\"ceil_div(cols, T\", \"rows\"]", ":13: launch.global\\[0\\]: at column 17: expected"},
      {14, "local = [\"LXX\", \"1\"]", ":14: launch.local\\[0\\]: at column 1: unknown name 'LXX'"},
      {11, "config = [\"T <= 8 &&\"]", ":11: constraints\\[0\\]: at column 10: expected a value"},
      // Constant expressions are evaluated at load: division by zero, overflow.
      {16, "T = \"4 / 0\"", ":16: defaults.T: division by zero"},
      {32, "bytes = \"9223372036854775807 + 1\"", ":32: metrics.bytes: overflow"},
      // Names used where they cannot be known.
      {10, "key = [\"T > 1\"]", ":10: checks\\[0\\]: at column 1: unknown name 'T'"},
      {25, "size = \"rows * T\"", ":25: arguments\\[1\\].size: 'T' cannot be used here \\(a parameter"},
      {7, "rows = [1, 2]", ":7: parameters.rows: the name 'rows' is already taken"},
      // Structure: unknown fields, wrong types, missing pieces.
      {3, "nmae = \"scale\"", ":3: kernel.nmae: unknown field \\(known: name,"},
      {3, "", ":2: kernel.name: missing \\(required\\)"},
      {7, "T = [1, \"two\"]", ":7: parameters.T.values: values must be integers"},
      {7, "T = []", ":7: parameters.T.values: an empty list"},
      {17, "", ": defaults: no default for parameter LX"},
      {30, "access = \"write\"", ":30: arguments\\[2\\].access: give in, out or inout"},
      {20, "kind = \"texture\"", ":\\d+: arguments\\[0\\]: give one of scalar, buffer, tensor, local"},
      {12, "[lunch]", ":12: .lunch: unknown field"},
      // TOML itself, and the source files.
      {5, "dims = [\"rows\", \"cols\"", ":[56]: Error while parsing"},
      {4, "sources = [\"missing.cl\"]", ":4: kernel.sources\\[0\\]: cannot open .*missing.cl: No such file"},
  };
  for (const Case& c : cases) {
    INFO("line " << c.line << ": " << c.text);
    const std::string error = LoadError(dir, WithLine(c.line, c.text));
    INFO(error);
    CHECK(Has(error, file));
    CHECK(std::regex_search(error, std::regex(c.expected)));
  }
}

TEST_CASE("errors only a config or key can show make it invalid with the reason", "[description]") {
  TempDir dir;
  // Division by zero for T = 4, overflow for a huge key: reasons, not crashes or zeros.
  const auto d = LoadDescriptionFile(dir.Write(WithLine(11, "config = [\"rows % (T - 4) >= 0\"]")));
  const TuningKey key{"scale", {{"rows", 10}, {"cols", 33}}, "fp32"};
  CHECK(d->CheckConfig(key, {{"T", 2}, {"LX", 8}}, Device()).empty());
  const std::string why = d->CheckConfig(key, {{"T", 4}, {"LX", 8}}, Device());
  CHECK(Has(why, "constraints[0] 'rows % (T - 4) >= 0': division by zero"));
  // Memory beyond the device, and sizes beyond 64 bits: the config is invalid, saying which.
  const TuningKey large{"scale", {{"rows", 100000}, {"cols", 100000}}, "fp32"};
  CHECK(Has(d->CheckConfig(large, {{"T", 2}, {"LX", 8}}, Device()),
            "argument in needs 40000000000 B, more than the device's largest allocation"));
  const TuningKey huge{"scale", {{"rows", 2147483647}, {"cols", 2147483647}}, "fp32"};
  REQUIRE(d->ValidateKey(huge).ok());
  CHECK(Has(d->CheckConfig(huge, {{"T", 2}, {"LX", 8}}, Device()), "more than the device's largest allocation"));
  const auto overflow = LoadDescriptionFile(dir.Write(WithLine(32, "bytes = \"8 * rows * cols * rows * cols\"")));
  CHECK(overflow->BytesMoved(huge) == 0);  // not computable: no figure rather than a wrong one
  // Unknown and missing parameters, values outside their domains.
  CHECK(Has(d->CheckConfig(key, {{"T", 2}}, Device()), "missing parameter LX"));
  CHECK(Has(d->CheckConfig(key, {{"T", 2}, {"LX", 8}, {"Q", 1}}, Device()), "unknown parameter Q=1"));
  CHECK(Has(d->CheckConfig(key, {{"T", 3}, {"LX", 8}}, Device()), "T=3 is not one of 1, 2, 4, 8"));
  CHECK(Has(d->CheckConfig(key, {{"T", 2}, {"LX", 128}}, Device()), "LX=128 is outside its domain"));
  // Keys: wrong dims, out of range.
  CHECK(Has(d->ValidateKey({"scale", {{"rows", 10}}, "fp32"}).message(), "expected the dimensions rows, cols"));
  CHECK(Has(d->ValidateKey({"scale", {{"rows", 0}, {"cols", 3}}, "fp32"}).message(), "fails 'rows >= 1"));
  CHECK(Has(d->ValidateKey({"scale", {{"rows", 1}, {"cols", 3}}, "fp16"}).message(), "dtype 'fp16' is not supported"));
}

TEST_CASE("the DESC encoding round-trips and refuses what is cut short", "[description]") {
  TempDir dir;
  const auto d = LoadDescriptionFile(dir.Write(kValid));
  const std::vector<uint8_t> bytes = desc::EncodeDescription(d->text());
  const auto again = DecodeDescriptionBytes(bytes, "test");
  CHECK(again->digest() == d->digest());
  CHECK(again->text().source == d->text().source);
  for (size_t cut : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    desc::DescriptionText text;
    std::string error;
    CHECK_FALSE(desc::DecodeDescription(bytes.data(), cut, &text, &error));
    CHECK_FALSE(error.empty());
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  desc::DescriptionText text;
  std::string error;
  CHECK_FALSE(desc::DecodeDescription(longer.data(), longer.size(), &text, &error));
  CHECK(Has(error, "1 bytes after the description"));
  // A changed description is a different kernel for the store: another digest.
  const auto changed = LoadDescriptionFile(dir.Write(WithLine(11, "config = [\"T <= 4\"]")));
  CHECK(changed->digest() != d->digest());
}

TEST_CASE("every built-in family is a description with its CPU reference", "[description]") {
  const auto names = FamilyNames();
  CHECK(names.size() == 11);
  for (const auto name : names) {
    const KernelFamily* family = FindKernelFamily(name);
    REQUIRE(family != nullptr);
    CHECK(family->description().builtin());
    CHECK(family->cpu_reference() != nullptr);
    CHECK_FALSE(family->TestKeys().empty());
  }
}

}  // namespace mace_tune
