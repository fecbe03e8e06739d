#include "sweep/run_status.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "output/file_commit.hpp"

namespace incubsim {
namespace {

/// The run id in "run-00000042.h5.tmp-123" or "run-00000042.failed.tmp-9";
/// nullopt for other names.
std::optional<std::int64_t> temp_run_id(const std::string& name) {
  if (name.rfind("run-", 0) != 0 || name.find(".tmp-") == std::string::npos) return std::nullopt;
  std::int64_t id = 0;
  const char* first = name.data() + 4;
  const char* last = name.data() + name.size();
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || end == first || *end != '.') return std::nullopt;
  return id;
}

}  // namespace

std::string_view to_string(RunState s) {
  switch (s) {
    case RunState::pending: return "pending";
    case RunState::done: return "done";
    case RunState::failed: return "failed";
  }
  return "?";
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  const auto parse = [&](std::string_view part, int& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !parse(all.substr(0, slash), s.index) ||
      !parse(all.substr(slash + 1), s.count) || s.count < 1 || s.index < 0 || s.index >= s.count)
    throw UsageError("--shard '" + text +
                     "' is not K/N with 0 <= K < N (a Slurm array passes "
                     "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT with --array=0-(N-1))");
  return s;
}

RunState run_state(const std::filesystem::path& dir, std::int64_t run_id) {
  std::error_code ec;
  if (std::filesystem::exists(run_result_path(dir, run_id), ec)) return RunState::done;
  if (std::filesystem::exists(run_failure_path(dir, run_id), ec)) return RunState::failed;
  return RunState::pending;
}

std::optional<std::string> read_failure(const std::filesystem::path& dir, std::int64_t run_id) {
  std::ifstream in(run_failure_path(dir, run_id), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void record_failure(const std::filesystem::path& dir, std::int64_t run_id,
                    const std::string& message) {
  const auto final_path = run_failure_path(dir, run_id);
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  const auto temp = output::temp_path_for(final_path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << message << "\n";
    out.flush();
    if (!out) {
      std::filesystem::remove(temp, ec);
      throw IoError(final_path.string(), "cannot record the run's failure; is the disk full?");
    }
  }
  try {
    output::move_into_place(temp, final_path);
  } catch (...) {
    std::filesystem::remove(temp, ec);
    throw;
  }
}

std::vector<std::int64_t> runs_to_do(const std::filesystem::path& dir, const Manifest& m,
                                     const Shard& shard, bool retry_failed, SweepTally* tally) {
  std::vector<std::int64_t> todo;
  SweepTally t;
  for (const auto& run : m.runs) {
    if (!shard.contains(run.run_id)) continue;
    ++t.total;
    switch (run_state(dir, run.run_id)) {
      case RunState::done: ++t.done; break;
      case RunState::failed:
        if (!retry_failed) {
          ++t.failed;
          break;
        }
        [[fallthrough]];
      case RunState::pending:
        ++t.pending;
        todo.push_back(run.run_id);
        break;
    }
  }
  if (tally) *tally = t;
  return todo;
}

int remove_stale_temporaries(const std::filesystem::path& dir, const Shard& shard) {
  int removed = 0;
  std::error_code ec;
  const auto runs = dir / "runs";
  if (!std::filesystem::is_directory(runs, ec)) return 0;
  for (auto it = std::filesystem::recursive_directory_iterator(runs, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto id = temp_run_id(it->path().filename().string());
    if (!id || !shard.contains(*id)) continue;
    std::error_code rm;
    if (std::filesystem::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

}  // namespace incubsim
