#include "output/run_writer.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "output/chunk_writer.hpp"
#include "output/columns.hpp"
#include "output/file_commit.hpp"
#include "output/h5.hpp"
#include "output/provenance_attrs.hpp"

namespace incubsim::output {
namespace {

// One chunk of /timeseries holds 64 quarters (16 years): a typical run is a
// few chunks, and rows are buffered until a chunk is full so each chunk is
// compressed once.
constexpr std::size_t kTimeseriesChunkRows = 64;
// Event columns are chunked by 16k rows (at most 128 KiB per chunk) and
// flushed every 4 chunks, so a flush writes whole chunks and the buffer
// stays near 2.4 MB however long the run.
constexpr std::size_t kEventChunkRows = 16384;
constexpr std::size_t kEventFlushRows = 4 * kEventChunkRows;

// Rows copied per read when checkpointing or restoring (bounded memory).
constexpr hsize_t kCopyBlockRows = hsize_t{1} << 20;

// Appends every row of `from` to `to` (1-D datasets of convertible types).
void copy_rows(hid_t from, hid_t to) {
  const h5::Type stored(H5Dget_type(from));
  const h5::Type memory(H5Tget_native_type(stored.get(), H5T_DIR_ASCEND));
  h5::check_id(memory.get(), from, "cannot read the type of " + h5::object_path(from));
  const std::size_t width = H5Tget_size(memory.get());
  const hsize_t rows = h5::row_count(from);
  std::vector<unsigned char> block;
  for (hsize_t first = 0; first < rows; first += kCopyBlockRows) {
    const hsize_t n = std::min(kCopyBlockRows, rows - first);
    block.resize(static_cast<std::size_t>(n) * width);
    const h5::Space file_space(H5Dget_space(from));
    h5::check_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &n, nullptr), from,
        "cannot select rows");
    const h5::Space memory_space(H5Screate_simple(1, &n, nullptr));
    h5::check_status(H5Dread(from, memory.get(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                             block.data()),
                     from, "cannot read " + h5::object_path(from));
    h5::append_rows(to, memory.get(), block.data(), n);
  }
}

}  // namespace

struct RunWriter::Impl {
  // Buffered /events rows, one vector per column.
  struct EventRows {
    std::vector<std::int32_t> quarter;
    std::vector<std::uint8_t> phase;
    std::vector<std::uint8_t> kind;
    std::vector<std::uint8_t> actor_kind;
    std::vector<std::int64_t> actor;
    std::vector<std::uint8_t> target_kind;
    std::vector<std::int64_t> target;
    std::vector<double> amount;
    std::vector<std::int32_t> detail;

    std::size_t size() const { return quarter.size(); }
    void push(const Event& e) {
      quarter.push_back(e.quarter);
      phase.push_back(static_cast<std::uint8_t>(e.phase));
      kind.push_back(static_cast<std::uint8_t>(e.kind));
      actor_kind.push_back(static_cast<std::uint8_t>(e.actor_kind));
      actor.push_back(e.actor);
      target_kind.push_back(static_cast<std::uint8_t>(e.target_kind));
      target.push_back(e.target);
      amount.push_back(e.amount);
      detail.push_back(e.detail);
    }
    void clear() {  // keeps capacity: the buffer is reused every flush
      quarter.clear();
      phase.clear();
      kind.clear();
      actor_kind.clear();
      actor.clear();
      target_kind.clear();
      target.clear();
      amount.clear();
      detail.clear();
    }
  };

  // Declared first so it is destroyed last: the file closes (SEMI degree)
  // only after every object below has been closed.
  h5::File file;
  std::unique_ptr<EnumStore> enums;  // after the file: closed before it

  // Compresses whole chunks on the run's number of threads (the arena is
  // idle between the engine's phases, when the writer is called). Pending
  // rows below reach the file only through `chunks`; each flush_*() ends
  // with chunks.flush(), so nothing stays queued between calls.
  std::unique_ptr<Executor> executor;  // null with one thread
  h5::ChunkWriter chunks;

