#pragma once
// Shared fixtures for unit tests: small scenarios and scratch directories.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/run_reader.hpp"
#include "scenario/scenario.hpp"

namespace incubsim::testing {

/// The whole file as bytes.
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A small but complete ecosystem that runs in milliseconds.
inline Scenario small_scenario(int quarters = 12) {
  Scenario s;
  s.simulation.quarters = quarters;
  s.simulation.burn_in = 0;
  s.researchers.count = 600;
  s.researchers.institutions = 4;
  s.firms.initial_count = 250;
  s.firms.founders_per_quarter = 8;
  s.incubators.count = 4;
  s.incubators.capacity_mean = 12;
  for (auto& t : s.funds.types)
    t.initial_count = t.initial_count > 0 ? std::max(1, t.initial_count / 8) : 0;
  return s;
}

/// A fresh directory under the system temp directory, removed with
/// everything in it at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "incubsim-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    // A test may have made the directory read-only; make it removable.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  /// Names of the entries in the directory.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      names.push_back(entry.path().filename().string());
    return names;
  }

  /// Writes `text` to `name` (relative to the directory) and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// One line per differing dataset, for assertion messages.
inline std::string describe(const std::vector<output::DatasetDifference>& differences) {
  std::string text;
  for (const auto& d : differences) text += d.path + ": " + d.what + "\n";
  return text;
}

}  // namespace incubsim::testing
