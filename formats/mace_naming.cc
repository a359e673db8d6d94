// SPDX-License-Identifier: Apache-2.0
// MACE's names for keys, programs and devices (mace_naming.h); the facts and their sources are in
// docs/formats.md "MACE's files".
#include "formats/mace_naming.h"

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace mace_tune {
namespace {

struct Token {
  bool placeholder = false;
  std::string text;  // literal text, or the placeholder's name
};

// The pattern as literal text and placeholders; throws for a malformed one.
std::vector<Token> Tokens(const std::string& pattern) {
  std::vector<Token> tokens;
  for (size_t pos = 0; pos < pattern.size();) {
    const size_t open = pattern.find('{', pos);
    if (open != pos) {
      const std::string literal = pattern.substr(pos, open - pos);
      if (literal.find('}') != std::string::npos) throw std::runtime_error("'}' without '{' in " + pattern);
      tokens.push_back({false, literal});
      if (open == std::string::npos) break;
    }
    const size_t close = pattern.find('}', open);
    if (close == std::string::npos) throw std::runtime_error("unclosed '{' in " + pattern);
    const std::string name = pattern.substr(open + 1, close - open - 1);
    if (name.empty() || name.find('{') != std::string::npos) throw std::runtime_error("bad placeholder in " + pattern);
    // Text between placeholders keeps a MACE key readable back into one tuning key.
    if (!tokens.empty() && tokens.back().placeholder) {
      throw std::runtime_error("placeholders {" + tokens.back().text + "}{" + name + "} need text between them in " +
                               pattern);
    }
    tokens.push_back({true, name});
    pos = close + 1;
  }
  return tokens;
}

std::string RegexEscape(const std::string& text) {
  static const std::string special = "\\^$.|?*+()[]{}";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

MaceKeyTemplate MaceKeyTemplate::Parse(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw std::runtime_error("--mace-key " + spec +
                             ": expected FAMILY=TEMPLATE, e.g. bias_relu=bias_relu_{N}_{H}_{W}_{C}");
  }
  MaceKeyTemplate t{spec.substr(0, eq), spec.substr(eq + 1)};
  try {
    Tokens(t.pattern);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("--mace-key " + spec + ": " + e.what());
  }
  return t;
}

std::vector<std::string> MaceKeyTemplate::Placeholders() const {
  std::vector<std::string> names;
  for (const Token& t : Tokens(pattern)) {
    if (t.placeholder) names.push_back(t.text);
  }
  return names;
}

std::string MaceKeyTemplate::Check(const std::vector<std::string>& dims, bool need_all) const {
  const std::vector<std::string> names = Placeholders();
  for (const auto& name : names) {
    if (name != "dtype" && std::find(dims.begin(), dims.end(), name) == dims.end()) {
      return "{" + name + "} is not a dim of " + family;
    }
  }
  for (const auto& dim : dims) {
    if (need_all && std::find(names.begin(), names.end(), dim) == names.end()) {
      return "it does not name {" + dim + "}, so a MACE key cannot be read back into a tuning key";
    }
  }
  return {};
}

std::string MaceKeyTemplate::Render(const TuningKey& key) const {
  std::string out;
  for (const Token& t : Tokens(pattern)) {
    if (!t.placeholder) {
      out += t.text;
    } else {
      out += t.text == "dtype" ? key.dtype : std::to_string(key.Dim(t.text, 0));
    }
  }
  return out;
}

std::optional<TuningKey> MaceKeyTemplate::Match(const std::string& mace_key) const {
  const std::vector<Token> tokens = Tokens(pattern);
  std::string expr;
  for (const Token& t : tokens) {
    expr += !t.placeholder ? RegexEscape(t.text) : t.text == "dtype" ? "([A-Za-z0-9]+)" : "([0-9]{1,10})";
  }
  std::smatch m;
  if (!std::regex_match(mace_key, m, std::regex(expr))) return std::nullopt;
  TuningKey key;
  key.family = family;
  size_t group = 1;
  for (const Token& t : tokens) {
    if (!t.placeholder) continue;
    const std::string value = m[group++].str();
    if (t.text == "dtype") {
      key.dtype = value;
    } else {
      key.shape[t.text] = std::stoll(value);
    }
  }
  if (Render(key) != mace_key) return std::nullopt;  // leading zeros, a dim named twice with two values
  return key;
}

const MaceKeyTemplate* FindMaceKeyTemplate(const std::vector<MaceKeyTemplate>& templates, const std::string& family) {
  for (const auto& t : templates) {
    if (t.family == family) return &t;
  }
  return nullptr;
}

std::string MaceProgramKey(const std::string& program, const std::string& options) {
  std::set<std::string> words;  // MACE keeps its options in a std::set<std::string>
  std::istringstream in(options);
  for (std::string word; in >> word;) words.insert(word);
  std::string key = program;
  for (const auto& word : words) key += " " + word;
  return key;
}

std::string MacePlatformInfo(const std::string& name, const std::string& profile, const std::string& version,
                             const std::string& mace_version) {
  std::string info = name + ", " + profile + ", " + version;
  if (!mace_version.empty()) info += ", " + mace_version;
  return info;
}

std::string MaceDeviceName(const std::string& device_name, const std::string& device_version) {
  if (device_name == "QUALCOMM Adreno(TM)") {
    size_t pos = device_version.find(' ');
    if (pos != std::string::npos) pos = device_version.find(' ', pos + 1);
    return pos == std::string::npos ? std::string() : device_version.substr(pos + 1);
  }
  const bool known = device_name.find("Mali") != std::string::npos || device_name.find("PowerVR") != std::string::npos;
  return known ? device_name : std::string();
}

std::vector<uint32_t> MaceTunedValues(uint32_t dims, const std::array<uint32_t, 3>& lws) {
  std::vector<uint32_t> values;
  for (uint32_t i = 0; i < dims && i < 3; ++i) values.push_back(lws[i]);
  values.push_back(0);
  return values;
}

}  // namespace mace_tune
