// SPDX-License-Identifier: Apache-2.0
// TOML (toml++, Debian's libtomlplusplus-dev) to DescriptionText, with the line of every field kept
// for error messages. Tables whose order matters (parameters, let, defaults, defines) are read in
// the order of their lines: TOML tables are unordered, toml++ keeps each key's source position.
#include "kernels/description_file.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "mace_tune/artifacts.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxDescriptionBytes = 1 << 20;
constexpr size_t kMaxSourceBytes = 8 << 20;
constexpr int kMaxIncludeDepth = 16;

class Reader {
 public:
  Reader(std::string path, desc::DescriptionText* out) : path_(std::move(path)), out_(*out) {}

  [[noreturn]] void Fail(int line, const std::string& field, const std::string& why) const {
    throw std::runtime_error(path_ + ":" + std::to_string(line) + ": " + (field.empty() ? "" : field + ": ") + why);
  }
  static int Line(const toml::node& node) { return static_cast<int>(node.source().begin.line); }
  void Note(const std::string& field, const toml::node& node) { out_.lines[field] = Line(node); }

  void Known(const toml::table& table, std::initializer_list<const char*> keys, const std::string& section) const {
    for (auto&& [key, node] : table) {
      // C++17 lambdas cannot capture a structured binding (clang rejects it): capture a reference.
      const bool known =
          std::any_of(keys.begin(), keys.end(), [&name = key](const char* k) { return name.str() == k; });
      if (!known) {
        std::string list;
        for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
        Fail(Line(node), section + "." + std::string(key.str()), "unknown field (known: " + list + ")");
      }
    }
  }
  const toml::table* Table(const toml::table& parent, const char* key, const std::string& field) const {
    const toml::node* node = parent.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) Fail(Line(*node), field, "must be a table");
    return node->as_table();
  }
  // A string field; `required` fails when absent.
  std::string Str(const toml::table& t, const char* key, const std::string& field, bool required = false) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      if (required) Fail(Line(t), field, "missing (required)");
      return {};
    }
    Note(field, *node);
    if (!node->is_string()) Fail(Line(*node), field, "must be a string");
    return *node->value<std::string>();
  }
  // An expression: a string, an integer or a boolean.
  std::string ExprText(const toml::node& node, const std::string& field) {
    Note(field, node);
    if (node.is_string()) return *node.value<std::string>();
    if (node.is_integer()) return std::to_string(*node.value<int64_t>());
    if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
    Fail(Line(node), field, "must be an expression (a string, an integer or true/false)");
  }
  std::string Expr(const toml::table& t, const char* key, const std::string& field, std::string fallback = {}) {
    const toml::node* node = t.get(key);
    return node == nullptr ? fallback : ExprText(*node, field);
  }
  std::vector<std::string> List(const toml::table& t, const char* key, const std::string& field, bool exprs = false) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return {};
    Note(field, *node);
    if (!node->is_array()) Fail(Line(*node), field, "must be a list");
    std::vector<std::string> list;
    size_t i = 0;
    for (const toml::node& item : *node->as_array()) {
      const std::string item_field = field + "[" + std::to_string(i++) + "]";
      if (exprs) {
        list.push_back(ExprText(item, item_field));
      } else {
        if (!item.is_string()) Fail(Line(item), item_field, "must be a string");
        Note(item_field, item);
        list.push_back(*item.value<std::string>());
      }
    }
    return list;
  }
  double Number(const toml::table& t, const char* key, const std::string& field, double fallback) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return fallback;
    Note(field, *node);
    if (!node->is_number()) Fail(Line(*node), field, "must be a number");
    return *node->value<double>();
  }
  // The entries of a table in the order of their lines.
  static std::vector<std::pair<std::string, const toml::node*>> Ordered(const toml::table& t) {
    std::vector<std::pair<std::string, const toml::node*>> items;
    for (auto&& [key, node] : t) items.emplace_back(std::string(key.str()), &node);
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      const auto pa = a.second->source().begin, pb = b.second->source().begin;
      return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    return items;
  }
  std::vector<desc::CheckText> Checks(const toml::table& t, const char* key, const std::string& field) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return {};
    if (!node->is_array()) Fail(Line(*node), field, "must be a list of expressions or {expr, why} tables");
    std::vector<desc::CheckText> checks;
    for (const toml::node& item : *node->as_array()) {
      const std::string item_field = field + "[" + std::to_string(checks.size()) + "]";
      desc::CheckText check;
      if (const toml::table* table = item.as_table()) {
        Known(*table, {"expr", "why", "prune"}, item_field);
        check.expr = Expr(*table, "expr", item_field);
        check.why = Str(*table, "why", item_field + ".why");
        if (const toml::node* prune = table->get("prune")) {
          if (!prune->is_boolean()) Fail(Line(*prune), item_field + ".prune", "must be true or false");
          check.prune = *prune->value<bool>();
        }
        if (check.expr.empty()) Fail(Line(item), item_field, "needs expr");
      } else {
        check.expr = ExprText(item, item_field);
      }
      Note(item_field, item);
      checks.push_back(std::move(check));
    }
    return checks;
  }

 private:
  std::string path_;
  desc::DescriptionText& out_;
};

