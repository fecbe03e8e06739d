#include "output/chunk_codec.hpp"

#include <isa-l/igzip_lib.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "core/errors.hpp"
#include "core/vector_state.hpp"

namespace incubsim::output::h5 {

void shuffle_bytes(std::span<const unsigned char> raw, std::size_t element_size,
                   unsigned char* out) {
  const std::size_t n = element_size > 0 ? raw.size() / element_size : 0;
  // HDF5 leaves one-byte types and single elements as they are.
  if (element_size <= 1 || n <= 1) {
    if (!raw.empty()) std::memcpy(out, raw.data(), raw.size());
    return;
  }
  const unsigned char* src = raw.data();
  for (std::size_t b = 0; b < element_size; ++b) {
    unsigned char* dst = out + b * n;
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i * element_size + b];
  }
  const std::size_t whole = n * element_size;
  if (whole < raw.size()) std::memcpy(out + whole, src + whole, raw.size() - whole);
}

namespace {

// Chunks smaller than this (a quarter's time-series values) are always
// deflated, as HDF5 would; sampling every 4th byte keeps the estimate cheap
// beside deflate and still within a few hundredths of a bit.
constexpr std::size_t kMinProbedBytes = 4096;
constexpr std::size_t kSampleStride = 4;
constexpr double kRandomFraction = 0.8;

double sampled_entropy_bits(const unsigned char* bytes, std::size_t n) {
  std::array<std::uint32_t, 256> count{};
  std::size_t sampled = 0;
  for (std::size_t i = 0; i < n; i += kSampleStride, ++sampled) ++count[bytes[i]];
  double bits = 0.0;
  for (const std::uint32_t c : count) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / static_cast<double>(sampled);
    bits -= p * std::log2(p);
  }
  return bits;
}

std::size_t deflated_size_bound(std::size_t raw) {
  // ISA-L falls back to stored blocks (5 bytes of header per 65,535 bytes)
  // when compressing does not pay; add the zlib wrapper and a block header.
  return raw + 5 * (raw / 65535 + 1) + 6 + ISAL_DEF_MAX_HDR_SIZE;
}

}  // namespace

bool worth_deflating(std::span<const unsigned char> shuffled, std::size_t planes) {
  if (planes == 0 || shuffled.size() < kMinProbedBytes) return true;
  const std::size_t n = shuffled.size() / planes;
  double bits = 0.0;
  for (std::size_t p = 0; p < planes; ++p) bits += sampled_entropy_bits(shuffled.data() + p * n, n);
  return bits < kRandomFraction * 8.0 * static_cast<double>(planes);
}

unsigned ChunkEncoder::encode(std::span<const unsigned char> raw, std::size_t element_size,
                              int level, std::vector<unsigned char>& out, bool may_skip_filters) {
  if (raw.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    throw Error("chunk of " + std::to_string(raw.size()) + " bytes is too large to deflate");
  }
  const unsigned char* source = raw.data();
  std::size_t planes = 1;
  if (element_size > 1 && raw.size() >= 2 * element_size) {
    scratch_.resize(raw.size());
    shuffle_bytes(raw, element_size, scratch_.data());
    source = scratch_.data();
    planes = element_size;
  }
  if (may_skip_filters &&
      !worth_deflating(std::span<const unsigned char>(source, raw.size()), planes)) {
    out.assign(raw.begin(), raw.end());
    return kUnfilteredMask;
  }
  out.resize(deflated_size_bound(raw.size()));
  isal_zstream z;
  isal_deflate_stateless_init(&z);
  // Level 0 stores; every other level uses ISA-L's fast level 1, which
  // compresses about as well as zlib's level 1 at several times its speed.
  z.level = level > 0 ? 1 : 0;
  if (z.level > 0) {
    // Level 1's hash table and token buffer; each stateless call starts
    // afresh, so one buffer serves every chunk.
    if (level_buffer_.empty()) level_buffer_.resize(ISAL_DEF_LVL1_DEFAULT);
    z.level_buf = level_buffer_.data();
    z.level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
  }
  z.gzip_flag = IGZIP_ZLIB;  // the zlib wrapper, which HDF5's deflate filter reads
  z.end_of_stream = 1;
  z.flush = NO_FLUSH;
  z.next_in = const_cast<std::uint8_t*>(source);
  z.avail_in = static_cast<std::uint32_t>(raw.size());
  z.next_out = out.data();
  z.avail_out = static_cast<std::uint32_t>(out.size());
  const int status = isal_deflate_stateless(&z);
  // ISA-L leaves the AVX upper state dirty; left so, it slows every later
  // SSE instruction of this thread (core/vector_state.hpp).
  clear_upper_vector_state();
  if (status != COMP_OK) {
    throw Error("ISA-L cannot deflate a chunk of " + std::to_string(raw.size()) +
                " bytes (isal_deflate_stateless returned " + std::to_string(status) + ")");
  }
  out.resize(z.total_out);
  return 0;
}

unsigned encode_chunk(std::span<const unsigned char> raw, std::size_t element_size, int level,
                      std::vector<unsigned char>& out, bool may_skip_filters) {
  ChunkEncoder encoder;
  return encoder.encode(raw, element_size, level, out, may_skip_filters);
}

}  // namespace incubsim::output::h5
