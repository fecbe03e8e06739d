#include "output/chunk_writer.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "core/vector_state.hpp"
#include "output/chunk_codec.hpp"
#include "output/h5.hpp"
#include "output/table.hpp"
#include "sample_run.hpp"

namespace incubsim::output {
namespace {

using test_support::TempDir;
using Bytes = std::vector<unsigned char>;

constexpr hsize_t kChunk = 16;

// Row counts around chunk boundaries.
const std::vector<hsize_t> kRowCounts = {0, 1, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk + 5};

Bytes read_all(hid_t dataset, hid_t memory_type) {
  const std::size_t width = H5Tget_size(memory_type);
  Bytes out(static_cast<std::size_t>(h5::row_count(dataset)) * width);
  if (!out.empty()) {
    EXPECT_GE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
  }
  return out;
}

// The filter mask of every chunk and its bytes as stored, inflated where
// deflated (mask 0: the shuffled rows). Two writers' deflate streams may
// differ (ISA-L here, zlib inside HDF5); what they inflate to may not.
std::vector<std::pair<std::uint32_t, Bytes>> stored_chunks(hid_t dataset, hsize_t chunk) {
  std::vector<std::pair<std::uint32_t, Bytes>> out;
  const h5::Type type(H5Dget_type(dataset));
  const std::size_t chunk_bytes = static_cast<std::size_t>(chunk) * H5Tget_size(type.get());
  for (hsize_t row = 0; row < h5::row_count(dataset); row += chunk) {
    hsize_t size = 0;
    EXPECT_GE(H5Dget_chunk_storage_size(dataset, &row, &size), 0);
    Bytes bytes(static_cast<std::size_t>(size));
    std::uint32_t mask = 99;
    EXPECT_GE(H5Dread_chunk(dataset, H5P_DEFAULT, &row, &mask, bytes.data()), 0);
    if (mask == 0) {
      Bytes inflated(chunk_bytes);
      uLongf length = inflated.size();
      EXPECT_EQ(uncompress(inflated.data(), &length, bytes.data(), bytes.size()), Z_OK);
      EXPECT_EQ(length, inflated.size());
      bytes = std::move(inflated);
    }
    out.emplace_back(mask, std::move(bytes));
  }
  return out;
}

void expect_shuffle_and_deflate(hid_t dataset) {
  const h5::PropList dcpl(H5Dget_create_plist(dataset));
  ASSERT_EQ(H5Pget_nfilters(dcpl.get()), 2);
  unsigned flags = 0;
  std::size_t count = 1;
  unsigned value = 0;
  char name[1] = {'\0'};
  unsigned config = 0;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 0, &flags, &count, &value, 0, name, &config),
            H5Z_FILTER_SHUFFLE);
  count = 1;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 1, &flags, &count, &value, 0, name, &config),
            H5Z_FILTER_DEFLATE);
  EXPECT_EQ(value, h5::kDeflateLevel);
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<unsigned char>(gen());
  return out;
}

// Values that compress: slowly varying, with some noise.
template <class T>
std::vector<T> sample_values(hsize_t rows) {
  std::vector<T> out(static_cast<std::size_t>(rows));
  std::mt19937 gen(7);
  for (std::size_t i = 0; i < out.size(); ++i) {
    // Kept below 200 so that every column type, uint8 included, holds it.
    const double v = static_cast<double>(i / 3) * 1.5 + static_cast<double>(gen() % 4);
    out[i] = static_cast<T>(std::fmod(v, 200.0));
  }
  return out;
}

struct Column {
  std::string name;
  hid_t file_type;
  hid_t memory_type;
  Bytes data;
};

class ChunkWriterFile : public ::testing::Test {
 protected:
  void SetUp() override { file_ = h5::create_file((dir_ / "c.h5").string()); }