// Reads `file` with each `#include "name"` line replaced by that file (searched beside the
// including file, then in `dirs`), each file once.
class SourceJoiner {
 public:
  SourceJoiner(std::vector<fs::path> dirs) : dirs_(std::move(dirs)) {}

  std::string Join(const fs::path& file, int depth = 0) {
    const fs::path canonical = fs::weakly_canonical(file);
    if (!seen_.insert(canonical.string()).second) return {};
    if (depth > kMaxIncludeDepth) throw std::runtime_error(file.string() + ": #include nested too deeply");
    std::istringstream in(ReadTextFile(file.string(), kMaxSourceBytes));
    std::string out, line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
      const std::string name = IncludedName(line);
      if (name.empty()) {
        out += line + "\n";
        continue;
      }
      const fs::path found = Find(file.parent_path(), name);
      if (found.empty()) {
        throw std::runtime_error(file.string() + ":" + std::to_string(line_no) + ": cannot find #include \"" + name +
                                 "\" beside it or in kernel.include_dirs");
      }
      out += Join(found, depth + 1);
    }
    return out;
  }

 private:
  static std::string IncludedName(const std::string& line) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, 8, "#include") != 0) return {};
    const size_t open = line.find('"', start + 8);
    const size_t close = open == std::string::npos ? open : line.find('"', open + 1);
    return close == std::string::npos ? std::string() : line.substr(open + 1, close - open - 1);
  }
  fs::path Find(const fs::path& beside, const std::string& name) const {
    std::error_code ec;
    if (fs::is_regular_file(beside / name, ec)) return beside / name;
    for (const auto& dir : dirs_) {
      if (fs::is_regular_file(dir / name, ec)) return dir / name;
    }
    return {};
  }
  std::vector<fs::path> dirs_;
  std::set<std::string> seen_;
};

