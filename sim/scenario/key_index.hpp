#pragma once
// Lookup of scenario keys and sections in the parameter registry, and the
// "did you mean" hints the loader gives for names it does not know.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/params.hpp"

namespace incubsim {

class KeyIndex {
 public:
  /// `specs` must outlive the index.
  explicit KeyIndex(const std::vector<ParamSpec>& specs);

  /// The parameter named `key`, or nullptr.
  const ParamSpec* find(std::string_view key) const;
  /// True for a section ("firms", "funds.angel") and for a parent of one.
  bool is_section(std::string_view path) const;
  /// Sections in registry order.
  const std::vector<std::string>& sections() const { return sections_; }

  /// Error text for an unknown key: a suggestion, or the keys to choose from.
  std::string unknown_key_message(const std::string& key) const;
  /// Error text for an unknown section: a suggestion, or the sections.
  std::string unknown_section_message(const std::string& path) const;

 private:
  std::vector<std::string> names_in(const std::string& section) const;
  std::string section_list() const;

  const std::vector<ParamSpec>& specs_;
  std::map<std::string, std::size_t, std::less<>> by_key_;
  std::vector<std::string> keys_;
  std::vector<std::string> sections_;
};

}  // namespace incubsim
