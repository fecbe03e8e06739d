#include "core/errors.hpp"

namespace incubsim {
namespace {
std::string where(const std::string& file, int line, const std::string& key) {
  std::string s = file.empty() ? std::string("<scenario>") : file;
  if (line > 0) s += ":" + std::to_string(line);
  if (!key.empty()) s += ": " + key;
  return s;
}
}  // namespace

ScenarioError::ScenarioError(std::string file, int line, std::string key, const std::string& what)
    : Error(where(file, line, key) + ": " + what),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

IoError::IoError(std::string path, const std::string& what)
    : Error(path + ": " + what), path_(std::move(path)) {}

FormatError::FormatError(std::string path, const std::string& what)
    : Error(path + ": " + what), path_(std::move(path)) {}

}  // namespace incubsim