  // Writes `column` once through ChunkWriter and once through H5Dwrite, then
  // checks the values, the filters and that the stored chunks are the same:
  // each chunk inflating to what HDF5 stores, or, where its bytes looked
  // random, stored unfiltered (the chunk's rows as they are, zero-padded).
  void check_round_trip(const Column& column, hsize_t chunk, Executor* executor,
                        bool random_allowed = false) {
    const std::size_t width = H5Tget_size(column.memory_type);
    const hsize_t rows = column.data.size() / width;
    SCOPED_TRACE(column.name + ", " + std::to_string(rows) + " rows");
    const std::string name = column.name + "_" + std::to_string(rows) + "_" +
                             std::to_string(executor ? executor->threads() : 0);
    h5::ChunkWriter writer(executor);
    const h5::Dataset direct = h5::create_column(file_.get(), name, column.file_type, chunk, rows);
    writer.write(direct.get(), column.memory_type, column.data.data(), 0, rows);
    writer.flush();
    EXPECT_EQ(writer.chunks_written(), (rows + chunk - 1) / chunk);

    const h5::Dataset plain =
        h5::create_column(file_.get(), name + "_plain", column.file_type, chunk, rows);
    h5::write_rows(plain.get(), column.memory_type, column.data.data(), 0, rows);

    EXPECT_EQ(read_all(direct.get(), column.memory_type), column.data);
    expect_shuffle_and_deflate(direct.get());
    const auto stored = stored_chunks(direct.get(), chunk);
    const auto expected = stored_chunks(plain.get(), chunk);
    ASSERT_EQ(stored.size(), expected.size());
    const std::size_t chunk_bytes = static_cast<std::size_t>(chunk) * width;
    unfiltered_ = 0;
    for (std::size_t k = 0; k < stored.size(); ++k) {
      if (stored[k].first == 0) {
        EXPECT_EQ(stored[k], expected[k]) << "chunk " << k;
        continue;
      }
      EXPECT_TRUE(random_allowed) << "chunk " << k << " stored unfiltered";
      EXPECT_EQ(stored[k].first, h5::kUnfilteredMask) << "chunk " << k;
      Bytes rows(chunk_bytes, 0);
      const std::size_t first = k * chunk_bytes;
      std::copy(column.data.begin() + static_cast<std::ptrdiff_t>(first),
                column.data.begin() +
                    static_cast<std::ptrdiff_t>(std::min(column.data.size(), first + chunk_bytes)),
                rows.begin());
      EXPECT_EQ(stored[k].second, rows) << "chunk " << k;
      ++unfiltered_;
    }
  }

  std::vector<Column> columns(hsize_t rows) {
    const auto raw = [](const auto& values) {
      Bytes out(values.size() * sizeof(values[0]));
      if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
      return out;
    };
    return {
        {"f64", h5::TypeOf<double>::file(), h5::TypeOf<double>::memory(),
         raw(sample_values<double>(rows))},
        {"i64", h5::TypeOf<std::int64_t>::file(), h5::TypeOf<std::int64_t>::memory(),
         raw(sample_values<std::int64_t>(rows))},
        {"i32", h5::TypeOf<std::int32_t>::file(), h5::TypeOf<std::int32_t>::memory(),
         raw(sample_values<std::int32_t>(rows))},
        {"u8", h5::TypeOf<std::uint8_t>::file(), h5::TypeOf<std::uint8_t>::memory(),
         raw(sample_values<std::uint8_t>(rows))},
        {"enum", stage_.get(), stage_memory_.get(),
         raw(std::vector<std::uint8_t>(static_cast<std::size_t>(rows), 2))},
    };
  }

  void commit_enum() {
    stage_ = h5::enum_type(EnumType{"stage", {{"seed", 0}, {"early", 1}, {"growth", 2}}});
    h5::commit_type(file_.get(), "stage", stage_.get());
    stage_memory_ = h5::copy_type(stage_.get());
  }

  std::size_t unfiltered_ = 0;  // chunks of the last round trip stored unfiltered
  TempDir dir_;
  h5::ErrorSilencer quiet_;
  h5::File file_;
  h5::Type stage_;
  h5::Type stage_memory_;
};

TEST(ChunkCodec, ShufflesLikeHdf5AndInflatesBack) {
  const Bytes raw = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};  // 3 elements of 4, 1 left over
  Bytes shuffled(raw.size());
  h5::shuffle_bytes(raw, 4, shuffled.data());
  EXPECT_EQ(shuffled, (Bytes{1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12, 13}));

  // Below the probed size even random bytes are deflated, as HDF5 does,
  // and kept although larger; above it they are stored as they are.
  for (const std::size_t n : {std::size_t{2048}, std::size_t{65536}}) {
    const Bytes data = random_bytes(n, 3);
    Bytes encoded;
    const unsigned mask = h5::encode_chunk(data, 8, 1, encoded);
    if (n >= 4096) {
      EXPECT_EQ(mask, h5::kUnfilteredMask);
      EXPECT_EQ(encoded, data);
      continue;
    }
    EXPECT_EQ(mask, 0u);
    Bytes inflated(data.size());
    uLongf size = inflated.size();
    ASSERT_EQ(uncompress(inflated.data(), &size, encoded.data(), encoded.size()), Z_OK);
    ASSERT_EQ(size, data.size());
    Bytes expected(data.size());
    h5::shuffle_bytes(data, 8, expected.data());
    EXPECT_EQ(inflated, expected);
    EXPECT_GT(encoded.size(), data.size());
  }
}

