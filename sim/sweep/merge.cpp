#include "sweep/merge.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <type_traits>

#include "core/errors.hpp"
#include "core/version.hpp"
#include "engine/metrics.hpp"
#include "output/columns.hpp"
#include "output/h5.hpp"
#include "output/provenance.hpp"
#include "output/table_file.hpp"
#include "sweep/manifest.hpp"
#include "sweep/run_status.hpp"

namespace incubsim {
namespace {

namespace h5 = output::h5;
using output::MetricDef;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Codes of /runs/status. New members are only ever appended.
enum class MergedStatus : std::uint8_t { done = 0, failed = 1, missing = 2 };

const output::EnumType& status_type() {
  static const output::EnumType type{"run_status", {{"done", 0}, {"failed", 1}, {"missing", 2}}};
  return type;
}

// Rows of runs per chunk of a /series dataset: reading one run decompresses
// one chunk, and a chunk of at most 1 MiB fits HDF5's default chunk cache
// (h5py's too), so reading many runs does not decompress a chunk twice.
constexpr hsize_t kSeriesChunkRuns = 256;
constexpr hsize_t kSeriesChunkBytes = hsize_t{1} << 20;

// How many ids describe_counts and the incomplete error list of each kind.
constexpr std::size_t kIdsShown = 8;
constexpr std::size_t kErrorsShown = 5;

std::vector<MetricDef> kept_metrics(const Manifest& m, const std::filesystem::path& dir) {
  const auto& all = metric_defs();
  if (m.metrics.empty()) return all;
  std::vector<MetricDef> kept;
  for (const std::string& name : m.metrics) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const MetricDef& d) { return d.name == name; });
    if (it == all.end())
      throw FormatError((dir / "manifest.h5").string(),
                        "keeps metric '" + name +
                            "', which this build does not know; merge with the incubsim that "
                            "planned the sweep");
    kept.push_back(*it);
  }
  return kept;
}

std::string statistic_of(const MetricDef& d) {
  if (d.temporal == output::Temporal::stock) return "last recorded quarter";
  // A ratio flow (a mean over the quarter's events) cannot be summed.
  return d.kind == output::MetricKind::ratio ? "mean over recorded quarters"
                                             : "sum over recorded quarters";
}

double summarise(const MetricDef& d, const std::vector<double>& v) {
  if (v.empty()) return d.temporal == output::Temporal::stock ? kNaN : 0.0;
  if (d.temporal == output::Temporal::stock) return v.back();
  if (d.kind == output::MetricKind::ratio) {
    double sum = 0.0;
    std::size_t n = 0;
    for (const double x : v)
      if (!std::isnan(x)) sum += x, ++n;
    return n > 0 ? sum / static_cast<double>(n) : kNaN;
  }
  double sum = 0.0;
  for (const double x : v) sum += x;
  return sum;
}

std::string first_line(const std::string& text, std::size_t max_chars) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max_chars) line = line.substr(0, max_chars) + "...";
  return line;
}

// "run 5" or "runs 3, 7, ..."
std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string s = ids.size() == 1 ? "run " : "runs ";
  for (std::size_t i = 0; i < ids.size() && i < kIdsShown; ++i)
    s += (i ? ", " : "") + std::to_string(ids[i]);
  if (ids.size() > kIdsShown) s += ", ...";
  return s;
}

// --- Reading run files -------------------------------------------------------

struct RunSeries {
  std::vector<std::int32_t> quarters;
  std::vector<std::vector<double>> metrics;  // one per kept metric; NaN if absent
};

// Run files up to this size are read whole into memory: one read instead of
// about 300 small ones (an object header, B-tree node and chunk per
// dataset), which made merging 1.5x faster on local disk and matters more on
// a cluster filesystem, where each small read is a network round trip.
// Larger files (long runs, kept events) would read far more than the series.
constexpr std::uintmax_t kReadWholeBytes = std::uintmax_t{8} << 20;

