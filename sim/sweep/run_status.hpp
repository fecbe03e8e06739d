#pragma once
// Where each run of a sweep stands, read from the sweep directory alone:
// a run is done when its result file exists (written under a temporary
// name and renamed, so it is complete), failed when its .failed record
// exists, pending otherwise. Every worker, shard and rank decides what to
// do from these files, which is what makes a killed sweep resumable.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sweep/manifest.hpp"

namespace incubsim {

enum class RunState : std::uint8_t { pending = 0, done = 1, failed = 2 };
std::string_view to_string(RunState s);

/// A share of a sweep's runs: run ids r with r % count == index.
struct Shard {
  int index = 0;
  int count = 1;
  bool contains(std::int64_t run_id) const { return run_id % count == index; }
};

/// Parses "K/N" (0 <= K < N). Throws UsageError with the expected form.
Shard parse_shard(const std::string& text);

RunState run_state(const std::filesystem::path& dir, std::int64_t run_id);

/// The error recorded for a failed run (nullopt if it did not fail).
std::optional<std::string> read_failure(const std::filesystem::path& dir, std::int64_t run_id);

/// Records that run `run_id` failed with `message` (atomically: temporary
/// file, then rename). Throws IoError if the record cannot be written.
void record_failure(const std::filesystem::path& dir, std::int64_t run_id,
                    const std::string& message);

struct SweepTally {
  std::int64_t total = 0, done = 0, failed = 0, pending = 0;
};

/// The runs of `shard` still to do, in run order, and the tally of that
/// shard. With `retry_failed`, failed runs count as pending.
std::vector<std::int64_t> runs_to_do(const std::filesystem::path& dir, const Manifest& m,
                                     const Shard& shard, bool retry_failed, SweepTally* tally);

/// Removes temporary files (`run-*.tmp-*`) that runs of `shard` killed
/// mid-write left under `dir/runs`; returns how many. Only this shard's
/// workers write those names, so call it before they start.
int remove_stale_temporaries(const std::filesystem::path& dir, const Shard& shard);

}  // namespace incubsim