TEST(ChunkCodec, DeflatesUnlessTheBytesLookRandom) {
  const auto shuffled = [](const auto& values) {
    const std::size_t width = sizeof(values[0]);
    Bytes raw(values.size() * width);
    std::memcpy(raw.data(), values.data(), raw.size());
    Bytes out(raw.size());
    h5::shuffle_bytes(raw, width, out.data());
    return std::pair{out, width};
  };
  std::mt19937_64 gen(5);
  std::vector<double> uniform(16384);
  std::vector<std::uint64_t> keys(16384);
  std::vector<double> amounts(16384);
  std::vector<std::int64_t> ids(16384);
  for (std::size_t i = 0; i < uniform.size(); ++i) {
    uniform[i] = std::uniform_real_distribution<double>(0.0, 1.0)(gen);
    keys[i] = gen();
    amounts[i] = static_cast<double>(gen() % 5) * 250000.0;  // a few round amounts
    ids[i] = static_cast<std::int64_t>(i / 4 + gen() % 16);  // ids in commit order
  }
  for (const auto& [bytes, planes] : {shuffled(uniform), shuffled(keys)})
    EXPECT_FALSE(h5::worth_deflating(bytes, planes));
  for (const auto& [bytes, planes] : {shuffled(amounts), shuffled(ids)})
    EXPECT_TRUE(h5::worth_deflating(bytes, planes));
  EXPECT_TRUE(h5::worth_deflating(Bytes(65536, 0), 8));
  EXPECT_TRUE(h5::worth_deflating(random_bytes(4095, 1), 1));  // too small to probe
  EXPECT_FALSE(h5::worth_deflating(random_bytes(4096, 1), 1));
}

// ISA-L's kernels leave the AVX upper state dirty, which made every later
// SSE instruction (glibc's exp above all) several times slower; encoding a
// chunk must leave it clean.
TEST(ChunkCodec, LeavesTheAvxUpperStateClean) {
  if (!upper_vector_state_in_use()) GTEST_SKIP() << "this CPU cannot report its AVX state";
  const Bytes data(1 << 16, 7);
  Bytes encoded;
  h5::ChunkEncoder encoder;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(encoder.encode(data, 8, 1, encoded, true), 0u);
    EXPECT_EQ(upper_vector_state_in_use(), false) << "after chunk " << i;
  }
}

TEST_F(ChunkWriterFile, EveryColumnTypeRoundTripsAtChunkBoundaries) {
  commit_enum();
  for (const hsize_t rows : kRowCounts) {
    for (const Column& column : columns(rows)) check_round_trip(column, kChunk, nullptr);
  }
}

TEST_F(ChunkWriterFile, ParallelCompressionStoresTheSameChunks) {
  commit_enum();
  Executor executor(2);
  // Enough chunks that a flush compresses on both threads.
  const hsize_t rows = 40 * 1024 + 7;
  for (const Column& column : columns(rows)) check_round_trip(column, 1024, &executor);
  for (const hsize_t small : kRowCounts) {
    for (const Column& column : columns(small)) check_round_trip(column, kChunk, &executor);
  }
}

TEST_F(ChunkWriterFile, IncompressibleChunksRoundTrip) {
  Executor executor(2);
  for (const hsize_t rows : {hsize_t{1}, kChunk, hsize_t{20 * 1024 + 3}}) {
    // One-byte chunks of 1024 rows are too small to probe: deflated.
    check_round_trip({"random_u8", h5::TypeOf<std::uint8_t>::file(),
                      h5::TypeOf<std::uint8_t>::memory(), random_bytes(rows, 11)},
                     1024, &executor);
    EXPECT_EQ(unfiltered_, 0u);
    check_round_trip({"random_i64", h5::TypeOf<std::int64_t>::file(),
                      h5::TypeOf<std::int64_t>::memory(), random_bytes(rows * 8, 12)},
                     1024, &executor, true);
    // Every whole chunk is random; a nearly empty edge chunk is not.
    EXPECT_EQ(unfiltered_, rows / 1024);
  }
}