// The file opened read-only with HDF5's in-memory driver, or an invalid
// handle (not small, not HDF5, not openable) for the caller to open it the
// usual way, which reports errors properly.
h5::File open_in_memory(const std::filesystem::path& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec || bytes > kReadWholeBytes || H5Fis_hdf5(path.c_str()) <= 0) return h5::File();
  const h5::PropList fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0) return h5::File();
#if H5_VERSION_GE(1, 10, 7)
  // As h5::open_file_read_only: go on where the filesystem has no locks.
  if (H5Pset_file_locking(fapl.get(), 1, 1) < 0) return h5::File();
#endif
  return h5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
}

// Opens a run file and checks that it is the run the manifest planned: an
// incubsim run file of a format this build reads, with the run's seed (a
// file copied in from another sweep would otherwise merge silently).
h5::File open_run(const std::filesystem::path& path, std::int64_t seed) {
  const std::string name = path.string();
  h5::File file = open_in_memory(path);
  if (!file) file = h5::open_file_read_only(name);  // and its errors
  const auto format = h5::read_string_attribute(file.get(), "format").value_or("");
  if (format != output::kRunFormat)
    throw FormatError(name, "is not an incubsim run file (format '" + format + "')");
  const auto version = h5::read_string_attribute(file.get(), "format_version").value_or("");
  const auto major = output::major_version(version);
  if (!major || *major > output::kRunFormatMajor)
    throw FormatError(name, "has run format '" + version + "'; this build reads " +
                                std::to_string(output::kRunFormatMajor) + ".x; upgrade incubsim");
  const auto file_seed = h5::read_int_attribute(file.get(), "seed");
  if (file_seed != seed)
    throw FormatError(name, "was run with seed " +
                                (file_seed ? std::to_string(*file_seed) : std::string("(none)")) +
                                " but the manifest plans seed " + std::to_string(seed) +
                                "; is it the result of another sweep?");
  return file;
}

// Reads the 1-D dataset `name` of `group` (of `rows` rows, when given) in its
// own integer or float type, without HDF5 conversion: a converting read
// clears a 1 MiB conversion buffer every time, which was a fifth of the merge.
template <class T>
std::vector<T> read_vector(hid_t group, const std::string& name,
                           std::optional<std::size_t> rows = std::nullopt) {
  const h5::Dataset d = h5::open_dataset(group, name);
  const h5::Space space(
      h5::check_id(H5Dget_space(d.get()), d.get(), "cannot read the shape of '" + name + "'"));
  const h5::Type type(
      h5::check_id(H5Dget_type(d.get()), d.get(), "cannot read the type of '" + name + "'"));
  const auto dims = h5::shape(space.get());
  const H5T_class_t cls = H5Tget_class(type.get());
  if (dims.size() != 1 || (rows && dims[0] != *rows) || (cls != H5T_INTEGER && cls != H5T_FLOAT))
    throw FormatError(h5::file_name(group), "/timeseries/" + name +
                                                " is not a numeric column of one row per "
                                                "recorded quarter");
  const auto read = [&](auto& values, hid_t memory_type) {
    if (values.empty()) return;
    h5::check_status(H5Dread(d.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                     d.get(), "cannot read dataset '" + name + "'");
  };
  if (cls == H5T_INTEGER && std::is_floating_point_v<T>) {
    std::vector<std::int64_t> raw(dims[0]);
    read(raw, H5T_NATIVE_INT64);
    return std::vector<T>(raw.begin(), raw.end());  // exact below 2^53
  }
  std::vector<T> v(dims[0]);
  read(v, h5::TypeOf<T>::memory());
  return v;
}

std::vector<std::int32_t> read_quarters(const std::filesystem::path& path, std::int64_t seed) {
  const h5::File file = open_run(path, seed);
  const h5::Group ts = h5::open_group(file.get(), "/timeseries");
  return read_vector<std::int32_t>(ts.get(), "quarter");
}

RunSeries read_run(const std::filesystem::path& path, std::int64_t seed,
                   const std::vector<MetricDef>& defs) {
  const h5::File file = open_run(path, seed);
  const h5::Group ts = h5::open_group(file.get(), "/timeseries");
  RunSeries r;
  r.quarters = read_vector<std::int32_t>(ts.get(), "quarter");
  r.metrics.reserve(defs.size());
  for (const MetricDef& d : defs) {
    // A metric added by a later minor format is absent from older files.
    const htri_t found = H5Lexists(ts.get(), d.name.c_str(), H5P_DEFAULT);
    if (found < 0) h5::fail(ts.get(), "cannot look up '" + d.name + "'");
    if (found > 0)
      r.metrics.push_back(read_vector<double>(ts.get(), d.name, r.quarters.size()));
    else
      r.metrics.emplace_back(r.quarters.size(), kNaN);
  }
  return r;
}

// --- Writing -----------------------------------------------------------------

// A (runs x quarters) float64 dataset, chunked by whole rows of runs,
// shuffled and deflated like every other dataset; unwritten cells read NaN.
h5::Dataset create_matrix(hid_t group, const std::string& name, hsize_t rows, hsize_t cols,
                          hsize_t chunk_rows) {
  const hsize_t dims[2] = {rows, cols};
  const h5::Space space(h5::check_id(H5Screate_simple(2, dims, nullptr), group,
                                     "cannot describe dataset '" + name + "'"));
  const h5::PropList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const hsize_t chunk[2] = {chunk_rows, cols};
  const double fill = kNaN;
  if (!dcpl || H5Pset_obj_track_times(dcpl.get(), 0) < 0 ||
      H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
      H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &fill) < 0)
    h5::fail(group, "cannot set properties of dataset '" + name + "'");
  // HDF5 cannot chunk an empty extent (no run done: no quarters).
  if (rows > 0 && cols > 0 &&
      (H5Pset_chunk(dcpl.get(), 2, chunk) < 0 || H5Pset_shuffle(dcpl.get()) < 0 ||
       H5Pset_deflate(dcpl.get(), h5::kDeflateLevel) < 0))
    h5::fail(group, "cannot set chunking and compression for dataset '" + name + "'");
  return h5::Dataset(h5::check_id(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space.get(),
                                             H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                  group, "cannot create dataset '" + name + "'"));
}

