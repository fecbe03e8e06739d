#pragma once
// Writes rows of 1-D chunked, shuffled and deflated datasets as whole
// chunks: queued chunks are compressed (output/chunk_codec.hpp), on an
// Executor's threads when given one, and then stored with H5Dwrite_chunk in
// the order queued. Files stay ordinary HDF5 files with the standard filter
// pipeline, and their values are those H5Dwrite would store (a chunk that
// looks random is stored unfiltered, its filter mask saying so). Only the
// compression runs in parallel: every HDF5 call is made from the calling
// thread, so like output/h5.hpp this is for one thread at a time.
#include <hdf5.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "output/chunk_codec.hpp"

namespace incubsim {
class Executor;
}

namespace incubsim::output::h5 {

/// How the rows of a dataset map onto chunks it can take precompressed.
struct ChunkLayout {
  hsize_t chunk_rows = 0;
  std::size_t element_size = 0;  // bytes per row, in memory and in the file
  int level = 0;                 // deflate level
};

/// The layout if `dataset` is 1-D and chunked with exactly shuffle then
/// deflate, its fill value is the default (zero, which pads edge chunks),
/// and `memory_type` is its file type (no conversion); nullopt otherwise.
std::optional<ChunkLayout> direct_chunk_layout(hid_t dataset, hid_t memory_type);

class ChunkWriter {
 public:
  /// `executor` compresses queued chunks; nullptr (or one thread): the
  /// calling thread does. The executor must outlive the writer.
  explicit ChunkWriter(Executor* executor = nullptr);
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  /// Writes rows [first, first + count) of `dataset`, which must already
  /// hold them. Whole chunks, and the last chunk when the rows end the
  /// dataset (padded with zeros like HDF5's edge chunks), are queued:
  /// `data` and `dataset` must stay valid until flush(). Other rows, and
  /// datasets without a direct_chunk_layout, go through H5Dwrite now.
  void write(hid_t dataset, hid_t memory_type, const void* data, hsize_t first, hsize_t count);

  /// Grows `dataset` by `count` rows and writes them with write().
  void append(hid_t dataset, hid_t memory_type, const void* data, hsize_t count);

  /// Compresses every queued chunk and writes them. Queued chunks are
  /// dropped if this throws. Also runs whenever about kBatchBytes of raw
  /// data are queued, which bounds the memory held.
  void flush();

  /// Raw bytes queued before write() flushes on its own.
  static constexpr std::size_t kBatchBytes = std::size_t{8} << 20;

  /// Raw bytes below which a flush compresses in the calling thread.
  static constexpr std::size_t kParallelBytes = std::size_t{128} << 10;

  /// The executor given at construction (nullptr if none).
  Executor* executor() const { return executor_; }

  /// Chunks stored with H5Dwrite_chunk so far (for tests).
  std::size_t chunks_written() const { return chunks_written_; }

 private:
  struct Job {
    hid_t dataset = H5I_INVALID_HID;
    hsize_t offset = 0;  // first row of the chunk
    const unsigned char* raw = nullptr;
    std::size_t bytes = 0;  // a whole chunk
    std::size_t element_size = 0;
    int level = 0;
    std::vector<unsigned char> padded;   // the edge chunk, zero-padded
    std::vector<unsigned char> encoded;  // filled by flush()
    unsigned filter_mask = 0;            // filled by flush()
  };

  bool queued_for(hid_t dataset) const;
  /// Stores job i's compressed chunk.
  void store(std::size_t i);
  /// flush() on the executor's threads (see the .cpp).
  template <class Encode>
  void encode_and_store_pipelined(const Encode& encode);

  Executor* executor_;
  std::vector<ChunkEncoder> encoders_;  // one per thread of a flush
  std::vector<Job> jobs_;
  std::size_t queued_bytes_ = 0;
  std::size_t chunks_written_ = 0;
};

}  // namespace incubsim::output::h5
