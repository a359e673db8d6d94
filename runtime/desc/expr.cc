// SPDX-License-Identifier: Apache-2.0
// Parser (recursive descent, C precedence, nesting bounded) and checked evaluator of description
// expressions.
#include "runtime/desc/expr.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace mace_tune::desc {
namespace {

enum class FnKind { kNumber, kList, kTextTest };

struct Function {
  const char* name;
  int min_args;
  int max_args;  // -1: any number
  FnKind kind;
};

// The index into this table is what a kCall node stores.
constexpr Function kFunctions[] = {
    {"min", 1, -1, FnKind::kNumber},        {"max", 1, -1, FnKind::kNumber},
    {"ceil_div", 2, 2, FnKind::kNumber},    {"round_up", 2, 2, FnKind::kNumber},
    {"next_pow2", 1, 1, FnKind::kNumber},   {"pow2_floor", 1, 1, FnKind::kNumber},
    {"log2", 1, 1, FnKind::kNumber},        {"abs", 1, 1, FnKind::kNumber},
    {"clamp", 3, 3, FnKind::kNumber},       {"is_pow2", 1, 1, FnKind::kNumber},
    {"fit_pow2", 4, 4, FnKind::kNumber},    {"vendor_is", 1, 1, FnKind::kTextTest},
    {"device_is", 1, 1, FnKind::kTextTest}, {"pow2", 2, 2, FnKind::kList},
    {"range", 2, 3, FnKind::kList},         {"list", 1, -1, FnKind::kList},
};
enum FnIndex {
  kMin,
  kMax,
  kCeilDiv,
  kRoundUp,
  kNextPow2,
  kPow2Floor,
  kLog2,
  kAbs,
  kClamp,
  kIsPow2,
  kFitPow2,
  kVendorIs,
  kDeviceIs,
  kPow2,
  kRange,
  kList
};

constexpr int kMaxDepth = 64;

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int Scope::Add(const std::string& name) {
  const auto it = slots_.find(name);
  if (it != slots_.end()) return it->second;
  const int slot = static_cast<int>(names_.size());
  names_.push_back(name);
  slots_.emplace(name, slot);
  return slot;
}

int Scope::Find(std::string_view name) const {
  const auto it = slots_.find(std::string(name));
  return it == slots_.end() ? -1 : it->second;
}

class Parser {
 public:
  Parser(std::string_view text, const Scope& scope, Expr* out) : s_(text), scope_(scope), out_(out) {}

  bool Run(bool allow_list, std::string* error) {
    const int root = Ternary(0);
    Space();
    if (root >= 0 && pos_ < s_.size()) Fail(std::string("unexpected '") + s_[pos_] + "'");
    if (!error_.empty()) {
      *error = error_;
      return false;
    }
    const Expr::Node& node = out_->nodes_[static_cast<size_t>(root)];
    const bool list = node.op == Expr::Op::kCall && kFunctions[node.fn].kind == FnKind::kList;
    if (list && !allow_list) {
      *error = std::string(kFunctions[node.fn].name) + "(...) is a list: it belongs only in a parameter's values";
      return false;
    }
    out_->root_ = root;
    return true;
  }