void ReadKernel(Reader& r, const toml::table& root, const fs::path& base, bool builtin_ok, desc::DescriptionText* d) {
  const toml::table* k = r.Table(root, "kernel", "kernel");
  if (k == nullptr) r.Fail(1, "kernel", "missing: a description starts with a [kernel] table");
  r.Known(*k,
          {"name", "program", "function", "builtin", "sources", "include_dirs", "build_options", "dtypes", "dims",
           "test_keys"},
          "kernel");
  d->name = r.Str(*k, "name", "kernel.name", true);
  d->program = r.Str(*k, "program", "kernel.program");
  d->function = r.Str(*k, "function", "kernel.function");
  if (const toml::node* b = k->get("builtin")) {
    if (!b->is_boolean()) r.Fail(Reader::Line(*b), "kernel.builtin", "must be true or false");
    d->builtin = *b->value<bool>();
    if (d->builtin && !builtin_ok)
      r.Fail(Reader::Line(*b), "kernel.builtin", "only the kernels of this build are built in");
  }
  d->build_options = r.Str(*k, "build_options", "kernel.build_options");
  if (k->get("dtypes") != nullptr) d->dtypes = r.List(*k, "dtypes", "kernel.dtypes");
  d->dims = r.List(*k, "dims", "kernel.dims");
  d->test_keys = r.List(*k, "test_keys", "kernel.test_keys");
  const std::vector<std::string> sources = r.List(*k, "sources", "kernel.sources");
  if (d->builtin) return;
  if (sources.empty()) r.Fail(Reader::Line(*k), "kernel.sources", "missing: the .cl file(s) of the kernel");
  std::vector<fs::path> dirs;
  for (const auto& dir : r.List(*k, "include_dirs", "kernel.include_dirs")) dirs.push_back(base / dir);
  SourceJoiner joiner(dirs);
  for (size_t i = 0; i < sources.size(); ++i) {
    try {
      d->source += joiner.Join(base / sources[i]);
    } catch (const std::exception& e) {
      const std::string field = "kernel.sources[" + std::to_string(i) + "]";
      r.Fail(d->lines.count(field) != 0 ? d->lines.at(field) : 1, field, e.what());
    }
  }
}

void ReadParameters(Reader& r, const toml::table& root, desc::DescriptionText* d) {
  const toml::table* t = r.Table(root, "parameters", "parameters");
  if (t == nullptr) return;
  for (const auto& [name, node] : Reader::Ordered(*t)) {
    const std::string field = "parameters." + name;
    r.Note(field, *node);
    desc::ParamText p;
    p.name = name;
    const toml::node* values = node;
    if (const toml::table* table = node->as_table()) {
      r.Known(*table, {"values", "define", "missing"}, field);
      values = table->get("values");
      if (values == nullptr) r.Fail(Reader::Line(*node), field, "needs values");
      p.define = r.Expr(*table, "define", field + ".define", "true");
      if (const toml::node* missing = table->get("missing")) {
        if (!missing->is_integer()) r.Fail(Reader::Line(*missing), field + ".missing", "must be an integer");
        p.has_missing = true;
        p.missing = *missing->value<int64_t>();
      }
    }
    r.Note(field + ".values", *values);
    if (const toml::array* list = values->as_array()) {
      for (const toml::node& v : *list) {
        if (!v.is_integer()) r.Fail(Reader::Line(v), field + ".values", "values must be integers");
        p.values.push_back(*v.value<int64_t>());
      }
      if (p.values.empty()) r.Fail(Reader::Line(*values), field + ".values", "an empty list");
    } else if (values->is_string()) {
      p.values_expr = *values->value<std::string>();
    } else {
      r.Fail(Reader::Line(*values), field + ".values", "a list of integers, or pow2(lo, hi) / range(lo, hi[, step])");
    }
    d->params.push_back(std::move(p));
  }
}

std::vector<desc::NamedText> ReadNamed(Reader& r, const toml::table& root, const char* section) {
  std::vector<desc::NamedText> named;
  if (const toml::table* t = r.Table(root, section, section)) {
    for (const auto& [name, node] : Reader::Ordered(*t)) {
      named.push_back({name, r.ExprText(*node, std::string(section) + "." + name)});
    }
  }
  return named;
}

