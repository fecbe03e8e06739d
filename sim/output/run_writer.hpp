#pragma once
// Streams one run into an HDF5 file. Created under a temporary name beside
// the final path and renamed only by finish(); a writer destroyed without
// finish() (error, exception) removes its temporary file, so a file at the
// final path is always complete. Memory does not grow with the number of
// quarters: each quarter's row and events are appended and flushed to
// chunked, compressed datasets.
//
// A RunWriter is not thread-safe: create and use it from one thread (the
// engine's output step). It compresses whole chunks on as many threads as
// the provenance's `threads` (a TBB arena of its own, used only while the
// engine's is idle); every HDF5 call stays on the calling thread. HDF5
// errors surface as IoError, never as text printed by the library. A call
// that fails after touching the file discards the writer (temporary file
// removed; later calls throw Error), so a half-written run can never be
// finished.
#include <H5Ipublic.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "output/provenance.hpp"
#include "output/table.hpp"

namespace incubsim::output {

/// Enumerations the events table uses for its uint8 columns.
struct EventSchema {
  EnumType phase;
  EnumType kind;
  EnumType agent_kind;
};

/// The schema of core/events.hpp: enums "phase", "event_kind" and
/// "agent_kind" with the names core's to_string() gives.
EventSchema core_event_schema();

class RunWriter {
 public:
  /// Opens `<final_path>.tmp-<pid>` for writing and writes the root
  /// attributes. Throws IoError naming the path if it cannot be created.
  RunWriter(std::filesystem::path final_path, const Provenance& provenance,
            std::vector<MetricDef> metrics, EventSchema event_schema);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  /// Appends one row to /timeseries: `quarter` and one value per metric, in
  /// the order of the metrics given to the constructor.
  void append_quarter(std::int32_t quarter, std::span<const double> values);

  /// Adds another group of per-quarter columns (e.g. "/policy/grants"),
  /// written like /timeseries; returns its id for append_series. /timeseries
  /// itself is series 0.
  std::size_t add_series(const std::string& group_path, std::vector<MetricDef> metrics);

  /// Appends one row to a series added with add_series.
  void append_series(std::size_t series, std::int32_t quarter, std::span<const double> values);

  /// Appends events to /events.
  void append_events(std::span<const Event> events);

  /// Writes a final table as a group (e.g. "/agents/firms").
  void write_table(const std::string& group_path, const TableView& table);

  /// Writes scalar measures as 0-d datasets in a group (e.g. "/network/measures").
  void write_values(const std::string& group_path, const std::vector<NamedValue>& values);

  /// Checkpoints: copies every per-quarter row written so far (series and
  /// events) into `group` of another file, at the same relative paths
  /// ("timeseries/quarter"). Pending rows are flushed first.
  void save_rows(hid_t group);

  /// Appends the rows save_rows() copied, to a writer just created with the
  /// same series, so a resumed run continues the file where the saved one
  /// stopped. Throws FormatError naming `file` if a column is missing or the
  /// columns differ in length.
  void restore_rows(hid_t group, const std::string& file);

  /// Adds a root attribute (e.g. the record of a resumed run).
  void write_attribute(const std::string& name, const std::string& value);

  /// Flushes, writes end_time, closes and renames to the final path
  /// (replacing an existing file). Call once; afterwards, or after finish()
  /// threw, every other call throws Error and the temporary file is gone.
  void finish();

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  struct Impl;
  Impl& open_impl(const char* operation);
  template <class Fn>
  void or_discard(Fn&& fn);  // runs fn; if it throws, discards the writer
  void discard() noexcept;   // closes everything and removes the temporary file

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace incubsim::output
