#pragma once
// Re-running a recorded result: the scenario text, seed and options stored
// in a file are run again and every dataset is compared byte for byte.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/run.hpp"
#include "output/run_reader.hpp"

namespace incubsim {

struct VerifyResult {
  output::Provenance recorded;
  int threads = 1;                                     // threads used for the rerun
  std::vector<output::DatasetDifference> differences;  // empty: bit-identical
  std::size_t datasets_compared = 0;
  double seconds = 0.0;
  bool identical() const { return differences.empty(); }
};

/// Attributes that legitimately differ between a run and its rerun.
const std::vector<std::string>& verify_ignored_attributes();

/// Re-runs `file` (with its recorded thread count unless `threads` is given)
/// into a temporary file under `scratch_dir`, compares, and removes the
/// temporary file. Throws IoError / FormatError if `file` is unusable.
VerifyResult verify_run(const std::filesystem::path& file, std::optional<int> threads,
                        const std::filesystem::path& scratch_dir, RunObserver* observer = nullptr,
                        const std::atomic<bool>* stop = nullptr);

}  // namespace incubsim
