// SPDX-License-Identifier: Apache-2.0
// The integer expressions of kernel descriptions (docs/user_kernels.md "Expressions"): parsed
// once against a Scope of names, evaluated many times over slot values with checked 64-bit
// arithmetic, so an overflow or a division by zero is an error with its reason, never a wrong
// number. The runtime evaluates them too, so this file needs nothing but the standard library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mace_tune::desc {

// Names of the values an expression may use, each bound to a slot of an Env.
class Scope {
 public:
  // The slot of `name`, added if new.
  int Add(const std::string& name);
  // -1 when unknown.
  int Find(std::string_view name) const;
  size_t size() const { return names_.size(); }
  const std::string& Name(int slot) const { return names_[static_cast<size_t>(slot)]; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> slots_;
};

// Slot values; a slot not yet set is an error when read (e.g. a parameter in a key check).
struct Env {
  explicit Env(size_t slots = 0) : values(slots, 0), set(slots, 0) {}
  void Set(int slot, int64_t value) {
    values[static_cast<size_t>(slot)] = value;
    set[static_cast<size_t>(slot)] = 1;
  }
  void Unset(int slot) { set[static_cast<size_t>(slot)] = 0; }
  bool IsSet(int slot) const { return set[static_cast<size_t>(slot)] != 0; }

  std::vector<int64_t> values;
  std::vector<uint8_t> set;
  std::string vendor;       // for vendor_is("...")
  std::string device_name;  // for device_is("...")
};

class Expr {
 public:
  // Parses `text` and binds its names to `scope`. With `allow_list`, the whole expression may also
  // be a list: pow2(lo, hi), range(lo, hi[, step]) or list(a, b, ...). False and *error ("at
  // column 7: ...", "unknown name 'x'") when it cannot.
  static bool Compile(std::string_view text, const Scope& scope, bool allow_list, Expr* out, std::string* error);

  // False and *error on an overflow, a division by zero, an unset value or a list where a number
  // belongs.
  bool Eval(const Env& env, int64_t* out, std::string* error) const;
  // A list expression's values, or a number's as a one-element list; at most kMaxListSize values.
  bool EvalList(const Env& env, std::vector<int64_t>* out, std::string* error) const;

  bool empty() const { return nodes_.empty(); }
  bool is_list() const;
  const std::string& text() const { return text_; }
  // Whether the expression reads this slot (anywhere, also in branches not taken).
  bool Uses(int slot) const;

  static constexpr size_t kMaxListSize = 4096;
  static constexpr size_t kMaxNodes = 4096;  // a longer expression is refused at Compile

  enum class Op : uint8_t {
    kConst,
    kVar,
    kNeg,
    kNot,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kMod,
    kLt,
    kLe,
    kGt,
    kGe,
    kEq,
    kNe,
    kAnd,
    kOr,
    kCond,
    kCall,
    kText,
  };
  struct Node {
    Op op = Op::kConst;
    int64_t value = 0;      // kConst
    int slot = -1;          // kVar
    int fn = -1;            // kCall: the function's index
    std::vector<int> args;  // children (operands, call arguments)
    std::string text;       // kText: a string literal (vendor_is / device_is)
  };

 private:
  friend class Parser;
  bool EvalNode(int index, const Env& env, int64_t* out, std::string* error) const;
  bool EvalCall(const Node& node, const Env& env, int64_t* out, std::string* error) const;

  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace mace_tune::desc
