// SPDX-License-Identifier: Apache-2.0
// Recursive-descent JSON parser (RFC 8259; \u escapes become UTF-8) for json_value.h. Nesting is
// bounded (kMaxDepth) so that a file of a million '[' is an error, not a stack overflow.
#include "formats/json_value.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "mace_tune/artifacts.h"

namespace mace_tune {
namespace {

constexpr int kMaxDepth = 256;  // CLBlast's and Kernel Tuner's files nest 4 deep

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}
  JsonValue Document() {
    JsonValue v = Value();
    Space();
    if (pos_ != text_.size()) Fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at byte " + std::to_string(pos_));
  }
  void Space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool Eat(char c) {
    Space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail(std::string("expected '") + c + "'");
  }
  bool Word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  JsonValue Value() {
    Space();
    if (pos_ >= text_.size()) Fail("unexpected end");
    JsonValue v;
    const char c = text_[pos_];
    if ((c == '{' || c == '[') && depth_ >= kMaxDepth) {
      Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    const Nest nest(&depth_);
    if (c == '{') {
      ++pos_;
      v.type = JsonValue::Type::kObject;
      if (Eat('}')) return v;
      do {
        Space();
        std::string key = String();
        Expect(':');
        v.object.emplace_back(std::move(key), Value());
      } while (Eat(','));
      Expect('}');
    } else if (c == '[') {
      ++pos_;
      v.type = JsonValue::Type::kArray;
      if (Eat(']')) return v;
      do {
        v.array.push_back(Value());
      } while (Eat(','));
      Expect(']');
    } else if (c == '"') {
      v.type = JsonValue::Type::kString;
      v.string = String();
    } else if (Word("true")) {
      v.type = JsonValue::Type::kBool;
      v.boolean = true;
    } else if (Word("false")) {
      v.type = JsonValue::Type::kBool;
    } else if (Word("null")) {
    } else if (Word("NaN") || Word("Infinity")) {  // Python's json writes these
      v.type = JsonValue::Type::kString;
      v.string = "NaN";
    } else {
      const std::string rest(text_.substr(pos_, 64));
      char* end = nullptr;
      v.number = std::strtod(rest.c_str(), &end);
      if (end == rest.c_str()) Fail("unexpected character");
      pos_ += static_cast<size_t>(end - rest.c_str());
      v.type = JsonValue::Type::kNumber;
    }
    return v;
  }
  std::string String() {
    if (pos_ >= text_.size() || text_[pos_] != '"') Fail("expected a string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) Fail("bad escape");
      c = text_[pos_++];
      switch (c) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          const unsigned code = Hex4();
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          out += c;
      }
    }
    if (pos_ >= text_.size()) Fail("unterminated string");
    ++pos_;
    return out;
  }

  // The four hex digits of a \u escape.
  unsigned Hex4() {
    if (pos_ + 4 > text_.size()) Fail("bad \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) Fail("bad \\u escape");
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return code;
  }
  struct Nest {  // one level deeper for the life of a Value() call
    explicit Nest(int* depth) : counter(depth) { ++*counter; }
    ~Nest() { --*counter; }
    int* counter;
  };

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool JsonInteger(const JsonValue& v, int64_t* out) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (!v.IsNumber() || !(v.number >= -kExact && v.number <= kExact) || v.number != std::floor(v.number)) return false;
  *out = static_cast<int64_t>(v.number);
  return true;
}

JsonValue ParseJson(std::string_view text) { return Parser(text).Document(); }

std::string ReadJsonText(const std::string& path) {
  std::vector<uint8_t> bytes;
  const Status status = ReadFileBytes(path, &bytes, kMaxJsonBytes);
  if (!status.ok()) throw std::runtime_error(status.message());
  return std::string(bytes.begin(), bytes.end());
}

JsonValue ParseJsonFile(const std::string& path) {
  const std::string text = ReadJsonText(path);
  try {
    return ParseJson(text);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace mace_tune
