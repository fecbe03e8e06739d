#include "output/run_writer.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "core/errors.hpp"
#include "output/run_reader.hpp"
#include "sample_run.hpp"

namespace incubsim::output {
namespace {

using test_support::TempDir;

// Minimal raw-C-API readers, independent of the code under test.
class RawFile {
 public:
  explicit RawFile(const std::filesystem::path& path)
      : id_(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
    if (id_ < 0) throw std::runtime_error("cannot open " + path.string());
  }
  ~RawFile() { H5Fclose(id_); }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;
  hid_t id() const { return id_; }

  template <class T>
  std::vector<T> column(const std::string& path, hid_t memory_type) const {
    const hid_t dataset = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(dataset, 0) << path;
    const hid_t space = H5Dget_space(dataset);
    EXPECT_EQ(H5Sget_simple_extent_ndims(space), 1) << path;
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(space, &rows, nullptr);
    std::vector<T> values(rows);
    if (rows > 0) {
      EXPECT_GE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
    }
    H5Sclose(space);
    H5Dclose(dataset);
    return values;
  }

  // The dataset's stored type, or the member names of an enum type.
  bool has_type(const std::string& path, hid_t expected) const {
    const hid_t dataset = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(dataset);
    const bool equal = H5Tequal(type, expected) > 0;
    H5Tclose(type);
    H5Dclose(dataset);
    return equal;
  }

  std::string enum_name(const std::string& path, std::uint8_t value) const {
    const hid_t dataset = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(dataset);
    char name[64] = "";
    EXPECT_EQ(H5Tget_class(type), H5T_ENUM) << path;
    EXPECT_GT(H5Tcommitted(type), 0) << path;
    H5Tenum_nameof(type, &value, name, sizeof name);
    H5Tclose(type);
    H5Dclose(dataset);
    return name;
  }

  std::string string_attribute(const std::string& object, const std::string& name) const {
    const hid_t attr = H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(attr, 0) << object << " @" << name;
    const hid_t type = H5Aget_type(attr);
    EXPECT_GT(H5Tis_variable_str(type), 0);
    EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
    char* text = nullptr;
    H5Aread(attr, type, &text);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    H5Tclose(type);
    H5Aclose(attr);
    return value;
  }

  template <class T>
  T scalar_attribute(const std::string& object, const std::string& name, hid_t stored,
                     hid_t memory) const {
    const hid_t attr = H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    const hid_t type = H5Aget_type(attr);
    EXPECT_GT(H5Tequal(type, stored), 0) << name;
    T value{};
    H5Aread(attr, memory, &value);
    H5Tclose(type);
    H5Aclose(attr);
    return value;
  }

