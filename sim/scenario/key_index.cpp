#include "scenario/key_index.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace incubsim {
namespace {

std::string parent_of(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? std::string() : key.substr(0, dot);
}

std::string last_of(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& x : items) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

KeyIndex::KeyIndex(const std::vector<ParamSpec>& specs) : specs_(specs) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    by_key_.emplace(specs_[i].key, i);
    keys_.push_back(specs_[i].key);
    // A section and every parent of it ("funds" for "funds.angel").
    for (std::string s = specs_[i].section(); !s.empty(); s = parent_of(s))
      if (std::find(sections_.begin(), sections_.end(), s) == sections_.end())
        sections_.push_back(s);
  }
}

const ParamSpec* KeyIndex::find(std::string_view key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &specs_[it->second];
}

bool KeyIndex::is_section(std::string_view path) const {
  return std::find(sections_.begin(), sections_.end(), path) != sections_.end();
}

std::vector<std::string> KeyIndex::names_in(const std::string& section) const {
  std::vector<std::string> out;
  for (const auto& p : specs_)
    if (p.section() == section) out.push_back(p.name());
  return out;
}

std::string KeyIndex::section_list() const {
  return "valid sections: " + join(sections_);
}

std::string KeyIndex::unknown_key_message(const std::string& key) const {
  const std::string section = parent_of(key);
  const bool known_section = is_section(section);
  // Candidates: the nearest key overall (catches a misspelt section), and
  // the nearest name within the same section (catches a misspelt name whose
  // full key is long enough to hide the typo from the first search).
  std::vector<std::string> candidates;
  if (known_section) {
    const std::string name = nearest(last_of(key), names_in(section));
    if (!name.empty()) candidates.push_back(section + "." + name);
  }
  if (const std::string full = nearest(key, keys_); !full.empty()) candidates.push_back(full);
  if (!known_section) {
    // A key written outside its section ("fixed_cost" at the top level):
    // suggest it only if exactly one section has a key of that name.
    std::vector<std::string> matches;
    for (const auto& p : specs_)
      if (p.name() == last_of(key)) matches.push_back(p.key);
    if (matches.size() == 1) candidates.push_back(matches.front());
  }
  if (!candidates.empty()) {
    const auto best = std::min_element(candidates.begin(), candidates.end(),
                                       [&](const std::string& a, const std::string& b) {
                                         return edit_distance(key, a) < edit_distance(key, b);
                                       });
    return "unknown key; did you mean '" + *best + "'?";
  }
  if (known_section)
    return "unknown key; valid keys of [" + section + "]: " + join(names_in(section));
  if (section.empty()) return "unknown key; keys belong in a section, " + section_list();
  return "unknown key: there is no section [" + section + "]; " + section_list();
}

std::string KeyIndex::unknown_section_message(const std::string& path) const {
  if (const std::string s = nearest(path, sections_); !s.empty())
    return "unknown section; did you mean '" + s + "'?";
  if (find(path) == nullptr) {
    // "market.sector_weigths" written as a table: the key itself is misspelt.
    const std::string k = nearest(path, keys_);
    if (!k.empty()) return "unknown section; did you mean the key '" + k + "'?";
  }
  return "unknown section; " + section_list();
}

}  // namespace incubsim