void write_matrix_rows(hid_t dataset, hsize_t first, hsize_t count, hsize_t cols,
                       const double* data) {
  if (count == 0 || cols == 0) return;
  const h5::Space file_space(
      h5::check_id(H5Dget_space(dataset), dataset, "cannot read a dataset's shape"));
  const hsize_t start[2] = {first, 0};
  const hsize_t size[2] = {count, cols};
  h5::check_status(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr), dataset,
      "cannot select rows to write");
  const h5::Space memory_space(
      h5::check_id(H5Screate_simple(2, size, nullptr), dataset, "cannot describe rows to write"));
  h5::check_status(
      H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
      dataset,
      "cannot write rows " + std::to_string(first) + ".." + std::to_string(first + count - 1));
}

void copy_object(hid_t from, hid_t to, const std::string& path) {
  h5::check_status(H5Ocopy(from, path.c_str(), to, path.c_str(), H5P_DEFAULT, H5P_DEFAULT), to,
                   "cannot copy '" + path + "' from the manifest");
}

// The directory of the sweep as seen from the merged file's directory, so
// that /runs/file and the links keep working when both move together.
std::filesystem::path sweep_dir_from(const std::filesystem::path& dir,
                                     const std::filesystem::path& out) {
  const auto base = std::filesystem::absolute(out).parent_path();
  std::error_code ec;
  auto rel = std::filesystem::relative(dir, base, ec);
  if (ec || rel.empty()) return std::filesystem::absolute(dir);
  return rel;
}

std::string relative_run_path(const std::filesystem::path& dir_from_out, std::int64_t run_id) {
  return run_result_path(dir_from_out, run_id).lexically_normal().generic_string();
}

// One merge: the manifest, what each run turned out to be, and the per-run
// summary, filled as the run files are read.
class Merger {
 public:
  Merger(const std::filesystem::path& dir, const std::filesystem::path& out,
         const MergeOptions& options)
      : dir_(dir),
        out_(out),
        options_(options),
        manifest_(read_manifest(dir)),
        defs_(kept_metrics(manifest_, dir)),
        n_(manifest_.runs.size()),
        status_(n_),
        error_(n_) {}