 private:
  void Fail(const std::string& why) {
    if (error_.empty()) error_ = "at column " + std::to_string(pos_ + 1) + ": " + why;
  }
  void Space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Eat(std::string_view token) {
    Space();
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  int Add(Expr::Node node) {
    if (out_->nodes_.size() >= Expr::kMaxNodes) {
      Fail("expression too long");
      return -1;
    }
    out_->nodes_.push_back(std::move(node));
    return static_cast<int>(out_->nodes_.size()) - 1;
  }
  int Binary(Expr::Op op, int a, int b) {
    if (a < 0 || b < 0) return -1;
    Expr::Node node;
    node.op = op;
    node.args = {a, b};
    return Add(std::move(node));
  }

  int Ternary(int depth) {
    if (depth > kMaxDepth) {
      Fail("nested too deeply");
      return -1;
    }
    const int cond = Or(depth);
    if (cond < 0 || !Eat("?")) return cond;
    const int yes = Ternary(depth + 1);
    if (yes >= 0 && !Eat(":")) Fail("expected ':' of '?:'");
    const int no = yes >= 0 && error_.empty() ? Ternary(depth + 1) : -1;
    if (no < 0) return -1;
    Expr::Node node;
    node.op = Expr::Op::kCond;
    node.args = {cond, yes, no};
    return Add(std::move(node));
  }
  int Or(int depth) {
    int a = And(depth);
    while (a >= 0 && Eat("||")) a = Binary(Expr::Op::kOr, a, And(depth));
    return a;
  }
  int And(int depth) {
    int a = Equality(depth);
    while (a >= 0 && Eat("&&")) a = Binary(Expr::Op::kAnd, a, Equality(depth));
    return a;
  }
  int Equality(int depth) {
    int a = Relation(depth);
    while (a >= 0) {
      if (Eat("=="))
        a = Binary(Expr::Op::kEq, a, Relation(depth));
      else if (Eat("!="))
        a = Binary(Expr::Op::kNe, a, Relation(depth));
      else
        break;
    }
    return a;
  }
  int Relation(int depth) {
    int a = Sum(depth);
    while (a >= 0) {
      if (Eat("<="))
        a = Binary(Expr::Op::kLe, a, Sum(depth));
      else if (Eat(">="))
        a = Binary(Expr::Op::kGe, a, Sum(depth));
      else if (Eat("<"))
        a = Binary(Expr::Op::kLt, a, Sum(depth));
      else if (Eat(">"))
        a = Binary(Expr::Op::kGt, a, Sum(depth));
      else
        break;
    }
    return a;
  }
  int Sum(int depth) {
    int a = Product(depth);
    while (a >= 0) {
      if (Eat("+"))
        a = Binary(Expr::Op::kAdd, a, Product(depth));
      else if (Eat("-"))
        a = Binary(Expr::Op::kSub, a, Product(depth));
      else
        break;
    }
    return a;
  }
  int Product(int depth) {
    int a = Unary(depth);
    while (a >= 0) {
      if (Eat("*"))
        a = Binary(Expr::Op::kMul, a, Unary(depth));
      else if (Eat("/"))
        a = Binary(Expr::Op::kDiv, a, Unary(depth));
      else if (Eat("%"))
        a = Binary(Expr::Op::kMod, a, Unary(depth));
      else
        break;
    }
    return a;
  }
  int Unary(int depth) {
    if (depth > kMaxDepth) {
      Fail("nested too deeply");
      return -1;
    }
    Space();
    // "!=" is never a prefix, so a lone '!' is negation.
    const bool neg = Eat("-");
    const bool is_not = !neg && Eat("!");
    if (!neg && !is_not) return Primary(depth);
    const int a = Unary(depth + 1);
    if (a < 0) return -1;
    Expr::Node node;
    node.op = neg ? Expr::Op::kNeg : Expr::Op::kNot;
    node.args = {a};
    return Add(std::move(node));
  }
  int Primary(int depth) {
    Space();
    if (pos_ >= s_.size()) {
      Fail("expected a value, found the end");
      return -1;
    }
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      const int inner = Ternary(depth + 1);
      if (inner >= 0 && !Eat(")")) Fail("expected ')'");
      return error_.empty() ? inner : -1;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return Number();
    if (c == '"') return Text();
    if (IsNameStart(c)) return Name(depth);
    Fail(std::string("unexpected '") + c + "'");
    return -1;
  }
  int Number() {
    uint64_t value = 0;
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      const auto digit = static_cast<uint64_t>(s_[pos_] - '0');
      if (value > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - digit) / 10) {
        pos_ = start;
        Fail("number too large for 64 bits");
        return -1;
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ < s_.size() && IsNameChar(s_[pos_])) {
      Fail("malformed number");
      return -1;
    }
    Expr::Node node;
    node.value = static_cast<int64_t>(value);
    return Add(std::move(node));
  }
  int Text() {
    const size_t end = s_.find('"', pos_ + 1);
    if (end == std::string_view::npos) {
      Fail("unterminated string");
      return -1;
    }
    Expr::Node node;
    node.op = Expr::Op::kText;
    node.text = std::string(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return Add(std::move(node));
  }
  int Name(int depth) {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    const std::string name(s_.substr(start, pos_ - start));
    if (Eat("(")) return Call(name, start, depth);
    Expr::Node node;
    if (name == "true" || name == "false") {
      node.value = name == "true" ? 1 : 0;
      return Add(std::move(node));
    }
    node.op = Expr::Op::kVar;
    node.slot = scope_.Find(name);
    if (node.slot < 0) {
      pos_ = start;
      Fail("unknown name '" + name + "'");
      return -1;
    }
    return Add(std::move(node));
  }
  int Call(const std::string& name, size_t start, int depth) {
    int fn = -1;
    for (int i = 0; i < static_cast<int>(std::size(kFunctions)); ++i) {
      if (name == kFunctions[i].name) fn = i;
    }
    if (fn < 0) {
      pos_ = start;
      Fail("unknown function '" + name + "'");
      return -1;
    }
    Expr::Node node;
    node.op = Expr::Op::kCall;
    node.fn = fn;
    if (!Eat(")")) {
      do {
        const int arg = Ternary(depth + 1);
        if (arg < 0) return -1;
        node.args.push_back(arg);
      } while (Eat(","));
      if (!Eat(")")) {
        Fail("expected ')' or ',' in " + name + "(...)");
        return -1;
      }
    }
    const Function& f = kFunctions[fn];
    const int n = static_cast<int>(node.args.size());
    if (n < f.min_args || (f.max_args >= 0 && n > f.max_args)) {
      pos_ = start;
      Fail(name + "() takes " + std::to_string(f.min_args) +
           (f.max_args < 0             ? " or more"
            : f.max_args == f.min_args ? ""
                                       : " to " + std::to_string(f.max_args)) +
           " arguments, not " + std::to_string(n));
      return -1;
    }
    for (const int arg : node.args) {
      const bool text = out_->nodes_[static_cast<size_t>(arg)].op == Expr::Op::kText;
      if (text != (f.kind == FnKind::kTextTest)) {
        pos_ = start;
        Fail(text ? "a string belongs only in vendor_is(\"...\") or device_is(\"...\")"
                  : name + "() takes a string, e.g. " + name + "(\"nvidia\")");
        return -1;
      }
    }
    return Add(std::move(node));
  }

  std::string_view s_;
  const Scope& scope_;
  Expr* out_;
  size_t pos_ = 0;
  std::string error_;
};

bool Expr::Compile(std::string_view text, const Scope& scope, bool allow_list, Expr* out, std::string* error) {
  Expr expr;
  expr.text_ = std::string(text);
  Parser parser(text, scope, &expr);
  if (!parser.Run(allow_list, error)) return false;
  // A list function may only be the root; a string only an argument of vendor_is / device_is.
  std::vector<bool> text_ok(expr.nodes_.size(), false);
  for (size_t i = 0; i < expr.nodes_.size(); ++i) {
    const Node& node = expr.nodes_[i];
    if (node.op == Op::kCall && kFunctions[node.fn].kind == FnKind::kTextTest) {
      for (const int arg : node.args) text_ok[static_cast<size_t>(arg)] = true;
    }
    if (static_cast<int>(i) != expr.root_ && node.op == Op::kCall && kFunctions[node.fn].kind == FnKind::kList) {
      *error = std::string(kFunctions[node.fn].name) + "(...) is a list and cannot be part of a number";
      return false;
    }
  }
  for (size_t i = 0; i < expr.nodes_.size(); ++i) {
    if (expr.nodes_[i].op == Op::kText && !text_ok[i]) {
      *error = "a string belongs only in vendor_is(\"...\") or device_is(\"...\")";
      return false;
    }
  }
  *out = std::move(expr);
  return true;
}

bool Expr::is_list() const {
  if (root_ < 0) return false;
  const Node& node = nodes_[static_cast<size_t>(root_)];
  return node.op == Op::kCall && kFunctions[node.fn].kind == FnKind::kList;
}

bool Expr::Uses(int slot) const {
  return std::any_of(nodes_.begin(), nodes_.end(),
                     [slot](const Node& n) { return n.op == Op::kVar && n.slot == slot; });
}

bool Expr::Eval(const Env& env, int64_t* out, std::string* error) const {
  if (root_ < 0) {
    *error = "empty expression";
    return false;
  }
  if (is_list()) {
    *error = "a list where a number belongs";
    return false;
  }
  return EvalNode(root_, env, out, error);
}

namespace {

bool Overflow(std::string* error) {
  *error = "overflow (beyond 64-bit integers)";
  return false;
}

// The arithmetic and comparison operators, on their evaluated operands.
bool EvalBinary(Expr::Op op, int64_t a, int64_t b, int64_t* out, std::string* error) {
  using Op = Expr::Op;
  switch (op) {
    case Op::kAdd:
      return !__builtin_add_overflow(a, b, out) || Overflow(error);
    case Op::kSub:
      return !__builtin_sub_overflow(a, b, out) || Overflow(error);
    case Op::kMul:
      return !__builtin_mul_overflow(a, b, out) || Overflow(error);
    case Op::kDiv:
    case Op::kMod:
      if (b == 0) {
        *error = "division by zero";
        return false;
      }
      if (a == std::numeric_limits<int64_t>::min() && b == -1) return Overflow(error);
      *out = op == Op::kDiv ? a / b : a % b;
      return true;
    case Op::kLt:
      *out = a < b;
      return true;
    case Op::kLe:
      *out = a <= b;
      return true;
    case Op::kGt:
      *out = a > b;
      return true;
    case Op::kGe:
      *out = a >= b;
      return true;
    case Op::kEq:
      *out = a == b;
      return true;
    case Op::kNe:
      *out = a != b;
      return true;
    default:
      break;
  }
  *error = "internal: bad expression node";
  return false;
}

// The functions that compute a number (ceil_div ... fit_pow2) on their evaluated arguments.
bool CallNumeric(int fn, const int64_t (&v)[4], int64_t* out, std::string* error) {
  const std::string name = kFunctions[fn].name;
  switch (fn) {
    case kCeilDiv:
    case kRoundUp: {
      if (v[1] <= 0 || v[0] < 0) {
        *error = name + "() needs a >= 0 and b > 0";
        return false;
      }
      const int64_t q = v[0] / v[1] + (v[0] % v[1] != 0);
      if (fn == kCeilDiv) return *out = q, true;
      return !__builtin_mul_overflow(q, v[1], out) || Overflow(error);
    }
    case kNextPow2: {
      if (v[0] > (int64_t{1} << 62)) return Overflow(error);
      int64_t p = 1;
      while (p < v[0]) p <<= 1;
      return *out = p, true;
    }
    case kPow2Floor:
    case kLog2: {
      if (v[0] < 1) {
        *error = name + "() of a value below 1";
        return false;
      }
      int64_t p = 1, log = 0;
      while (p <= v[0] / 2) p <<= 1, ++log;
      return *out = fn == kLog2 ? log : p, true;
    }
    case kAbs:
      if (v[0] == std::numeric_limits<int64_t>::min()) return Overflow(error);
      return *out = v[0] < 0 ? -v[0] : v[0], true;
    case kClamp:
      return *out = std::min(std::max(v[0], v[1]), v[2]), true;
    case kIsPow2:
      return *out = v[0] >= 1 && (v[0] & (v[0] - 1)) == 0, true;
    case kFitPow2: {
      // fit_pow2(items, cap, budget, limit): the largest power of two <= min(next_pow2(items), cap,
      // budget, limit), at least 1: a local size along one axis (see docs/user_kernels.md).
      const int64_t items = std::min<int64_t>(std::max<int64_t>(v[0], 1), int64_t{1} << 62);
      int64_t bound = std::min({v[1], v[2], v[3]});
      int64_t p = 1;
      while (p < items) p <<= 1;
      bound = std::min(bound, p);
      p = 1;
      while (p <= bound / 2) p <<= 1;
      return *out = p, true;
    }
    default:
      break;
  }
  *error = "internal: bad function";
  return false;
}

}  // namespace

bool Expr::EvalNode(int index, const Env& env, int64_t* out, std::string* error) const {
  const Node& n = nodes_[static_cast<size_t>(index)];
  int64_t a = 0, b = 0;
  switch (n.op) {
    case Op::kConst:
      *out = n.value;
      return true;
    case Op::kVar:
      if (!env.IsSet(n.slot)) {
        *error = "no value for this name here";
        return false;
      }
      *out = env.values[static_cast<size_t>(n.slot)];
      return true;
    case Op::kText:
      *error = "a string where a number belongs";
      return false;
    case Op::kCall:
      return EvalCall(n, env, out, error);
    case Op::kAnd:
    case Op::kOr:
      if (!EvalNode(n.args[0], env, &a, error)) return false;
      if ((n.op == Op::kAnd) == (a == 0)) {
        *out = a != 0;
        return true;
      }
      if (!EvalNode(n.args[1], env, &b, error)) return false;
      *out = b != 0;
      return true;
    case Op::kCond:
      if (!EvalNode(n.args[0], env, &a, error)) return false;
      return EvalNode(n.args[a != 0 ? 1 : 2], env, out, error);
    default:
      break;
  }
  if (!EvalNode(n.args[0], env, &a, error)) return false;
  if (n.op == Op::kNeg) return !__builtin_sub_overflow(int64_t{0}, a, out) || Overflow(error);
  if (n.op == Op::kNot) return *out = a == 0, true;
  if (!EvalNode(n.args[1], env, &b, error)) return false;
  return EvalBinary(n.op, a, b, out, error);
}

bool Expr::EvalCall(const Node& n, const Env& env, int64_t* out, std::string* error) const {
  if (n.fn == kVendorIs || n.fn == kDeviceIs) {
    const std::string& have = n.fn == kVendorIs ? env.vendor : env.device_name;
    *out = Lower(have).find(Lower(nodes_[static_cast<size_t>(n.args[0])].text)) != std::string::npos;
    return true;
  }
  if (kFunctions[n.fn].kind == FnKind::kList) {
    *error = "a list where a number belongs";
    return false;
  }
  int64_t v[4] = {0, 0, 0, 0};
  if (n.fn == kMin || n.fn == kMax) {
    for (size_t i = 0; i < n.args.size(); ++i) {
      if (!EvalNode(n.args[i], env, &v[1], error)) return false;
      if (i == 0 || (n.fn == kMin ? v[1] < v[0] : v[1] > v[0])) v[0] = v[1];
    }
    *out = v[0];
    return true;
  }
  for (size_t i = 0; i < n.args.size(); ++i) {
    if (!EvalNode(n.args[i], env, &v[i], error)) return false;
  }
  return CallNumeric(n.fn, v, out, error);
}

bool Expr::EvalList(const Env& env, std::vector<int64_t>* out, std::string* error) const {
  out->clear();
  if (!is_list()) {
    int64_t v = 0;
    if (!Eval(env, &v, error)) return false;
    out->push_back(v);
    return true;
  }
  const Node& n = nodes_[static_cast<size_t>(root_)];
  std::vector<int64_t> args(n.args.size());
  for (size_t i = 0; i < n.args.size(); ++i) {
    if (!EvalNode(n.args[i], env, &args[i], error)) return false;
  }
  auto push = [&](int64_t v) {
    if (out->size() >= kMaxListSize) {
      *error = "more than " + std::to_string(kMaxListSize) + " values";
      return false;
    }
    out->push_back(v);
    return true;
  };
  if (n.fn == kList) {
    for (const int64_t v : args) {
      if (!push(v)) return false;
    }
    return true;
  }
  const int64_t lo = args[0], hi = args[1];
  if (n.fn == kPow2) {
    if (lo < 1) {
      *error = "pow2(lo, hi) needs lo >= 1";
      return false;
    }
    for (int64_t v = 1; v <= hi && v > 0; v <<= 1) {
      if (v >= lo && !push(v)) return false;
      if (v > (std::numeric_limits<int64_t>::max() >> 1)) break;
    }
    return true;
  }
  const int64_t step = args.size() > 2 ? args[2] : 1;
  if (step < 1) {
    *error = "range(lo, hi, step) needs step >= 1";
    return false;
  }
  for (int64_t v = lo; v <= hi; v += step) {
    if (!push(v)) return false;
    if (v > std::numeric_limits<int64_t>::max() - step) break;
  }
  return true;
}

}  // namespace mace_tune::desc
