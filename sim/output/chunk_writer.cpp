#include "output/chunk_writer.hpp"

#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/parallel.hpp"
#include "output/chunk_codec.hpp"
#include "output/h5.hpp"

namespace incubsim::output::h5 {

std::optional<ChunkLayout> direct_chunk_layout(hid_t dataset, hid_t memory_type) {
  const PropList dcpl(H5Dget_create_plist(dataset));
  if (!dcpl) fail(dataset, "cannot read a dataset's creation properties");
  hsize_t chunk[1] = {0};
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED || H5Pget_chunk(dcpl.get(), 1, chunk) != 1 ||
      chunk[0] == 0 || H5Pget_nfilters(dcpl.get()) != 2) {
    return std::nullopt;
  }
  const Type type(H5Dget_type(dataset));
  if (!type) fail(dataset, "cannot read a dataset's type");
  const H5T_class_t cls = H5Tget_class(type.get());
  const std::size_t size = H5Tget_size(type.get());
  if (cls == H5T_STRING || cls == H5T_VLEN || cls == H5T_REFERENCE || size == 0 ||
      H5Tequal(type.get(), memory_type) <= 0) {
    return std::nullopt;  // H5Dwrite would convert: let it
  }
  // Filter 0 must be the shuffle (its parameter is the element size), filter
  // 1 deflate with its level.
  unsigned params[2][1] = {{0}, {0}};
  H5Z_filter_t ids[2] = {H5Z_FILTER_ERROR, H5Z_FILTER_ERROR};
  std::size_t counts[2] = {1, 1};
  for (unsigned k = 0; k < 2; ++k) {
    unsigned flags = 0;
    unsigned config = 0;
    char name[1] = {'\0'};
    ids[k] = H5Pget_filter2(dcpl.get(), k, &flags, &counts[k], params[k], 0, name, &config);
  }
  if (ids[0] != H5Z_FILTER_SHUFFLE || counts[0] != 1 || params[0][0] != size ||
      ids[1] != H5Z_FILTER_DEFLATE || counts[1] != 1 || params[1][0] > 9) {
    return std::nullopt;
  }
  // Edge chunks are padded with zeros, which is the default fill value.
  H5D_fill_value_t fill = H5D_FILL_VALUE_ERROR;
  if (H5Pfill_value_defined(dcpl.get(), &fill) < 0 || fill != H5D_FILL_VALUE_DEFAULT) {
    return std::nullopt;
  }
  if (chunk[0] > std::numeric_limits<std::uint32_t>::max() / size) return std::nullopt;
  return ChunkLayout{chunk[0], size, static_cast<int>(params[1][0])};
}

ChunkWriter::ChunkWriter(Executor* executor) : executor_(executor) {}

bool ChunkWriter::queued_for(hid_t dataset) const {
  return std::any_of(jobs_.begin(), jobs_.end(),
                     [dataset](const Job& job) { return job.dataset == dataset; });
}

void ChunkWriter::write(hid_t dataset, hid_t memory_type, const void* data, hsize_t first,
                        hsize_t count) {
  if (count == 0) return;
  const std::optional<ChunkLayout> layout = direct_chunk_layout(dataset, memory_type);
  // H5Dwrite must see the chunks queued before it: it may merge into them.
  const auto write_now = [&](const void* from, hsize_t row, hsize_t n) {
    if (queued_for(dataset)) flush();
    write_rows(dataset, memory_type, from, row, n);
  };
  if (!layout) {
    write_now(data, first, count);
    return;
  }
  const hsize_t rows = row_count(dataset);
  const hsize_t end = first + count;
  if (end < first || end > rows) {
    fail(dataset, "cannot write rows " + std::to_string(first) + ".." + std::to_string(end) +
                      " of a dataset of " + std::to_string(rows) + " rows");
  }
  const hsize_t chunk = layout->chunk_rows;
  const std::size_t width = layout->element_size;
  const auto* bytes = static_cast<const unsigned char*>(data);
  // Rows before the first chunk boundary share their chunk with rows
  // already in the file: HDF5 merges them.
  hsize_t row = std::min(end, (first + chunk - 1) / chunk * chunk);
  if (row > first) write_now(bytes, first, row - first);
  while (row < end) {
    const hsize_t n = std::min(chunk, end - row);
    const unsigned char* from = bytes + static_cast<std::size_t>(row - first) * width;
    if (n < chunk && row + n < rows) {  // rows after these in the same chunk stay
      write_now(from, row, n);
      break;
    }
    Job& job = jobs_.emplace_back();
    job.dataset = dataset;
    job.offset = row;
    job.bytes = static_cast<std::size_t>(chunk) * width;
    job.element_size = width;
    job.level = layout->level;
    if (n < chunk) {  // the dataset's last chunk: HDF5 pads it with the fill value
      job.padded.assign(job.bytes, 0);
      std::memcpy(job.padded.data(), from, static_cast<std::size_t>(n) * width);
    } else {
      job.raw = from;
    }
    queued_bytes_ += job.bytes;
    row += n;
    if (queued_bytes_ >= kBatchBytes) flush();
  }
}