TEST_F(ChunkWriterFile, BatchesLargerThanTheBoundAreFlushedOnTheWay) {
  Executor executor(2);
  const hsize_t rows = 3 * h5::ChunkWriter::kBatchBytes / 8 + 100;
  check_round_trip({"big", h5::TypeOf<std::int64_t>::file(), h5::TypeOf<std::int64_t>::memory(),
                    [&] {
                      Bytes out(rows * 8);
                      const auto values = sample_values<std::int64_t>(rows);
                      std::memcpy(out.data(), values.data(), out.size());
                      return out;
                    }()},
                   16384, &executor);
}

TEST_F(ChunkWriterFile, RandomRowsReadBackAfterEveryAppend) {
  // Random doubles in chunks big enough to be stored unfiltered. Each
  // append leaves a partly filled last chunk, which HDF5 1.10 could not
  // read back when it was stored unfiltered (an interrupted run's
  // checkpoint copies /events/amount at such a moment); the next append
  // fills it up through H5Dwrite.
  constexpr hsize_t kBig = 4096;
  std::mt19937_64 gen(3);
  std::vector<double> values(4 * kBig);
  for (double& v : values) v = static_cast<double>(gen()) / 1e10;
  const h5::Dataset d = h5::create_column(file_.get(), "random", H5T_IEEE_F64LE, kBig);
  h5::ChunkWriter writer(nullptr);
  std::size_t done = 0;
  for (const std::size_t n : {4000, 200, 8192, 5}) {
    writer.append(d.get(), H5T_NATIVE_DOUBLE, values.data() + done, n);
    writer.flush();
    done += n;
    std::vector<double> back(done);
    ASSERT_GE(H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()), 0)
        << "after " << done << " rows";
    EXPECT_TRUE(std::equal(back.begin(), back.end(), values.begin())) << "after " << done;
  }
  // A chunk written whole is stored as it is, the partly filled last one
  // through the filters (the first two were filled up through H5Dwrite).
  const auto stored = stored_chunks(d.get(), kBig);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[2].first, h5::kUnfilteredMask);  // written whole
  EXPECT_EQ(stored[3].first, 0u);
}

TEST_F(ChunkWriterFile, UnevenAppendsMatchHdf5sOwnAppends) {
  Executor executor(2);
  const auto values = sample_values<double>(400);
  const h5::Dataset direct = h5::create_column(file_.get(), "direct", H5T_IEEE_F64LE, kChunk);
  const h5::Dataset plain = h5::create_column(file_.get(), "plain", H5T_IEEE_F64LE, kChunk);
  h5::ChunkWriter writer(&executor);
  std::size_t done = 0;
  int step = 0;
  for (const std::size_t n : {5, 16, 3, 40, 0, 1, 15, 64, 7, 100, 149}) {
    writer.append(direct.get(), H5T_NATIVE_DOUBLE, values.data() + done, n);
    if (++step % 3 == 0) writer.flush();  // sometimes two appends share a queued chunk
    h5::append_rows(plain.get(), H5T_NATIVE_DOUBLE, values.data() + done, n);
    done += n;
  }
  writer.flush();
  ASSERT_EQ(done, values.size());
  EXPECT_GT(writer.chunks_written(), 0U);
  std::vector<double> back(values.size());
  ASSERT_GE(H5Dread(direct.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()),
            0);
  EXPECT_EQ(back, values);
  EXPECT_EQ(stored_chunks(direct.get(), kChunk), stored_chunks(plain.get(), kChunk));
}

TEST_F(ChunkWriterFile, RowsInsideTheDatasetKeepTheirNeighbours) {
  const auto values = sample_values<std::int32_t>(5 * kChunk);
  const h5::Dataset dataset =
      h5::create_column(file_.get(), "d", H5T_STD_I32LE, kChunk, values.size());
  h5::ChunkWriter writer;
  writer.write(dataset.get(), H5T_NATIVE_INT32, values.data(), 0, values.size());
  const std::vector<std::int32_t> patch(kChunk + 3, -1);  // one chunk and a partial one
  writer.write(dataset.get(), H5T_NATIVE_INT32, patch.data(), kChunk, patch.size());
  writer.flush();
  std::vector<std::int32_t> expected = values;
  std::copy(patch.begin(), patch.end(), expected.begin() + kChunk);
  std::vector<std::int32_t> back(values.size());
  ASSERT_GE(H5Dread(dataset.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()),
            0);
  EXPECT_EQ(back, expected);
  EXPECT_THROW(writer.write(dataset.get(), H5T_NATIVE_INT32, patch.data(), 5 * kChunk - 2, 3),
               IoError);
}

