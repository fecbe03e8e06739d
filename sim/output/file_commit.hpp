#pragma once
// Writing a result file so that a file at the final path is always
// complete: it is created as `<final>.tmp-<pid>` beside the final path, and
// moved into place (flushed to disk, then renamed, which atomically replaces
// an older file) only once everything is written. Shared by RunWriter and
// the comparison writer.
#include <filesystem>
#include <string>

#include "core/errors.hpp"

namespace incubsim::output {

/// `<final_path>.tmp-<pid>`.
std::filesystem::path temp_path_for(const std::filesystem::path& final_path);

/// The system's text for an errno value ("Permission denied").
std::string errno_text(int error);

/// Creates (truncating) `temp` with POSIX first, so a failure carries the
/// system's reason rather than an HDF5 stack. Throws IoError naming
/// `final_path`, also when it is a directory.
void probe_writable(const std::filesystem::path& final_path, const std::filesystem::path& temp);

/// fsyncs the closed file `temp` and renames it onto `final_path`. Throws
/// IoError (naming `temp` if flushing failed, `final_path` if the rename
/// did); the caller removes `temp` then.
void move_into_place(const std::filesystem::path& temp, const std::filesystem::path& final_path);

/// The error a writer reports when finishing its file failed: it names the
/// final path, keeps the cause and says nothing was left behind.
IoError write_failure(const std::filesystem::path& final_path, const IoError& cause);

/// fsyncs the directory holding `file` so the rename is durable; some
/// filesystems refuse, which is ignored (the rename already happened).
void sync_directory_best_effort(const std::filesystem::path& file);

}  // namespace incubsim::output