  MergeReport run();

 private:
  void census();
  void tally();
  [[noreturn]] void refuse_incomplete() const;
  void merge_copy(hid_t file);
  void merge_summaries(hid_t file);
  std::optional<RunSeries> read(std::size_t run);
  void write_attributes(output::TableFileWriter& w, const std::string& start_time);
  void write_runs(output::TableFileWriter& w);
  void write_summary(output::TableFileWriter& w);

  void check_stop(std::size_t run) const {
    if (options_.stop && options_.stop->load())
      throw Interrupted("stopped by a signal while merging run " + std::to_string(run) + "; " +
                        out_.string() + " was not written");
  }
  bool done(std::size_t run) const {
    return status_[run] == static_cast<std::uint8_t>(MergedStatus::done);
  }
  std::filesystem::path run_file(std::size_t run) const {
    return run_result_path(dir_, static_cast<std::int64_t>(run));
  }
  void add_quarters(const std::vector<std::int32_t>& q) {
    std::vector<std::int32_t> merged;
    std::set_union(axis_.begin(), axis_.end(), q.begin(), q.end(), std::back_inserter(merged));
    axis_ = std::move(merged);
  }
  void summarise_run(std::size_t run, const RunSeries& r) {
    for (std::size_t k = 0; k < defs_.size(); ++k)
      summary_[k][run] = summarise(defs_[k], r.metrics[k]);
  }

  const std::filesystem::path& dir_;
  const std::filesystem::path& out_;
  const MergeOptions& options_;
  const Manifest manifest_;
  const std::vector<MetricDef> defs_;
  const std::size_t n_;
  std::filesystem::path dir_from_out_;
  std::vector<std::uint8_t> status_;          // MergedStatus per run
  std::vector<std::string> error_;            // per run
  std::vector<std::vector<double>> summary_;  // [metric][run]
  std::vector<std::int32_t> axis_;            // recorded quarters, union over done runs
  MergeReport report_;
};

// From file names only, so that an incomplete sweep is refused before
// anything is read or written.
void Merger::census() {
  for (std::size_t i = 0; i < n_; ++i) {
    const auto id = static_cast<std::int64_t>(i);
    switch (run_state(dir_, id)) {
      case RunState::done: status_[i] = static_cast<std::uint8_t>(MergedStatus::done); break;
      case RunState::failed:
        status_[i] = static_cast<std::uint8_t>(MergedStatus::failed);
        error_[i] = read_failure(dir_, id).value_or("");
        if (error_[i].empty()) error_[i] = "failed (empty .failed record)";
        break;
      case RunState::pending: status_[i] = static_cast<std::uint8_t>(MergedStatus::missing); break;
    }
  }
}

void Merger::tally() {
  MergeReport& r = report_;
  r.runs_total = static_cast<std::int64_t>(n_);
  r.runs_done = r.runs_failed = r.runs_missing = 0;
  r.missing.clear();
  r.failed.clear();
  for (std::size_t i = 0; i < n_; ++i) {
    const auto id = static_cast<std::int64_t>(i);
    switch (static_cast<MergedStatus>(status_[i])) {
      case MergedStatus::done: ++r.runs_done; break;
      case MergedStatus::failed:
        ++r.runs_failed;
        r.failed.push_back({id, error_[i]});
        break;
      case MergedStatus::missing:
        ++r.runs_missing;
        r.missing.push_back(id);
        break;
    }
  }
}

void Merger::refuse_incomplete() const {
  const MergeReport& r = report_;
  std::string msg = "sweep " + dir_.string() + " is incomplete, " + describe_counts(r);
  for (std::size_t i = 0; i < r.failed.size() && i < kErrorsShown; ++i)
    msg += "\n  run " + std::to_string(r.failed[i].run_id) +
           " failed: " + first_line(r.failed[i].error, 200);
  if (r.failed.size() > kErrorsShown)
    msg += "\n  ... (" + std::to_string(r.failed.size() - kErrorsShown) + " more)";
  msg += "\nfinish them with `incubsim sweep run " + dir_.string() +
         "`, or merge the done runs with --allow-missing (the others get NaN rows); " +
         out_.string() + " was not written";
  throw IncompleteError(msg);
}