void ReadRules(Reader& r, const toml::table& root, desc::DescriptionText* d) {
  if (const toml::table* c = r.Table(root, "check", "check")) {
    r.Known(*c, {"key", "config"}, "check");
    d->checks = r.Checks(*c, "key", "checks");
    d->constraints = r.Checks(*c, "config", "constraints");
  }
  if (const toml::table* t = r.Table(root, "defines", "defines")) {
    for (const auto& [name, node] : Reader::Ordered(*t)) {
      const std::string field = "defines." + name;
      desc::DefineText f;
      f.name = name;
      if (const toml::table* table = node->as_table()) {
        r.Known(*table, {"value", "when"}, field);
        f.value = r.Expr(*table, "value", field + ".value", "1");
        f.when = r.Expr(*table, "when", field + ".when", "true");
      } else {
        f.value = r.ExprText(*node, field + ".value");
      }
      d->defines.push_back(std::move(f));
    }
  }
  const toml::table* l = r.Table(root, "launch", "launch");
  if (l == nullptr) r.Fail(1, "launch", "missing: [launch] gives the global and local sizes");
  r.Known(*l, {"global", "local", "round_up", "local_memory"}, "launch");
  d->global = r.List(*l, "global", "launch.global", true);
  d->local = r.List(*l, "local", "launch.local", true);
  d->local_memory = r.Expr(*l, "local_memory", "launch.local_memory");
  if (const toml::node* round = l->get("round_up")) {
    if (!round->is_boolean()) r.Fail(Reader::Line(*round), "launch.round_up", "must be true or false");
    d->round_global = *round->value<bool>();
  }
}

void ReadArguments(Reader& r, const toml::table& root, desc::DescriptionText* d) {
  const toml::node* node = root.get("argument");
  if (node == nullptr) return;
  if (!node->is_array_of_tables()) r.Fail(Reader::Line(*node), "argument", "write each as [[argument]]");
  for (const toml::node& item : *node->as_array()) {
    const toml::table& t = *item.as_table();
    const std::string field = "arguments[" + std::to_string(d->args.size()) + "]";
    r.Known(t, {"name", "kind", "type", "value", "divisor", "size", "shape", "image", "access", "fill", "seed", "when"},
            field);
    desc::ArgText a;
    a.name = r.Str(t, "name", field + ".name", true);
    a.kind = r.Str(t, "kind", field + ".kind", true);
    a.type = r.Str(t, "type", field + ".type");
    if (a.type.empty()) a.type = a.kind == "scalar" ? "int" : "float";
    a.value = r.Expr(t, "value", field + ".value");
    a.divisor = r.Expr(t, "divisor", field + ".divisor", "1");
    a.size = r.Expr(t, "size", field + ".size");
    a.shape = r.List(t, "shape", field + ".shape", true);
    a.image = r.Expr(t, "image", field + ".image", "false");
    a.when = r.Expr(t, "when", field + ".when", "true");
    if (const toml::node* access = t.get("access")) a.access = r.Str(t, "access", field + ".access"), (void)access;
    if (t.get("fill") != nullptr) a.fill = r.Str(t, "fill", field + ".fill");
    a.seed = static_cast<int64_t>(r.Number(t, "seed", field + ".seed", 0));
    r.Note(field, item);
    d->args.push_back(std::move(a));
  }
}

