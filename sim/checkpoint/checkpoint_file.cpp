#include "checkpoint/checkpoint_file.hpp"

#include "checkpoint/h5_archive.hpp"
#include "core/errors.hpp"
#include "core/version.hpp"
#include "output/file_commit.hpp"
#include "output/h5.hpp"
#include "output/provenance_attrs.hpp"

namespace incubsim::checkpoint {
namespace h5 = output::h5;
namespace {

std::string format_version() {
  return std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor);
}

// The partial summary: a resumed run prints what the whole run would have.
void archive_summary(StateArchive& ar, RunSummary& summary) {
  const StateArchive::Scope scope(ar, "summary");
  std::vector<Quarter> quarters;
  std::vector<MetricRow> rows;
  for (const auto& [q, row] : summary.snapshots) {
    quarters.push_back(q);
    rows.push_back(row);
  }
  ar.field("snapshot_quarters", quarters);
  ar.field("snapshot_rows", rows);
  ar.field("totals", summary.totals);
  ar.field("events", summary.events);
  if (ar.loading()) {
    if (quarters.size() != rows.size()) ar.corrupt("snapshot_rows", "length differs");
    summary.snapshots.clear();
    for (std::size_t k = 0; k < rows.size(); ++k)
      summary.snapshots.emplace_back(quarters[k], rows[k]);
  }
}

void write_header(hid_t root, const Header& h) {
  h5::write_attribute(root, "format", std::string_view(kFormat));
  h5::write_attribute(root, "format_version", format_version());
  output::write_provenance_attributes(root, h.provenance);
  h5::write_attribute(root, "output", h.output.string());
  h5::write_attribute(root, "next_quarter", static_cast<std::int64_t>(h.next_quarter));
  h5::write_attribute(root, "next_phase", h.next_phase);
  h5::write_attribute(root, "reason", h.reason);
  h5::write_attribute(root, "written", output::utc_now_iso8601());
  h5::write_attribute(root, "resumed", h.resumed);
  h5::write_attribute(root, "checkpoint_every", static_cast<std::int64_t>(h.checkpoint_every));
  // The build that wrote it, checked on resume (provenance holds the run's).
  h5::write_attribute(root, "written_by_version", std::string(version()));
  h5::write_attribute(root, "written_by_git_sha", std::string(git_sha()));
}

}  // namespace

std::filesystem::path default_path(const std::filesystem::path& output) {
  return output.string() + ".ckpt.h5";
}

void write(const std::filesystem::path& path, const Header& header, Simulation& sim,
           output::RunWriter& writer, const RunSummary& summary) {
  const h5::ErrorSilencer quiet;
  const std::filesystem::path temp = output::temp_path_for(path);
  output::probe_writable(path, temp);
  try {
    h5::File file = h5::create_file(temp.string());
    write_header(file.get(), header);
    {
      const h5::Group state = h5::open_or_create_group(file.get(), "/state");
      H5StateWriter ar(state.get());
      sim.archive(ar);
      RunSummary copy = summary;
      archive_summary(ar, copy);
    }
    {
      const h5::Group rows = h5::open_or_create_group(file.get(), "/output");
      writer.save_rows(rows.get());
    }
    h5::close_file(file, temp.string());
    output::move_into_place(temp, path);
  } catch (const IoError& e) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    if (e.path() == path.string()) throw;
    throw IoError(path.string(), std::string("cannot write checkpoint (") + e.what() +
                                     "); check free space and quotas");
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
  output::sync_directory_best_effort(path);
}

Header read_header(const std::filesystem::path& path) {
  const h5::ErrorSilencer quiet;
  const h5::File file = h5::open_file_read_only(path.string());
  const hid_t root = file.get();
  const auto text = [&](const char* name) {
    return h5::read_string_attribute(root, name).value_or("");
  };
  const std::string format = text("format");
  if (format != kFormat) {
    throw FormatError(path.string(),
                      format.empty()
                          ? std::string("not an incubsim checkpoint: no 'format' attribute")
                          : "not an incubsim checkpoint: its format is '" + format +
                                "', expected '" + kFormat + "'");
  }
  const std::string version_text = text("format_version");
  if (version_text.rfind(std::to_string(kFormatMajor) + ".", 0) != 0) {
    throw FormatError(path.string(), "checkpoint format " + version_text + ", this build reads " +
                                         format_version() +
                                         "; resume it with the build that wrote it");
  }
  const std::string by_version = text("written_by_version");
  const std::string by_sha = text("written_by_git_sha");
  if (by_version != version() || by_sha != git_sha()) {
    throw FormatError(path.string(),
                      "written by incubsim " + by_version + " (" + by_sha + "), this is incubsim " +
                          std::string(version()) + " (" + std::string(git_sha()) +
                          "): a checkpoint holds the state as its build lays it "
                          "out, so resume it with that build, or rerun from the start");
  }
  Header h;
  h.provenance = output::read_provenance_attributes(root);
  h.output = text("output");
  h.next_quarter = static_cast<Quarter>(h5::read_int_attribute(root, "next_quarter").value_or(-1));
  h.next_phase = text("next_phase");
  h.reason = text("reason");
  h.written = text("written");
  h.resumed = text("resumed");
  h.checkpoint_every =
      static_cast<int>(h5::read_int_attribute(root, "checkpoint_every").value_or(0));
  if (h.output.empty() || h.next_quarter < 0 || h.provenance.scenario.empty())
    throw FormatError(path.string(),
                      "checkpoint header incomplete: it is damaged; rerun from the start");
  for (const char* group : {"/state", "/output"}) {
    if (!h5::exists(root, group))
      throw FormatError(path.string(), std::string("checkpoint has no ") + group +
                                           " group: it is damaged; rerun from the start");
  }
  return h;
}

RunSummary restore(const std::filesystem::path& path, Simulation& sim, output::RunWriter& writer) {
  const h5::ErrorSilencer quiet;
  const h5::File file = h5::open_file_read_only(path.string());
  RunSummary summary;
  {
    const h5::Group state = h5::open_group(file.get(), "/state");
    H5StateReader ar(state.get(), path.string());
    sim.archive(ar);
    archive_summary(ar, summary);
  }
  const h5::Group rows = h5::open_group(file.get(), "/output");
  writer.restore_rows(rows.get(), path.string());
  return summary;
}

}  // namespace incubsim::checkpoint