void ChunkWriter::append(hid_t dataset, hid_t memory_type, const void* data, hsize_t count) {
  if (count == 0) return;
  const hsize_t first = row_count(dataset);
  const hsize_t size[1] = {first + count};
  check_status(H5Dset_extent(dataset, size), dataset, "cannot extend a dataset");
  write(dataset, memory_type, data, first, count);
}

void ChunkWriter::flush() {
  if (jobs_.empty()) return;
  struct Clear {
    ChunkWriter& writer;
    ~Clear() {
      writer.jobs_.clear();
      writer.queued_bytes_ = 0;
    }
  } clear{*this};
  // Only whole chunks may be stored unfiltered (see encode_chunk).
  const auto encode = [this](ChunkEncoder& encoder, std::size_t i) {
    Job& job = jobs_[i];
    const unsigned char* raw = job.padded.empty() ? job.raw : job.padded.data();
    job.filter_mask = encoder.encode(std::span<const unsigned char>(raw, job.bytes),
                                     job.element_size, job.level, job.encoded, job.padded.empty());
  };
  // Handing a few small chunks (a quarter's time-series row) to other
  // threads costs more than compressing them here.
  if (executor_ != nullptr && executor_->threads() > 1 && jobs_.size() > 1 &&
      queued_bytes_ >= kParallelBytes) {
    executor_->run([&] { encode_and_store_pipelined(encode); });
    return;
  }
  if (encoders_.empty()) encoders_.resize(1);
  for (std::size_t i = 0; i < jobs_.size(); ++i) encode(encoders_[0], i);
  for (std::size_t i = 0; i < jobs_.size(); ++i) store(i);
}

void ChunkWriter::store(std::size_t i) {
  Job& job = jobs_[i];
  // Filter mask 0: both filters were applied, as HDF5 itself would; or
  // kUnfilteredMask for bytes that looked random.
  if (H5Dwrite_chunk(job.dataset, H5P_DEFAULT, job.filter_mask, &job.offset, job.encoded.size(),
                     job.encoded.data()) < 0) {
    fail(job.dataset, "cannot write the compressed chunk at row " + std::to_string(job.offset));
  }
  ++chunks_written_;
}

template <class Encode>
void ChunkWriter::encode_and_store_pipelined(const Encode& encode) {
  // The other threads compress chunks in queue order, each claiming the
  // next; this thread stores them in that order as they come ready (the
  // writes are serial: HDF5, and the file's one inode lock), compressing
  // a chunk itself whenever the next one to store is not ready. Storing
  // then overlaps compressing instead of following it. Each chunk's bytes
  // do not depend on which encoder made them.
  const std::size_t n = jobs_.size();
  const auto threads = static_cast<std::size_t>(executor_->threads());
  if (encoders_.size() < threads) encoders_.resize(threads);
  std::vector<std::atomic<int>> state(n);  // kPending, kEncoded or kFailed
  std::vector<std::exception_ptr> error(n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  constexpr int kPending = 0, kEncoded = 1, kFailed = 2;
  // Claims and compresses the next chunk; false when none is left.
  const auto encode_next = [&](ChunkEncoder& encoder) {
    const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= n) return false;
    int outcome = kEncoded;
    try {
      encode(encoder, i);
    } catch (...) {
      error[i] = std::current_exception();
      outcome = kFailed;
    }
    state[i].store(outcome, std::memory_order_release);
    state[i].notify_all();
    return true;
  };
  detail::TaskHandoff handoff;
  tbb::task_group helpers;
  handoff.before_tasks();
  for (std::size_t h = 1; h < threads; ++h) {
    helpers.run([&, h] {
      handoff.task_begins();
      while (!stop.load(std::memory_order_relaxed) && encode_next(encoders_[h])) {
      }
      handoff.task_ends();
    });
  }
  // Whatever happens below, the helpers stop and are waited for before the
  // jobs they read go away.
  struct Join {
    tbb::task_group& helpers;
    std::atomic<bool>& stop;
    detail::TaskHandoff& handoff;
    ~Join() {
      stop.store(true, std::memory_order_relaxed);
      helpers.wait();
      handoff.after_tasks();
    }
  } join{helpers, stop, handoff};
  for (std::size_t i = 0; i < n; ++i) {
    while (state[i].load(std::memory_order_acquire) == kPending) {
      if (!encode_next(encoders_[0])) state[i].wait(kPending, std::memory_order_acquire);
    }
    if (state[i].load(std::memory_order_acquire) == kFailed) std::rethrow_exception(error[i]);
    store(i);
  }
}

}  // namespace incubsim::output::h5