void ReadVerify(Reader& r, const toml::table& root, const fs::path& base, desc::DescriptionText* d) {
  const toml::table* v = r.Table(root, "verify", "verify");
  if (v != nullptr) {
    r.Known(*v, {"reference", "kernel", "sources", "build_options", "global", "local", "rtol", "atol", "accumulate"},
            "verify");
    d->verify.reference = r.Str(*v, "reference", "verify.reference");
    if (d->verify.reference.empty()) d->verify.reference = "default";
    d->verify.kernel = r.Str(*v, "kernel", "verify.kernel");
    d->verify.kernel_options = r.Str(*v, "build_options", "verify.build_options");
    d->verify.kernel_global = r.List(*v, "global", "verify.global", true);
    d->verify.kernel_local = r.List(*v, "local", "verify.local", true);
    d->verify.rtol = r.Number(*v, "rtol", "verify.rtol", d->verify.rtol);
    d->verify.atol = r.Number(*v, "atol", "verify.atol", d->verify.atol);
    d->verify.accumulate = r.Expr(*v, "accumulate", "verify.accumulate");
    SourceJoiner joiner({});
    const std::vector<std::string> sources = r.List(*v, "sources", "verify.sources");
    for (size_t i = 0; i < sources.size(); ++i) {
      try {
        d->verify.kernel_source += joiner.Join(base / sources[i]);
      } catch (const std::exception& e) {
        const std::string field = "verify.sources[" + std::to_string(i) + "]";
        r.Fail(d->lines.count(field) != 0 ? d->lines.at(field) : 1, field, e.what());
      }
    }
  } else if (d->builtin) {
    d->verify.reference = "cpu";
  }
  if (const toml::table* m = r.Table(root, "metrics", "metrics")) {
    r.Known(*m, {"flops", "bytes"}, "metrics");
    d->flops = r.Expr(*m, "flops", "metrics.flops");
    d->bytes = r.Expr(*m, "bytes", "metrics.bytes");
  }
}

}  // namespace

std::string ReadTextFile(const std::string& path, size_t max_bytes) {
  // The runtime's reader: one open (no stat-then-open race with a FIFO put in its place).
  std::vector<uint8_t> bytes;
  const Status status = ReadFileBytes(path, &bytes, max_bytes);
  if (!status.ok()) throw std::runtime_error(status.message());
  return std::string(bytes.begin(), bytes.end());
}

desc::DescriptionPtr DecodeDescriptionBytes(const std::vector<uint8_t>& bytes, const std::string& origin) {
  desc::DescriptionText text;
  desc::DescriptionPtr description;
  std::string error;
  if (!desc::DecodeDescription(bytes.data(), bytes.size(), &text, &error) ||
      !desc::KernelDescription::Build(std::move(text), &description, &error)) {
    throw std::runtime_error(origin + ": " + error);
  }
  if (description->builtin()) throw std::runtime_error(origin + ": a built-in family's description");
  return description;
}

desc::DescriptionPtr LoadDescriptionFile(const std::string& path, bool builtin_ok) {
  if (fs::path(path).extension() == ".desc") {
    const std::string text = ReadTextFile(path, kMaxSourceBytes);
    return DecodeDescriptionBytes(std::vector<uint8_t>(text.begin(), text.end()), path);
  }
  return ParseDescriptionText(ReadTextFile(path, kMaxDescriptionBytes), path, builtin_ok);
}

desc::DescriptionPtr ParseDescriptionText(const std::string& text, const std::string& path, bool builtin_ok) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  desc::DescriptionText d;
  Reader r(path, &d);
  r.Known(root,
          {"kernel", "let", "parameters", "check", "defines", "launch", "defaults", "argument", "verify", "metrics"},
          "");
  const fs::path base = fs::path(path).parent_path();
  ReadKernel(r, root, base, builtin_ok, &d);
  d.lets = ReadNamed(r, root, "let");
  ReadParameters(r, root, &d);
  ReadRules(r, root, &d);
  d.defaults = ReadNamed(r, root, "defaults");
  ReadArguments(r, root, &d);
  ReadVerify(r, root, base, &d);
  const std::map<std::string, int> lines = d.lines;
  desc::DescriptionPtr description;
  std::string error;
  if (!desc::KernelDescription::Build(std::move(d), &description, &error)) {
    // "field: reason": the line of the field, or of its closest enclosing field that has one.
    std::string field = error.substr(0, error.find(": "));
    int line = 1;
    for (std::string f = field;;) {
      if (const auto it = lines.find(f); it != lines.end()) {
        line = it->second;
        break;
      }
      const size_t cut = f.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) break;
      f = f.substr(0, cut);
    }
    throw std::runtime_error(path + ":" + std::to_string(line) + ": " + error);
  }
  return description;
}

}  // namespace mace_tune