  explicit Impl(int threads)
      : executor(threads > 1 ? std::make_unique<Executor>(threads) : nullptr),
        chunks(executor.get()) {}

  template <class T>
  void append(const h5::Dataset& dataset, const std::vector<T>& rows) {
    chunks.append(dataset.get(), h5::TypeOf<T>::memory(), rows.data(), rows.size());
  }

  // A group of per-quarter columns: /timeseries, and the ledgers that policy
  // instruments add (/policy/<name>).
  struct Series {
    std::vector<MetricDef> metrics;
    h5::Dataset quarter_column;
    std::vector<h5::Dataset> metric_columns;
    std::vector<std::int32_t> pending_quarters;
    std::vector<double> pending_values;  // row-major: pending quarters x metrics
  };
  std::vector<Series> series;      // series[0] is /timeseries
  std::vector<MetricDef> metrics;  // of /timeseries, until create_timeseries() moves them

  const EnumStore::Stored* phase_enum = nullptr;
  const EnumStore::Stored* kind_enum = nullptr;
  const EnumStore::Stored* agent_enum = nullptr;
  h5::Dataset ev_quarter, ev_phase, ev_kind, ev_actor_kind, ev_actor, ev_target_kind, ev_target,
      ev_amount, ev_detail;
  EventRows pending_events;

  hid_t root() const { return file.get(); }

  void write_provenance(const Provenance& p) {
    h5::write_attribute(root(), "format", std::string_view(kRunFormat));
    h5::write_attribute(root(), "format_version", current_format_version());
    write_provenance_attributes(root(), p);
  }

  void create_timeseries() { create_series("/timeseries", std::move(metrics)); }

  std::size_t create_series(const std::string& path, std::vector<MetricDef> defs) {
    Series out;
    out.metrics = std::move(defs);
    const h5::Group group = h5::open_or_create_group(root(), path);
    out.quarter_column = h5::create_column(group.get(), "quarter", h5::TypeOf<std::int32_t>::file(),
                                           kTimeseriesChunkRows);
    h5::write_attribute(out.quarter_column.get(), "unit", std::string_view("quarter"));
    h5::write_attribute(out.quarter_column.get(), "description",
                        std::string_view("simulated quarter of this row"));
    h5::write_attribute(out.quarter_column.get(), "kind", std::string_view("index"));
    for (const MetricDef& metric : out.metrics) {
      check_name(metric.name, "metric");
      if (metric.name == "quarter") throw Error("metric name 'quarter' is reserved");
      const hid_t type = metric.kind == MetricKind::count ? h5::TypeOf<std::int64_t>::file()
                                                          : h5::TypeOf<double>::file();
      h5::Dataset column = h5::create_column(group.get(), metric.name, type, kTimeseriesChunkRows);
      write_metric_attributes(column.get(), metric);
      out.metric_columns.push_back(std::move(column));
    }
    out.pending_quarters.reserve(kTimeseriesChunkRows);
    out.pending_values.reserve(kTimeseriesChunkRows * out.metrics.size());
    series.push_back(std::move(out));
    return series.size() - 1;
  }

  h5::Dataset event_column(hid_t group, const char* name, hid_t type, const char* unit,
                           const char* doc) {
    h5::Dataset column = h5::create_column(group, name, type, kEventChunkRows);
    h5::write_attribute(column.get(), "unit", std::string_view(unit));
    h5::write_attribute(column.get(), "description", std::string_view(doc));
    return column;
  }