// A done run whose file cannot be read stops the merge, or with
// allow_missing is merged as failed (its rows stay NaN).
std::optional<RunSeries> Merger::read(std::size_t run) {
  try {
    return read_run(run_file(run), manifest_.runs[run].seed, defs_);
  } catch (const Error& e) {
    if (!options_.allow_missing) throw;
    status_[run] = static_cast<std::uint8_t>(MergedStatus::failed);
    error_[run] = std::string("result file unreadable: ") + e.what();
    return std::nullopt;
  }
}

// /series: each metric as one (runs x quarters) dataset.
void Merger::merge_copy(hid_t file) {
  // The quarter axis must be known before the first row is written, and
  // runs may differ in it when the sweep varies simulation.quarters.
  for (std::size_t i = 0; i < n_; ++i) {
    if (!done(i)) continue;
    check_stop(i);
    try {
      add_quarters(read_quarters(run_file(i), manifest_.runs[i].seed));
    } catch (const Error& e) {
      if (!options_.allow_missing) throw;
      status_[i] = static_cast<std::uint8_t>(MergedStatus::failed);
      error_[i] = std::string("result file unreadable: ") + e.what();
    }
  }
  const hsize_t cols = axis_.size();
  const hsize_t fit = kSeriesChunkBytes / (sizeof(double) * std::max<hsize_t>(cols, 1));
  const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>({n_, kSeriesChunkRuns, fit}));
  const h5::Group series = h5::open_or_create_group(file, "/series");
  h5::write_attribute(series.get(), "description",
                      std::string_view("one row per run (row = run_id), one column per recorded "
                                       "quarter; NaN where a run is not done or did not record "
                                       "that quarter"));
  {
    const h5::Dataset q =
        h5::create_column(series.get(), "quarter", h5::TypeOf<std::int32_t>::file(),
                          std::max<hsize_t>(cols, 1), cols);
    h5::write_rows(q.get(), h5::TypeOf<std::int32_t>::memory(), axis_.data(), 0, cols);
    h5::write_attribute(q.get(), "unit", std::string_view("quarter"));
    h5::write_attribute(q.get(), "description",
                        std::string_view("simulated quarter of each column"));
    h5::write_attribute(q.get(), "kind", std::string_view("index"));
  }
  std::vector<h5::Dataset> datasets;
  for (const MetricDef& d : defs_) {
    output::check_name(d.name, "metric");
    datasets.push_back(create_matrix(series.get(), d.name, n_, cols, chunk_rows));
    output::write_metric_attributes(datasets.back().get(), d);
    h5::write_attribute(datasets.back().get(), "dimensions", std::string_view("run_id, quarter"));
  }
  // A block of whole chunks at a time: memory stays at chunk_rows x
  // quarters x metrics doubles however large the sweep.
  std::vector<std::vector<double>> block(defs_.size());
  for (std::size_t first = 0; first < n_; first += chunk_rows) {
    const std::size_t count = std::min<std::size_t>(chunk_rows, n_ - first);
    for (auto& b : block) b.assign(count * cols, kNaN);
    for (std::size_t i = first; i < first + count; ++i) {
      if (!done(i)) continue;
      check_stop(i);
      const auto r = read(i);
      if (!r) continue;
      summarise_run(i, *r);
      for (std::size_t row = 0; row < r->quarters.size(); ++row) {
        const auto at = std::lower_bound(axis_.begin(), axis_.end(), r->quarters[row]);
        const auto col = static_cast<std::size_t>(at - axis_.begin());
        for (std::size_t k = 0; k < defs_.size(); ++k)
          block[k][(i - first) * cols + col] = r->metrics[k][row];
      }
    }
    for (std::size_t k = 0; k < defs_.size(); ++k)
      write_matrix_rows(datasets[k].get(), first, count, cols, block[k].data());
  }
}