 private:
  hid_t id_;
};

TEST(RunWriter, WritesARunThatReadsBackExactly) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  test_support::write_sample_run(path);
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});

  const RawFile f(path);
  // Root attributes.
  EXPECT_EQ(f.string_attribute("/", "format"), "incubsim-run");
  EXPECT_EQ(f.string_attribute("/", "format_version"), "1.1");
  EXPECT_EQ(f.string_attribute("/", "git_sha"), "abc1234");
  EXPECT_EQ(f.string_attribute("/", "scenario"), test_support::sample_provenance().scenario);
  EXPECT_EQ(f.string_attribute("/", "hostname"), "testhost");
  EXPECT_EQ((f.scalar_attribute<std::int64_t>("/", "seed", H5T_STD_I64LE, H5T_NATIVE_INT64)), 42);
  EXPECT_EQ((f.scalar_attribute<std::int32_t>("/", "threads", H5T_STD_I32LE, H5T_NATIVE_INT32)), 4);
  EXPECT_EQ((f.scalar_attribute<std::int32_t>("/", "quarters", H5T_STD_I32LE, H5T_NATIVE_INT32)),
            3);
  EXPECT_EQ((f.scalar_attribute<std::int32_t>("/", "burn_in", H5T_STD_I32LE, H5T_NATIVE_INT32)), 1);
  EXPECT_EQ(f.string_attribute("/", "end_time").size(), std::string("2026-01-02T03:04:05Z").size());

  // Time series: counts as int64, the rest as float64, with attributes.
  EXPECT_EQ(f.column<std::int32_t>("/timeseries/quarter", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_TRUE(f.has_type("/timeseries/quarter", H5T_STD_I32LE));
  EXPECT_TRUE(f.has_type("/timeseries/firms_alive", H5T_STD_I64LE));
  EXPECT_TRUE(f.has_type("/timeseries/total_cash", H5T_IEEE_F64LE));
  EXPECT_TRUE(f.has_type("/timeseries/survival_rate", H5T_IEEE_F64LE));
  EXPECT_EQ(f.column<std::int64_t>("/timeseries/firms_alive", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{10, 12, 11}));
  EXPECT_EQ(f.column<double>("/timeseries/total_cash", H5T_NATIVE_DOUBLE),
            (std::vector<double>{1.0e6, 2.5e6, 3.125e6}));
  EXPECT_EQ(f.column<double>("/timeseries/survival_rate", H5T_NATIVE_DOUBLE),
            (std::vector<double>{1.0, 0.75, 0.5}));
  EXPECT_EQ(f.string_attribute("/timeseries/total_cash", "unit"), "CNY");
  EXPECT_EQ(f.string_attribute("/timeseries/total_cash", "description"), "cash held by all firms");
  EXPECT_EQ(f.string_attribute("/timeseries/total_cash", "kind"), "amount");
  EXPECT_EQ(f.string_attribute("/timeseries/firms_alive", "kind"), "count");
  EXPECT_EQ(f.string_attribute("/timeseries/survival_rate", "kind"), "ratio");
  EXPECT_EQ(f.string_attribute("/timeseries/total_cash", "temporal"), "stock");
  EXPECT_EQ(f.string_attribute("/timeseries/survival_rate", "temporal"), "flow");

  // Events: all batches, in order, enums named.
  EXPECT_EQ(f.column<std::int32_t>("/events/quarter", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 0, 2, 2, 2}));
  EXPECT_EQ(f.column<std::int64_t>("/events/actor", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 3, 5, 0, 1}));
  EXPECT_EQ(f.column<std::int64_t>("/events/target", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{7, 0, -1, -1, -1}));
  EXPECT_EQ(f.column<double>("/events/amount", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0.0, 1.5e6, -2.25e5, 0.0, 0.1}));
  EXPECT_EQ(f.column<std::int32_t>("/events/detail", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 1, 0, 2, 3}));
  EXPECT_EQ(f.enum_name("/events/phase", static_cast<std::uint8_t>(Phase::financing)), "financing");
  EXPECT_EQ(f.enum_name("/events/kind", static_cast<std::uint8_t>(EventKind::firm_death)),
            "firm_death");
  EXPECT_EQ(f.enum_name("/events/actor_kind", static_cast<std::uint8_t>(AgentKind::incubator)),
            "incubator");
  EXPECT_EQ(f.enum_name("/events/target_kind", 0), "none");
  EXPECT_GT(H5Lexists(f.id(), "/types/event_kind", H5P_DEFAULT), 0);
  {
    // Stored values are the raw enum codes: read the enum column as its own type.
    const hid_t dataset = H5Dopen2(f.id(), "/events/kind", H5P_DEFAULT);
    const hid_t type = H5Dget_type(dataset);
    std::vector<std::uint8_t> kinds(5);
    H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, kinds.data());
    EXPECT_EQ(kinds, (std::vector<std::uint8_t>{0, 4, 1, 12, 16}));
    H5Tclose(type);
    H5Dclose(dataset);
  }

  // Tables: enum and plain columns, rows attribute, zero-row table.
  EXPECT_EQ(f.column<std::int64_t>("/agents/firms/id", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 1, 5}));
  EXPECT_EQ(f.column<std::int32_t>("/agents/firms/age", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{12, 3, 7}));
  EXPECT_EQ(f.column<double>("/agents/firms/cash", H5T_NATIVE_DOUBLE),
            (std::vector<double>{1.25e5, -3.5e4, 0.0}));
  EXPECT_EQ(f.column<std::uint8_t>("/agents/firms/flags", H5T_NATIVE_UINT8),
            (std::vector<std::uint8_t>{1, 0, 255}));
  EXPECT_TRUE(f.has_type("/agents/firms/flags", H5T_STD_U8LE));
  EXPECT_EQ(f.enum_name("/agents/firms/stage", 2), "growth");
  EXPECT_EQ(f.string_attribute("/agents/firms/age", "unit"), "quarters");
  EXPECT_EQ(f.string_attribute("/agents/firms/age", "description"), "age of the firm");
  EXPECT_EQ(
      (f.scalar_attribute<std::int64_t>("/agents/firms", "rows", H5T_STD_I64LE, H5T_NATIVE_INT64)),
      3);
  EXPECT_TRUE(f.column<double>("/agents/funds/size", H5T_NATIVE_DOUBLE).empty());
  EXPECT_EQ(f.enum_name("/agents/funds/stage", 1), "early");
  EXPECT_EQ(
      (f.scalar_attribute<std::int64_t>("/agents/funds", "rows", H5T_STD_I64LE, H5T_NATIVE_INT64)),
      0);

  // Values: scalar float64 datasets.
  {
    const hid_t dataset = H5Dopen2(f.id(), "/network/measures/density", H5P_DEFAULT);
    const hid_t space = H5Dget_space(dataset);
    EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
    double density = 0;
    H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &density);
    EXPECT_EQ(density, 0.25);
    H5Sclose(space);
    H5Dclose(dataset);
    EXPECT_EQ(f.string_attribute("/network/measures/clustering", "description"),
              "global clustering coefficient");
  }

  // Chunked with shuffle then deflate.
  {
    const hid_t dataset = H5Dopen2(f.id(), "/timeseries/total_cash", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(dataset);
    hsize_t chunk = 0;
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    EXPECT_EQ(H5Pget_chunk(dcpl, 1, &chunk), 1);
    EXPECT_EQ(chunk, 64u);
    ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0;
    unsigned parameters[8] = {};
    std::size_t n = 8;
    EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &n, parameters, 0, nullptr, nullptr),
              H5Z_FILTER_SHUFFLE);
    n = 8;
    EXPECT_EQ(H5Pget_filter2(dcpl, 1, &flags, &n, parameters, 0, nullptr, nullptr),
              H5Z_FILTER_DEFLATE);
    EXPECT_EQ(parameters[0], 1u);  // deflate level, as docs/output-format.md says
    H5Pclose(dcpl);
    H5Dclose(dataset);
  }
}