  void create_events(EventSchema schema) {
    if (schema.phase.name.empty()) schema.phase.name = "phase";
    if (schema.kind.name.empty()) schema.kind.name = "event_kind";
    if (schema.agent_kind.name.empty()) schema.agent_kind.name = "agent_kind";
    phase_enum = &enums->get(schema.phase);
    kind_enum = &enums->get(schema.kind);
    agent_enum = &enums->get(schema.agent_kind);

    const h5::Group group = h5::open_or_create_group(root(), "/events");
    const hid_t g = group.get();
    ev_quarter = event_column(g, "quarter", h5::TypeOf<std::int32_t>::file(), "quarter",
                              "quarter in which the event happened");
    ev_phase = event_column(g, "phase", phase_enum->stored.get(), "",
                            "phase of the quarter that emitted the event");
    ev_kind = event_column(g, "kind", kind_enum->stored.get(), "", "what happened");
    ev_actor_kind =
        event_column(g, "actor_kind", agent_enum->stored.get(), "", "kind of agent that acted");
    ev_actor = event_column(g, "actor", h5::TypeOf<std::int64_t>::file(), "agent id",
                            "id of the acting agent within its kind (-1: none)");
    ev_target_kind = event_column(g, "target_kind", agent_enum->stored.get(), "",
                                  "kind of agent acted upon (none: no target)");
    ev_target = event_column(g, "target", h5::TypeOf<std::int64_t>::file(), "agent id",
                             "id of the target agent within its kind (-1: none)");
    ev_amount = event_column(g, "amount", h5::TypeOf<double>::file(), "",
                             "money amount or ratio; meaning depends on kind");
    ev_detail = event_column(g, "detail", h5::TypeOf<std::int32_t>::file(), "",
                             "small integer detail; meaning depends on kind");
  }

  // Every per-quarter column: each series' quarter and metric columns, then
  // the events' columns.
  std::vector<hid_t> row_columns() const {
    std::vector<hid_t> out;
    for (const Series& one : series) {
      out.push_back(one.quarter_column.get());
      for (const h5::Dataset& column : one.metric_columns) out.push_back(column.get());
    }
    for (const h5::Dataset* column : {&ev_quarter, &ev_phase, &ev_kind, &ev_actor_kind, &ev_actor,
                                      &ev_target_kind, &ev_target, &ev_amount, &ev_detail})
      out.push_back(column->get());
    return out;
  }

  void flush_timeseries() {
    for (Series& one : series) flush_series(one);
  }

  void flush_series(Series& one) {
    if (one.pending_quarters.empty()) return;
    append(one.quarter_column, one.pending_quarters);
    const std::size_t rows = one.pending_quarters.size();
    const std::size_t width = one.metrics.size();
    // One column per metric, kept until the chunks are written.
    std::vector<std::vector<double>> amounts(width);
    std::vector<std::vector<std::int64_t>> counts(width);
    for (std::size_t m = 0; m < width; ++m) {
      if (one.metrics[m].kind == MetricKind::count) {
        counts[m].resize(rows);
        for (std::size_t r = 0; r < rows; ++r) {
          counts[m][r] = std::llround(one.pending_values[r * width + m]);
        }
        append(one.metric_columns[m], counts[m]);
      } else {
        amounts[m].resize(rows);
        for (std::size_t r = 0; r < rows; ++r) amounts[m][r] = one.pending_values[r * width + m];
        append(one.metric_columns[m], amounts[m]);
      }
    }
    chunks.flush();
    one.pending_quarters.clear();
    one.pending_values.clear();
  }

  void flush_events() {
    if (pending_events.size() == 0) return;
    const EventRows& e = pending_events;
    const std::size_t n = e.size();
    append(ev_quarter, e.quarter);
    chunks.append(ev_phase.get(), phase_enum->memory.get(), e.phase.data(), n);
    chunks.append(ev_kind.get(), kind_enum->memory.get(), e.kind.data(), n);
    chunks.append(ev_actor_kind.get(), agent_enum->memory.get(), e.actor_kind.data(), n);
    append(ev_actor, e.actor);
    chunks.append(ev_target_kind.get(), agent_enum->memory.get(), e.target_kind.data(), n);
    append(ev_target, e.target);
    append(ev_amount, e.amount);
    append(ev_detail, e.detail);
    chunks.flush();  // before the buffer they point into is reused
    pending_events.clear();
  }
};