TEST_F(ChunkWriterFile, FallsBackToH5DwriteWhenChunksCannotBeStoredAsIs) {
  // A conversion (int32 in memory, int64 in the file) and an unfiltered dataset.
  const std::vector<std::int32_t> values = {1, -2, 3, 40000, -5};
  const h5::Dataset converted =
      h5::create_column(file_.get(), "converted", H5T_STD_I64LE, 2, values.size());
  EXPECT_FALSE(h5::direct_chunk_layout(converted.get(), H5T_NATIVE_INT32));
  const auto layout = h5::direct_chunk_layout(converted.get(), H5T_NATIVE_INT64);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->chunk_rows, 2U);
  EXPECT_EQ(layout->element_size, 8U);
  EXPECT_EQ(layout->level, static_cast<int>(h5::kDeflateLevel));

  const hsize_t dims[1] = {values.size()};
  const h5::Space space(H5Screate_simple(1, dims, nullptr));
  const h5::Dataset contiguous(H5Dcreate2(file_.get(), "contiguous", H5T_STD_I32LE, space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  EXPECT_FALSE(h5::direct_chunk_layout(contiguous.get(), H5T_NATIVE_INT32));

  h5::ChunkWriter writer;
  writer.write(converted.get(), H5T_NATIVE_INT32, values.data(), 0, values.size());
  writer.write(contiguous.get(), H5T_NATIVE_INT32, values.data(), 0, values.size());
  writer.flush();
  EXPECT_EQ(writer.chunks_written(), 0U);
  std::vector<std::int64_t> wide(values.size());
  ASSERT_GE(H5Dread(converted.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, wide.data()),
            0);
  EXPECT_EQ(wide, (std::vector<std::int64_t>{1, -2, 3, 40000, -5}));
  std::vector<std::int32_t> narrow(values.size());
  ASSERT_GE(
      H5Dread(contiguous.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, narrow.data()), 0);
  EXPECT_EQ(narrow, values);
}

TEST(RunWriterChunks, CheckpointedRowsIncludeEveryBufferedRow) {
  const TempDir dir;
  const h5::ErrorSilencer quiet;
  RunWriter writer(dir / "run.h5", test_support::sample_provenance(),
                   test_support::sample_metrics(), core_event_schema());
  for (int q = 0; q < 70; ++q) {  // one whole time-series chunk and 6 rows
    writer.append_quarter(q, std::vector<double>{double(q), q * 0.5, 0.25});
    writer.append_events(std::vector<Event>(
        300, test_support::make_event(q, Phase::operations, EventKind::deal, AgentKind::fund, q,
                                      AgentKind::firm, 1, 2.0, 0)));
  }
  h5::File saved = h5::create_file((dir / "saved.h5").string());
  writer.save_rows(saved.get());
  const h5::Dataset quarters = h5::open_dataset(saved.get(), "timeseries/quarter");
  EXPECT_EQ(h5::row_count(quarters.get()), 70U);
  const h5::Dataset actors = h5::open_dataset(saved.get(), "events/actor");
  EXPECT_EQ(h5::row_count(actors.get()), 70U * 300U);
  // Appends after a checkpoint start inside a chunk; they still read back.
  writer.append_quarter(70, std::vector<double>{70, 35, 0.25});
  writer.finish();
  const h5::File run = h5::open_file_read_only((dir / "run.h5").string());
  const h5::Dataset alive = h5::open_dataset(run.get(), "/timeseries/firms_alive");
  std::vector<std::int64_t> back(71);
  ASSERT_EQ(h5::row_count(alive.get()), back.size());
  ASSERT_GE(H5Dread(alive.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()), 0);
  for (std::size_t q = 0; q < back.size(); ++q) EXPECT_EQ(back[q], static_cast<std::int64_t>(q));
}

}  // namespace
}  // namespace incubsim::output
