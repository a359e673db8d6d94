// SPDX-License-Identifier: Apache-2.0
// Parsing and printing of tuning keys and parameter lists.
#include "mace_tune/tuning_key.h"

#include <cctype>
#include <charconv>

namespace mace_tune {
namespace {

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string FormatParams(const ParamMap& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += ',';
    out += name + '=' + std::to_string(value);
  }
  return out;
}

Status ParseParams(std::string_view text, ParamMap* out) noexcept {
  try {
    ParamMap params;
    text = Trim(text);
    while (!text.empty()) {
      const size_t comma = text.find(',');
      const std::string_view item = Trim(text.substr(0, comma));
      text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
      const size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        return Status(StatusCode::kInvalidArgument, "expected NAME=VALUE, got '" + std::string(item) + "'");
      }
      const std::string_view name = Trim(item.substr(0, eq));
      const std::string_view value_text = Trim(item.substr(eq + 1));
      int64_t value = 0;
      const auto [end, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
      if (!IsName(name) || ec != std::errc() || end != value_text.data() + value_text.size()) {
        return Status(StatusCode::kInvalidArgument, "bad parameter '" + std::string(item) + "'");
      }
      if (!params.emplace(std::string(name), value).second) {
        return Status(StatusCode::kInvalidArgument, "parameter '" + std::string(name) + "' given twice");
      }
    }
    *out = std::move(params);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::string TuningKey::ToString() const { return family + ':' + FormatParams(shape) + ':' + dtype; }

int64_t TuningKey::Dim(const std::string& name, int64_t fallback) const {
  const auto it = shape.find(name);
  return it == shape.end() ? fallback : it->second;
}

Status TuningKey::Parse(std::string_view text, TuningKey* out) noexcept {
  try {
    text = Trim(text);
    const size_t first = text.find(':');
    const size_t last = text.rfind(':');
    if (first == std::string_view::npos || first == last) {
      return Status(StatusCode::kInvalidArgument,
                    "tuning key '" + std::string(text) + "' is not of the form family:N=V,...:dtype");
    }
    TuningKey key;
    key.family = std::string(Trim(text.substr(0, first)));
    key.dtype = std::string(Trim(text.substr(last + 1)));
    if (!IsName(key.family) || !IsName(key.dtype)) {
      return Status(StatusCode::kInvalidArgument, "tuning key '" + std::string(text) + "': bad family or dtype");
    }
    Status status = ParseParams(text.substr(first + 1, last - first - 1), &key.shape);
    if (!status.ok()) {
      return Status(status.code(), "tuning key '" + std::string(text) + "': " + status.message());
    }
    *out = std::move(key);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

}  // namespace mace_tune
