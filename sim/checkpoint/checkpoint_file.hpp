#pragma once
// Checkpoint files: everything needed to finish an interrupted run exactly
// as it would have finished. One HDF5 file (format "incubsim-checkpoint",
// docs/output-format.md): the run's provenance and final output path as
// root attributes, /state (the simulation, field by field), /output (every
// row the result file had received) and /summary (what the run prints at
// the end). Written under a temporary name and renamed over the previous
// checkpoint, so a kill at any moment leaves the last good one in place.
#include <filesystem>
#include <string>

#include "core/schedule.hpp"
#include "engine/run.hpp"
#include "engine/simulation.hpp"
#include "output/provenance.hpp"
#include "output/run_writer.hpp"

namespace incubsim::checkpoint {

inline constexpr const char* kFormat = "incubsim-checkpoint";
inline constexpr int kFormatMajor = 1;
inline constexpr int kFormatMinor = 0;

/// Where a run writing `output` keeps its checkpoint: `OUT.h5.ckpt.h5`.
std::filesystem::path default_path(const std::filesystem::path& output);

struct Header {
  output::Provenance provenance;  // of the run being checkpointed
  std::filesystem::path output;   // the result file it will write (absolute)
  Quarter next_quarter = 0;       // quarter a resume runs or continues
  std::string next_phase;         // its phase a resume runs first
  std::string reason;             // "periodic" or "signal"
  std::string written;            // UTC time the checkpoint was written
  std::string resumed;            // earlier resumes of this run, "; "-separated ("" if none)
  int checkpoint_every = 0;       // the run's --checkpoint-every (0: none)
};

/// Writes `sim` (between quarters), the rows `writer` has received and the
/// partial `summary` to `path`, atomically. Throws IoError naming `path`
/// when it cannot be written; an older checkpoint is then left untouched.
void write(const std::filesystem::path& path, const Header& header, Simulation& sim,
           output::RunWriter& writer, const RunSummary& summary);

/// Reads and checks the header: the format, and that this very build
/// (version and git SHA) wrote it, since /state is laid out by the build.
/// Throws IoError (unreadable) or FormatError (not a checkpoint, or another
/// build's), each saying what to do.
Header read_header(const std::filesystem::path& path);

/// Restores a fresh Simulation (made from the header's scenario, not
/// initialized), appends the saved rows to a writer just created with the
/// same series, and returns the partial summary.
RunSummary restore(const std::filesystem::path& path, Simulation& sim, output::RunWriter& writer);

}  // namespace incubsim::checkpoint
