// SPDX-License-Identifier: Apache-2.0
// A small JSON reader for the importers of other tuners' files (CLBlast's tuner output, Kernel
// Tuner's cache): parses a whole document into a tree of JsonValue. Numbers are doubles.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mace_tune {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;  // in document order

  bool IsNumber() const { return type == Type::kNumber; }
  bool IsString() const { return type == Type::kString; }
  bool IsObject() const { return type == Type::kObject; }
  bool IsArray() const { return type == Type::kArray; }
  // Member of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

// A number that is a whole value within +-2^53 (exact as a double; an int64 cast is defined).
bool JsonInteger(const JsonValue& v, int64_t* out);

// Throws std::runtime_error naming the byte offset of the first error.
JsonValue ParseJson(std::string_view text);
// A JSON file's text: a regular file of at most kMaxJsonBytes (a FIFO or /dev/zero is refused).
inline constexpr size_t kMaxJsonBytes = size_t{256} << 20;
std::string ReadJsonText(const std::string& path);
// Reads and parses a file; errors name the path.
JsonValue ParseJsonFile(const std::string& path);

}  // namespace mace_tune