TEST(RunWriter, ReadsBackThroughRunReader) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  test_support::write_sample_run(path);

  const RunFileInfo info = read_run_info(path);
  const Provenance expected = test_support::sample_provenance();
  const Provenance& p = info.provenance;
  EXPECT_EQ(info.format_version, "1.1");
  EXPECT_EQ(p.format, "incubsim-run");
  EXPECT_EQ(p.format_version, "1.1");
  EXPECT_EQ(p.incubsim_version, expected.incubsim_version);
  EXPECT_EQ(p.git_sha, expected.git_sha);
  EXPECT_EQ(p.seed, expected.seed);
  EXPECT_EQ(p.threads, expected.threads);
  EXPECT_EQ(p.scenario, expected.scenario);
  EXPECT_EQ(p.scenario_name, expected.scenario_name);
  EXPECT_EQ(p.start_time, expected.start_time);
  EXPECT_FALSE(p.end_time.empty());
  EXPECT_EQ(p.quarters, expected.quarters);
  EXPECT_EQ(p.burn_in, expected.burn_in);
  EXPECT_EQ(p.command_line, expected.command_line);
  EXPECT_EQ(p.hostname, expected.hostname);
  EXPECT_EQ(info.file_bytes, std::filesystem::file_size(path));

  const auto find = [&info](const std::string& name) -> const DatasetInfo* {
    for (const DatasetInfo& d : info.datasets) {
      if (d.path == name) return &d;
    }
    return nullptr;
  };
  const DatasetInfo* alive = find("/timeseries/firms_alive");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->type, "int64");
  EXPECT_EQ(alive->shape, (std::vector<std::uint64_t>{3}));
  EXPECT_GT(alive->storage_bytes, 0u);
  ASSERT_NE(find("/events/kind"), nullptr);
  EXPECT_EQ(find("/events/kind")->type, "enum(event_kind)");
  EXPECT_EQ(find("/events/amount")->type, "float64");
  EXPECT_EQ(find("/events/quarter")->shape, (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(find("/agents/firms/stage")->type, "enum(firm_stage)");
  EXPECT_EQ(find("/agents/firms/flags")->type, "uint8");
  EXPECT_EQ(find("/agents/funds/id")->shape, (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(find("/network/measures/density")->shape, std::vector<std::uint64_t>{});
  EXPECT_EQ(find("/types/event_kind"), nullptr);  // named types are not datasets
  EXPECT_EQ(info.datasets.size(), 4u + 9u + 5u + 3u + 2u);

  EXPECT_EQ(read_column(path, "/timeseries/total_cash"),
            (std::vector<double>{1.0e6, 2.5e6, 3.125e6}));
  EXPECT_EQ(read_column(path, "/timeseries/firms_alive"), (std::vector<double>{10, 12, 11}));
  EXPECT_TRUE(read_column(path, "/agents/funds/size").empty());
}

TEST(RunWriter, TemporaryFileExistsOnlyUntilFinish) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  RunWriter writer(path, test_support::sample_provenance(), test_support::sample_metrics(),
                   core_event_schema());
  EXPECT_EQ(writer.final_path(), path);
  EXPECT_EQ(writer.temp_path(), path.string() + ".tmp-" + std::to_string(::getpid()));
  EXPECT_TRUE(std::filesystem::exists(writer.temp_path()));
  EXPECT_FALSE(std::filesystem::exists(path));
  writer.append_quarter(0, std::vector<double>{1, 2, 3});
  writer.finish();
  EXPECT_FALSE(std::filesystem::exists(writer.temp_path()));
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(RunWriter, DestroyedWithoutFinishLeavesNoFile) {
  const TempDir dir;
  {
    RunWriter writer(dir / "run.h5", test_support::sample_provenance(),
                     test_support::sample_metrics(), core_event_schema());
    writer.append_quarter(0, std::vector<double>{1, 2, 3});
    writer.append_events(test_support::sample_event_batches()[0]);
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(RunWriter, FinishReplacesAnExistingFile) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  std::ofstream(path) << "an older result";
  test_support::write_sample_run(path);
  EXPECT_EQ(read_run_info(path).provenance.seed, 42);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(RunWriter, MissingDirectoryIsAnIoErrorAndLeavesNothing) {
  const TempDir dir;
  const auto path = dir / "no-such-dir" / "run.h5";
  try {
    RunWriter writer(path, test_support::sample_provenance(), test_support::sample_metrics(),
                     core_event_schema());
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), path.string());
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot create output file: No such file or directory"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("check that the directory exists and is writable"), std::string::npos);
    EXPECT_EQ(e.exit_code(), ExitCode::io_error);
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(RunWriter, UnwritableDirectoryIsAnIoErrorAndLeavesNothing) {
  const TempDir dir;
  const auto locked = dir / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(
      locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::access(locked.c_str(), W_OK) == 0) GTEST_SKIP() << "running as root: permissions ignored";
  EXPECT_THROW(RunWriter(locked / "run.h5", test_support::sample_provenance(),
                         test_support::sample_metrics(), core_event_schema()),
               IoError);
  EXPECT_TRUE(std::filesystem::is_empty(locked));
}

TEST(RunWriter, DirectoryAsOutputPathIsAnIoError) {
  const TempDir dir;
  EXPECT_THROW(RunWriter(dir.path(), test_support::sample_provenance(),
                         test_support::sample_metrics(), core_event_schema()),
               IoError);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(RunWriter, LongRunsFlushAcrossChunkAndBufferBoundaries) {
  const TempDir dir;
  const auto path = dir / "long.h5";
  const int quarters = 200;               // > 3 timeseries chunks
  const std::size_t events = 70000 + 13;  // > one event flush
  {
    RunWriter writer(path, test_support::sample_provenance(), test_support::sample_metrics(),
                     core_event_schema());
    std::size_t written = 0;
    for (int q = 0; q < quarters; ++q) {
      writer.append_quarter(q, std::vector<double>{double(q), q * 0.5, 1.0 / (q + 1)});
      std::vector<Event> batch;
      for (std::size_t i = 0; i < 351 && written < events; ++i, ++written) {
        batch.push_back(test_support::make_event(q, Phase::operations, EventKind::deal,
                                                 AgentKind::fund, static_cast<AgentId>(written),
                                                 AgentKind::firm, 1, 2.0 * written, 0));
      }
      writer.append_events(batch);
    }
    while (written < events) {  // the rest in one large batch
      std::vector<Event> batch(events - written);
      for (Event& e : batch) e.actor = static_cast<AgentId>(written++);
      writer.append_events(batch);
    }
    writer.finish();
  }
  const std::vector<double> alive = read_column(path, "/timeseries/firms_alive");
  ASSERT_EQ(alive.size(), static_cast<std::size_t>(quarters));
  for (int q = 0; q < quarters; ++q) EXPECT_EQ(alive[static_cast<std::size_t>(q)], q);
  const std::vector<double> rate = read_column(path, "/timeseries/survival_rate");
  EXPECT_EQ(rate[199], 1.0 / 200);
  const std::vector<double> actors = read_column(path, "/events/actor");
  ASSERT_EQ(actors.size(), events);
  for (std::size_t i = 0; i < events; ++i) ASSERT_EQ(actors[i], static_cast<double>(i));
}

TEST(RunWriter, MisuseIsReportedAsAnInternalError) {
  const TempDir dir;
  RunWriter writer(dir / "run.h5", test_support::sample_provenance(),
                   test_support::sample_metrics(), core_event_schema());
  EXPECT_THROW(writer.append_quarter(0, std::vector<double>{1, 2}), Error);
  EXPECT_THROW(writer.append_quarter(0, std::vector<double>{std::nan(""), 2, 3}), Error);
  const std::vector<double> three = {1, 2, 3};
  const std::vector<double> two = {1, 2};
  TableView ragged;
  ragged.columns = {{"a", "", "", std::span<const double>(three)},
                    {"b", "", "", std::span<const double>(two)}};
  EXPECT_THROW(writer.write_table("/agents/ragged", ragged), Error);
  writer.finish();
  EXPECT_THROW(writer.append_quarter(1, three), Error);
  EXPECT_THROW(writer.finish(), Error);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(RunWriter, AFailedWriteDiscardsTheRun) {
  const TempDir dir;
  RunWriter writer(dir / "run.h5", test_support::sample_provenance(),
                   test_support::sample_metrics(), core_event_schema());
  const std::vector<double> cash = {1.0};
  TableView table;
  table.columns = {{"cash", "CNY", "", std::span<const double>(cash)}};
  writer.write_table("/agents/firms", table);
  EXPECT_THROW(writer.write_table("/agents/firms", table), IoError);  // dataset exists
  EXPECT_TRUE(dir.entries().empty());
  EXPECT_THROW(writer.finish(), Error);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(RunWriter, CoreEventSchemaNamesEveryEnumerator) {
  const EventSchema schema = core_event_schema();
  EXPECT_EQ(schema.phase.name, "phase");
  EXPECT_EQ(schema.kind.name, "event_kind");
  EXPECT_EQ(schema.agent_kind.name, "agent_kind");
  ASSERT_EQ(schema.kind.members.size(), static_cast<std::size_t>(kEventKindCount));
  EXPECT_EQ(schema.kind.members[18], (std::pair<std::string, int>{"researcher_exit", 18}));
  EXPECT_EQ(schema.phase.members.size(), static_cast<std::size_t>(kPhaseCount));
  EXPECT_EQ(schema.agent_kind.members.size(), static_cast<std::size_t>(kAgentKindCount));
}

}  // namespace
}  // namespace incubsim::output

namespace incubsim::output {
namespace {

TEST(RunWriterSeries, ExtraSeriesAreWrittenLikeTheTimeseries) {
  test_support::TempDir dir;
  const auto path = dir / "series.h5";
  {
    RunWriter w(path, test_support::sample_provenance(), test_support::sample_metrics(),
                core_event_schema());
    const std::size_t ledger = w.add_series(
        "/policy/grants", {{"spend", MetricKind::amount, "M yuan", "spent", Temporal::flow},
                           {"grants", MetricKind::count, "grants", "awarded", Temporal::flow}});
    EXPECT_EQ(ledger, 1u);
    const std::vector<double> row{3, 1.5, 0.5};
    for (std::int32_t q = 0; q < 70; ++q) {  // more than one chunk
      w.append_quarter(q, row);
      const std::vector<double> l{0.25 * q, static_cast<double>(q % 3)};
      w.append_series(ledger, q, l);
    }
    EXPECT_THROW(w.append_series(ledger, 70, std::vector<double>{1.0}), Error);
    w.finish();
  }
  const auto spend = read_column(path, "/policy/grants/spend");
  const auto grants = read_column(path, "/policy/grants/grants");
  const auto quarter = read_column(path, "/policy/grants/quarter");
  ASSERT_EQ(spend.size(), 70u);
  EXPECT_DOUBLE_EQ(spend[69], 0.25 * 69);
  EXPECT_DOUBLE_EQ(grants[5], 2.0);
  EXPECT_DOUBLE_EQ(quarter[69], 69.0);
  EXPECT_EQ(read_column(path, "/timeseries/firms_alive").size(), 70u);
}

}  // namespace
}  // namespace incubsim::output