RunWriter::RunWriter(std::filesystem::path final_path, const Provenance& provenance,
                     std::vector<MetricDef> metrics, EventSchema event_schema)
    : final_path_(std::move(final_path)), temp_path_(temp_path_for(final_path_)) {
  const h5::ErrorSilencer quiet;
  probe_writable(final_path_, temp_path_);
  try {
    impl_ = std::make_unique<Impl>(provenance.threads);
    impl_->file = h5::create_file(temp_path_.string());
    impl_->metrics = std::move(metrics);
    impl_->write_provenance(provenance);
    impl_->enums = std::make_unique<EnumStore>(impl_->root());
    impl_->create_timeseries();
    impl_->create_events(std::move(event_schema));
  } catch (const IoError& e) {
    discard();
    throw IoError(final_path_.string(), "cannot create output file: " + std::string(e.what()) +
                                            "; check that the directory exists and is writable");
  } catch (...) {
    discard();
    throw;
  }
}

RunWriter::~RunWriter() {
  if (impl_) discard();
}

void RunWriter::discard() noexcept {
  const h5::ErrorSilencer quiet;
  impl_.reset();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

template <class Fn>
void RunWriter::or_discard(Fn&& fn) {
  const h5::ErrorSilencer quiet;
  try {
    fn();
  } catch (...) {
    discard();  // columns may now differ in length: this file must never be finished
    throw;
  }
}

RunWriter::Impl& RunWriter::open_impl(const char* operation) {
  if (!impl_) {
    throw Error(std::string("RunWriter::") + operation +
                " called after finish() or after a failed finish()");
  }
  return *impl_;
}

void RunWriter::append_quarter(std::int32_t quarter, std::span<const double> values) {
  append_series(0, quarter, values);
}

std::size_t RunWriter::add_series(const std::string& group_path, std::vector<MetricDef> metrics) {
  Impl& impl = open_impl("add_series");
  std::size_t id = 0;
  or_discard([&] { id = impl.create_series(group_path, std::move(metrics)); });
  return id;
}

void RunWriter::append_series(std::size_t series, std::int32_t quarter,
                              std::span<const double> values) {
  Impl& impl = open_impl("append_series");
  if (series >= impl.series.size())
    throw Error("append_series: no series " + std::to_string(series));
  Impl::Series& one = impl.series[series];
  if (values.size() != one.metrics.size()) {
    throw Error("append_series: got " + std::to_string(values.size()) + " values for " +
                std::to_string(one.metrics.size()) + " metrics");
  }
  for (std::size_t m = 0; m < values.size(); ++m) {
    if (one.metrics[m].kind == MetricKind::count && !std::isfinite(values[m])) {
      throw Error("append_series: count metric '" + one.metrics[m].name +
                  "' is not finite in quarter " + std::to_string(quarter));
    }
  }
  or_discard([&] {
    one.pending_quarters.push_back(quarter);
    one.pending_values.insert(one.pending_values.end(), values.begin(), values.end());
    if (one.pending_quarters.size() >= kTimeseriesChunkRows) impl.flush_series(one);
  });
}

void RunWriter::append_events(std::span<const Event> events) {
  Impl& impl = open_impl("append_events");
  or_discard([&] {
    for (const Event& event : events) {
      impl.pending_events.push(event);
      if (impl.pending_events.size() >= kEventFlushRows) impl.flush_events();
    }
  });
}

void RunWriter::write_table(const std::string& group_path, const TableView& table) {
  Impl& impl = open_impl("write_table");
  const std::size_t rows = table.rows();
  check_table(group_path, table, rows);
  or_discard([&] {
    const h5::Group group = h5::open_or_create_group(impl.root(), group_path);
    write_table_columns(group.get(), table, rows, *impl.enums, kTableChunkRows, impl.chunks);
    h5::write_attribute(group.get(), "rows", static_cast<std::int64_t>(rows));
  });
}

void RunWriter::write_values(const std::string& group_path, const std::vector<NamedValue>& values) {
  Impl& impl = open_impl("write_values");
  for (const NamedValue& value : values) check_name(value.name, "value");
  or_discard([&] {
    const h5::Group group = h5::open_or_create_group(impl.root(), group_path);
    for (const NamedValue& value : values) {
      const h5::Dataset dataset =
          h5::create_scalar(group.get(), value.name, h5::TypeOf<double>::file());
      h5::check_status(
          H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value.value),
          dataset.get(), "cannot write value");
      h5::write_attribute(dataset.get(), "description", value.doc);
    }
  });
}

