// SPDX-License-Identifier: Apache-2.0
// Parsing of profiles.ini (the embedded one, or any text: the fuzzer) and the fingerprint matcher.
#include "device_profiles/device_profile.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace mace_tune {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedProfileFiles();
}  // namespace detail

namespace {

using Sections = detail::ProfileSections;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

Sections Parse() {
  Sections sections;
  for (const auto& [file, text] : detail::EmbeddedProfileFiles()) {
    Sections part = detail::ParseProfiles(text, std::string(file) + ".ini");
    sections.insert(sections.end(), part.begin(), part.end());
  }
  return sections;
}

const Sections& All() {
  static const Sections kSections = Parse();
  return kSections;
}

const std::map<std::string, std::string>* Find(const Sections& sections, const std::string& name) {
  for (const auto& [section, values] : sections) {
    if (section == name) return &values;
  }
  return nullptr;
}

bool NameMatches(const std::string& patterns, const std::string& device_name) {
  std::istringstream in(patterns);
  for (std::string p; std::getline(in, p, '|');) {
    p = Trim(p);
    if (!p.empty() && Lower(device_name).find(Lower(p)) != std::string::npos) return true;
  }
  return false;
}

int Rank(const std::string& level) {
  if (level == "device") return 3;
  if (level == "architecture") return 2;
  if (level == "vendor") return 1;
  return 0;
}

}  // namespace

std::string DeviceProfile::Get(const std::string& key, const std::string& fallback) const {
  const auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

long DeviceProfile::GetInt(const std::string& key, long fallback) const {
  const std::string v = Get(key);
  try {
    return v.empty() ? fallback : std::stol(v);
  } catch (const std::exception&) {
    return fallback;
  }
}

std::string NormalizeVendor(const DeviceFingerprint& f) {
  const std::string platform = Lower(f.platform_name);
  if (platform.find("portable computing language") != std::string::npos) return "pocl";
  const std::string vendor = Lower(f.device_vendor);
  for (const char* known : {"nvidia", "qualcomm", "intel", "imagination", "amd", "apple"}) {
    if (vendor.find(known) != std::string::npos) return known;
  }
  if (vendor.find("advanced micro devices") != std::string::npos) return "amd";
  if (vendor == "arm" || vendor.find("arm ") == 0 || vendor.find("arm,") == 0) return "arm";
  return vendor;
}

namespace detail {

ProfileSections ParseProfiles(std::string_view text, const std::string& file) {
  ProfileSections sections;
  std::istringstream in{std::string(text)};
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      sections.emplace_back(line.substr(1, line.size() - 2), std::map<std::string, std::string>{});
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos || sections.empty()) {
      throw std::invalid_argument(file + ":" + std::to_string(line_no) + ": bad line");
    }
    sections.back().second[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return sections;
}

DeviceProfile MatchProfileIn(const ProfileSections& sections, const DeviceFingerprint& f) {
  const std::string vendor = NormalizeVendor(f);
  std::string best = "default";
  int best_rank = -1;
  for (const auto& [name, values] : sections) {
    const auto level_it = values.find("level");
    const int rank = Rank(level_it == values.end() ? std::string() : level_it->second);
    bool match = rank == 0;
    if (const auto v = values.find("match_vendor"); v != values.end()) match = v->second == vendor;
    if (const auto n = values.find("match_name"); n != values.end()) {
      // An architecture or device entry matches by name within its parent's vendor.
      match = NameMatches(n->second, f.device_name);
      const auto parent = values.find("parent");
      if (match && parent != values.end()) {
        if (const auto* p = Find(sections, parent->second); p != nullptr) {
          const auto pv = p->find("match_vendor");
          if (pv != p->end() && pv->second != vendor) match = false;
        }
      }
    }
    if (match && rank > best_rank) {
      best = name;
      best_rank = rank;
    }
  }
  DeviceProfile profile;
  profile.name = best;
  // At most one step per section: a parent cycle in the data ends the chain, not the process.
  for (std::string name = best; !name.empty() && profile.chain.size() < sections.size();) {
    const auto* values = Find(sections, name);
    if (values == nullptr) break;
    profile.chain.push_back(name);
    for (const auto& [k, v] : *values) profile.values.emplace(k, v);  // child's value wins
    const auto parent = values->find("parent");
    name = parent == values->end() ? std::string() : parent->second;
  }
  profile.level = profile.Get("level", "default");
  return profile;
}

}  // namespace detail

DeviceProfile MatchProfile(const DeviceFingerprint& f) { return detail::MatchProfileIn(All(), f); }

std::vector<std::string> ProfileNames() {
  std::vector<std::string> names;
  for (const auto& [name, values] : All()) names.push_back(name);
  return names;
}

}  // namespace mace_tune
