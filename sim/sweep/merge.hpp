#pragma once
// Merging a sweep: every run's result file in DIR (written by `incubsim sweep
// run`, or by `incubsim run` with the manifest's overrides) becomes one row of
// one file, format "incubsim-sweep", that an analysis reads at once:
//
//   /                 root attributes: provenance, the sweep, run counts
//   /parameters       copied from the manifest
//   /points           copied from the manifest
//   /runs             one row per run: ids, seed, parameter values, status
//                     (enum /types/run_status done|failed|missing), error, file
//   /summary          one row per run: one float64 per kept metric (flows
//                     summed, ratio flows averaged, stocks at the last quarter)
//   /series           (layout copy) quarter + one (runs x quarters) float64
//                     dataset per kept metric
//   /run_files        (layout links) an external link per done run to its file
//
// Rows are indexed by run id in every table, so row i of /runs, /summary and
// each /series dataset describe the same run. Runs that are not done are
// never filled in silently: their rows are NaN and /runs/status says why,
// and without `allow_missing` the merge refuses to write anything at all.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace incubsim {

inline constexpr const char* kSweepFormat = "incubsim-sweep";
inline constexpr int kSweepFormatMajor = 1;
inline constexpr int kSweepFormatMinor = 0;

/// How per-quarter series reach the merged file. `copy` makes it
/// self-contained (the sweep directory may then be deleted); `links` keeps it
/// small but needs the run files to stay where they are relative to it;
/// `none` keeps only the per-run summary.
enum class SeriesLayout : std::uint8_t { copy = 0, links = 1, none = 2 };
std::string_view to_string(SeriesLayout layout);
/// "copy" | "links" | "none"; throws UsageError naming the choices.
SeriesLayout parse_series_layout(const std::string& text);

struct MergeOptions {
  SeriesLayout series = SeriesLayout::copy;
  bool allow_missing = false;               // write the file although runs failed or are missing
  bool overwrite = false;                   // replace an existing output file (--force)
  std::string command_line;                 // recorded as provenance
  const std::atomic<bool>* stop = nullptr;  // set (by a signal) to abandon the merge
};

struct FailedRun {
  std::int64_t run_id = 0;
  std::string error;  // the run's .failed record
};

/// What a merge found and wrote, for the caller to print.
struct MergeReport {
  std::string sweep_name;
  std::int64_t runs_total = 0, runs_done = 0, runs_failed = 0, runs_missing = 0;
  std::vector<std::int64_t> missing;  // run ids, ascending
  std::vector<FailedRun> failed;      // ascending run id
  std::size_t metrics = 0;            // summary columns (and series datasets)
  std::size_t quarters = 0;           // recorded quarters (union over done runs)
  SeriesLayout series = SeriesLayout::copy;
  double seconds = 0.0;
  std::uint64_t bytes = 0;  // size of the merged file
};

/// "200 runs: 190 done, 2 failed (runs 5, 9), 8 missing (runs 3, 7, ...)":
/// the counts and the first few ids of each kind.
std::string describe_counts(const MergeReport& report);

/// Merges the runs of the sweep in `dir` into `out`, written atomically
/// (temporary name, renamed when complete). A library function rather than
/// CLI code so that tests and tools (a notebook, `sweep run` merging on
/// completion) merge exactly as `incubsim sweep merge` does.
///
/// Throws, leaving no file behind: IoError if `out` exists and
/// !overwrite, or a file cannot be read or written; IncompleteError (exit
/// status 6, message from describe_counts with the failed runs' errors) if
/// runs failed or are missing and !allow_missing; FormatError if the
/// manifest or a run file is not what it should be (with allow_missing, an
/// unreadable run file is merged as failed instead); Interrupted if *stop
/// became true.
MergeReport merge_sweep(const std::filesystem::path& dir, const std::filesystem::path& out,
                        const MergeOptions& options);

}  // namespace incubsim
