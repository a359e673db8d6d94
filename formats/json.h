// SPDX-License-Identifier: Apache-2.0
// A small hand-written JSON writer for the tool's machine-readable outputs (inspect --json,
// devices --json, reports' inputs): RFC 8259 string escaping, so any name a driver reports
// stays valid JSON. No dependency beyond the standard library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mace_tune {

// `text` as a quoted JSON string: quotes, backslashes and control characters escaped
// (\" \\ \n \r \t \b \f, others as \u00XX); other bytes are copied as they are.
std::string JsonString(std::string_view text);
// A finite number with the fewest digits (15 to 17) that read back as the same double; else null.
std::string JsonNumber(double value);

// Builds one JSON document; commas and nesting are its business:
//   JsonWriter out;
//   out.BeginObject().Field("tool", "mace_tune 0.1").BeginArray("devices");
//   out.BeginObject().Field("id", id).EndObject();
//   out.EndArray().EndObject();  out.str() -> {"tool":"mace_tune 0.1","devices":[{"id":"..."}]}
// Names are for members of an object; the unnamed forms are for array elements and the root.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& BeginObject(std::string_view name);
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& BeginArray(std::string_view name);
  JsonWriter& EndArray();

  JsonWriter& Field(std::string_view name, std::string_view value) { return RawField(name, JsonString(value)); }
  JsonWriter& Field(std::string_view name, const std::string& value) { return RawField(name, JsonString(value)); }
  JsonWriter& Field(std::string_view name, const char* value) { return RawField(name, JsonString(value)); }
  JsonWriter& Field(std::string_view name, bool value) { return RawField(name, value ? "true" : "false"); }
  template <typename T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
  JsonWriter& Field(std::string_view name, T value) {
    return RawField(name, Number(value));
  }
  JsonWriter& Null(std::string_view name) { return RawField(name, "null"); }
  // `json` must already be valid JSON.
  JsonWriter& RawField(std::string_view name, std::string_view json);

  JsonWriter& Value(std::string_view value) { return RawValue(JsonString(value)); }
  JsonWriter& Value(const std::string& value) { return RawValue(JsonString(value)); }
  JsonWriter& Value(const char* value) { return RawValue(JsonString(value)); }
  JsonWriter& Value(bool value) { return RawValue(value ? "true" : "false"); }
  template <typename T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
  JsonWriter& Value(T value) {
    return RawValue(Number(value));
  }
  JsonWriter& RawValue(std::string_view json);

  const std::string& str() const { return out_; }

 private:
  template <typename T>
  static std::string Number(T value) {
    if constexpr (std::is_floating_point_v<T>) {
      return JsonNumber(static_cast<double>(value));
    } else {
      return std::to_string(value);
    }
  }
  void Separate();  // a comma unless this is the first item of its container
  void Name(std::string_view name);

  std::string out_;
  std::vector<bool> first_;  // one per open container: nothing written in it yet
};

}  // namespace mace_tune