void RunWriter::save_rows(hid_t group) {
  Impl& impl = open_impl("save_rows");
  or_discard([&] {
    impl.flush_timeseries();
    impl.flush_events();
  });
  const h5::ErrorSilencer quiet;
  for (const hid_t column : impl.row_columns()) {
    const std::string path = h5::object_path(column).substr(1);  // relative to `group`
    const auto slash = path.rfind('/');
    const h5::Group parent = h5::open_or_create_group(group, path.substr(0, slash));
    const h5::Type stored(H5Dget_type(column));
    const h5::Type type = h5::copy_type(stored.get());
    const h5::Dataset copy =
        h5::create_column(parent.get(), path.substr(slash + 1), type.get(), kEventChunkRows);
    copy_rows(column, copy.get());
  }
}

void RunWriter::restore_rows(hid_t group, const std::string& file) {
  Impl& impl = open_impl("restore_rows");
  const h5::ErrorSilencer quiet;
  std::optional<hsize_t> quarters;
  std::optional<hsize_t> events;
  const auto columns = impl.row_columns();
  // Check every column before writing any, so a bad checkpoint leaves no
  // half-restored file.
  for (const hid_t column : columns) {
    const std::string path = h5::object_path(column).substr(1);
    if (!h5::exists(group, path))
      throw FormatError(file, "the checkpoint has no saved rows for /" + path);
    const h5::Dataset saved = h5::open_dataset(group, path);
    const hsize_t rows = h5::row_count(saved.get());
    // Series (timeseries, ledgers) have a row per recorded quarter.
    auto& expected = path.rfind("events/", 0) == 0 ? events : quarters;
    if (expected && *expected != rows)
      throw FormatError(file, "saved rows of /" + path + " differ in length from the others");
    expected = rows;
  }
  or_discard([&] {
    for (const hid_t column : columns) {
      const h5::Dataset saved = h5::open_dataset(group, h5::object_path(column).substr(1));
      copy_rows(saved.get(), column);
    }
  });
}

void RunWriter::write_attribute(const std::string& name, const std::string& value) {
  Impl& impl = open_impl("write_attribute");
  or_discard([&] { h5::write_attribute(impl.root(), name, std::string_view(value)); });
}

void RunWriter::finish() {
  Impl& impl = open_impl("finish");
  const h5::ErrorSilencer quiet;
  try {
    impl.flush_timeseries();
    impl.flush_events();
    h5::write_attribute(impl.root(), "end_time", utc_now_iso8601());
    h5::File file = std::move(impl.file);
    impl_.reset();  // closes every dataset, group and type before the file
    h5::close_file(file, temp_path_.string());
    move_into_place(temp_path_, final_path_);
  } catch (const IoError& e) {
    discard();
    if (e.path() == final_path_.string()) throw;
    throw write_failure(final_path_, e);
  } catch (...) {
    discard();
    throw;
  }
  sync_directory_best_effort(final_path_);
}

}  // namespace incubsim::output