// The summaries alone, and with layout links a /run_files link per done run.
void Merger::merge_summaries(hid_t file) {
  std::optional<h5::Group> links;
  if (options_.series == SeriesLayout::links) {
    links = h5::open_or_create_group(file, "/run_files");
    h5::write_attribute(links->get(), "description",
                        std::string_view("an external link per done run, run-XXXXXXXX, to the "
                                         "root of its run file (path relative to this file's "
                                         "directory)"));
  }
  for (std::size_t i = 0; i < n_; ++i) {
    if (!done(i)) continue;
    check_stop(i);
    const auto r = read(i);
    if (!r) continue;
    summarise_run(i, *r);
    add_quarters(r->quarters);
    if (!links) continue;
    const auto id = static_cast<std::int64_t>(i);
    const std::string target = relative_run_path(dir_from_out_, id);
    const std::string name = run_result_path("", id).stem().string();
    h5::check_status(H5Lcreate_external(target.c_str(), "/", links->get(), name.c_str(),
                                        H5P_DEFAULT, H5P_DEFAULT),
                     links->get(), "cannot create the link to " + target);
  }
}

void Merger::write_attributes(output::TableFileWriter& w, const std::string& start_time) {
  const Manifest& m = manifest_;
  w.attribute("format", kSweepFormat);
  w.attribute("format_version",
              std::to_string(kSweepFormatMajor) + "." + std::to_string(kSweepFormatMinor));
  w.attribute("start_time", start_time);
  w.attribute("command_line", options_.command_line);
  w.attribute("hostname", output::host_name());
  write_plan_attributes(w, m);
  w.attribute("runs_total", report_.runs_total);
  w.attribute("runs_done", report_.runs_done);
  w.attribute("runs_failed", report_.runs_failed);
  w.attribute("runs_missing", report_.runs_missing);
  w.attribute("series_layout", std::string(to_string(options_.series)));
}

void Merger::write_runs(output::TableFileWriter& w) {
  const Manifest& m = manifest_;
  std::vector<std::int64_t> run_id(n_), point_id(n_), seed(n_);
  std::vector<std::int32_t> replicate(n_);
  std::vector<std::vector<double>> values(m.parameters.size(), std::vector<double>(n_));
  std::vector<std::string> files(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    const ManifestRun& r = m.runs[i];
    run_id[i] = r.run_id;
    point_id[i] = r.point_id;
    replicate[i] = r.replicate;
    seed[i] = r.seed;
    for (std::size_t k = 0; k < m.parameters.size(); ++k)
      values[k][i] = m.points.at(static_cast<std::size_t>(r.point_id)).values.at(k);
    if (done(i)) files[i] = relative_run_path(dir_from_out_, r.run_id);
  }
  output::TableView runs;
  runs.columns.push_back(
      {"run_id", "-", "run (row of /summary and /series)", std::span<const std::int64_t>(run_id)});
  runs.columns.push_back(
      {"point_id", "-", "design point of the run", std::span<const std::int64_t>(point_id)});
  runs.columns.push_back(
      {"replicate", "-", "replicate at its point", std::span<const std::int32_t>(replicate)});
  runs.columns.push_back(
      {"seed", "-", "simulation.seed of the run", std::span<const std::int64_t>(seed)});
  for (std::size_t k = 0; k < m.parameters.size(); ++k)
    runs.columns.push_back({m.parameters[k].key, "-", "value of the swept key at the run's point",
                            std::span<const double>(values[k])});
  runs.columns.push_back(
      {"status", "-", "done, failed (see error) or missing (not run); only done runs have values",
       std::span<const std::uint8_t>(status_), &status_type()});
  w.write_table("/runs", {}, runs);
  // write_table puts string columns first; a second call appends them.
  std::vector<output::StringColumn> strings(2);
  strings[0] = {"error", "-", "why the run failed (empty unless failed)", error_};
  strings[1] = {"file", "-",
                "the run's result file, relative to this file's directory (empty unless done)",
                std::move(files)};
  w.write_table("/runs", strings, {});
}

