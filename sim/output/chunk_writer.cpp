#include "output/chunk_writer.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>
#include <string>

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
    // Contiguous blocks of jobs, each with an encoder of its own; a few
    // blocks per thread even out chunks that cost more than others.
    const std::size_t blocks =
        std::min(jobs_.size(), static_cast<std::size_t>(executor_->threads()) * 4);
    if (encoders_.size() < blocks) encoders_.resize(blocks);
    executor_->run([&] {
      parallel_for_each_index(
          blocks,
          [&](std::size_t b) {
            const std::size_t end = (b + 1) * jobs_.size() / blocks;
            for (std::size_t i = b * jobs_.size() / blocks; i < end; ++i) encode(encoders_[b], i);
          },
          1);
    });
  } else {
    if (encoders_.empty()) encoders_.resize(1);
    for (std::size_t i = 0; i < jobs_.size(); ++i) encode(encoders_[0], i);
  }
  for (Job& job : jobs_) {
    // Filter mask 0: both filters were applied, as HDF5 itself would; or
    // kUnfilteredMask for bytes that looked random.
    if (H5Dwrite_chunk(job.dataset, H5P_DEFAULT, job.filter_mask, &job.offset, job.encoded.size(),
                       job.encoded.data()) < 0) {
      fail(job.dataset, "cannot write the compressed chunk at row " + std::to_string(job.offset));
    }
    ++chunks_written_;
  }
}

}  // namespace incubsim::output::h5