void Merger::write_summary(output::TableFileWriter& w) {
  std::vector<std::int64_t> run_id(n_);
  for (std::size_t i = 0; i < n_; ++i) run_id[i] = static_cast<std::int64_t>(i);
  output::TableView summary;
  summary.columns.push_back(
      {"run_id", "-", "run (row of /runs)", std::span<const std::int64_t>(run_id)});
  for (std::size_t k = 0; k < defs_.size(); ++k)
    summary.columns.push_back(
        {defs_[k].name, defs_[k].unit, defs_[k].doc, std::span<const double>(summary_[k])});
  w.write_table("/summary", {}, summary);
  // write_table gives columns unit and description only; the statistic,
  // kind and temporal go through a handle of our own.
  const h5::ErrorSilencer quiet;
  {
    const h5::Group group = h5::open_group(w.root(), "/summary");
    for (const MetricDef& d : defs_) {
      const h5::Dataset column = h5::open_dataset(group.get(), d.name);
      h5::write_attribute(column.get(), "kind", std::string_view(output::kind_name(d.kind)));
      h5::write_attribute(
          column.get(), "temporal",
          std::string_view(d.temporal == output::Temporal::stock ? "stock" : "flow"));
      h5::write_attribute(column.get(), "statistic", statistic_of(d));
    }
  }
}

MergeReport Merger::run() {
  const auto started = std::chrono::steady_clock::now();
  const std::string start_time = output::utc_now_iso8601();
  std::error_code ec;
  const auto manifest_path = dir_ / "manifest.h5";
  if (std::filesystem::equivalent(out_, manifest_path, ec))
    throw UsageError("-o " + out_.string() + " is the sweep's manifest; give another file");
  if (std::filesystem::exists(out_, ec) && !options_.overwrite)
    throw IoError(out_.string(), "already exists; pass --force to replace it");

  report_.sweep_name = manifest_.spec_name;
  report_.series = options_.series;
  report_.metrics = defs_.size();
  census();
  tally();
  if ((report_.runs_failed > 0 || report_.runs_missing > 0) && !options_.allow_missing)
    refuse_incomplete();

  dir_from_out_ = sweep_dir_from(dir_, out_);
  summary_.assign(defs_.size(), std::vector<double>(n_, kNaN));
  output::TableFileWriter w(out_);
  {
    const h5::ErrorSilencer quiet;
    {
      const h5::File manifest = h5::open_file_read_only(manifest_path.string());
      copy_object(manifest.get(), w.root(), "/parameters");
      copy_object(manifest.get(), w.root(), "/points");
    }
    if (options_.series == SeriesLayout::copy)
      merge_copy(w.root());
    else
      merge_summaries(w.root());
  }
  tally();  // unreadable run files became failed runs
  report_.quarters = axis_.size();
  write_attributes(w, start_time);
  write_runs(w);
  write_summary(w);
  w.finish();

  report_.bytes = std::filesystem::file_size(out_, ec);
  report_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report_;
}
}  // namespace

std::string_view to_string(SeriesLayout layout) {
  switch (layout) {
    case SeriesLayout::copy: return "copy";
    case SeriesLayout::links: return "links";
    case SeriesLayout::none: return "none";
  }
  return "?";
}

SeriesLayout parse_series_layout(const std::string& text) {
  for (const SeriesLayout l : {SeriesLayout::copy, SeriesLayout::links, SeriesLayout::none})
    if (text == to_string(l)) return l;
  throw UsageError("--series '" + text + "' is not one of copy, links, none");
}

std::string describe_counts(const MergeReport& r) {
  std::string s = std::to_string(r.runs_total) + " runs: " + std::to_string(r.runs_done) +
                  " done, " + std::to_string(r.runs_failed) + " failed";
  if (!r.failed.empty()) {
    std::vector<std::int64_t> ids;
    for (const FailedRun& f : r.failed) ids.push_back(f.run_id);
    s += " (" + id_list(ids) + ")";
  }
  s += ", " + std::to_string(r.runs_missing) + " missing";
  if (!r.missing.empty()) s += " (" + id_list(r.missing) + ")";
  return s;
}

MergeReport merge_sweep(const std::filesystem::path& dir, const std::filesystem::path& out,
                        const MergeOptions& options) {
  return Merger(dir, out, options).run();
}

}  // namespace incubsim
