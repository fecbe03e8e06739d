#include "output/chunk_codec.hpp"

#include <zlib.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "core/errors.hpp"

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

}  // namespace

bool worth_deflating(std::span<const unsigned char> shuffled, std::size_t planes) {
  if (planes == 0 || shuffled.size() < kMinProbedBytes) return true;
  const std::size_t n = shuffled.size() / planes;
  double bits = 0.0;
  for (std::size_t p = 0; p < planes; ++p) bits += sampled_entropy_bits(shuffled.data() + p * n, n);
  return bits < kRandomFraction * 8.0 * static_cast<double>(planes);
}

unsigned encode_chunk(std::span<const unsigned char> raw, std::size_t element_size, int level,
                      std::vector<unsigned char>& out, std::vector<unsigned char>& scratch,
                      bool may_skip_filters) {
  if (raw.size() > std::numeric_limits<uLong>::max()) {
    throw Error("chunk of " + std::to_string(raw.size()) + " bytes is too large for zlib");
  }
  const unsigned char* source = raw.data();
  std::size_t planes = 1;
  if (element_size > 1 && raw.size() >= 2 * element_size) {
    scratch.resize(raw.size());
    shuffle_bytes(raw, element_size, scratch.data());
    source = scratch.data();
    planes = element_size;
  }
  if (may_skip_filters &&
      !worth_deflating(std::span<const unsigned char>(source, raw.size()), planes)) {
    out.assign(raw.begin(), raw.end());
    return kUnfilteredMask;
  }
  // HDF5's deflate filter sizes its output by compressBound and keeps a
  // result larger than the input rather than failing, so this does too.
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  out.resize(size);
  const int status = compress2(out.data(), &size, source, static_cast<uLong>(raw.size()), level);
  if (status != Z_OK) {
    throw Error("zlib cannot compress a chunk of " + std::to_string(raw.size()) +
                " bytes (compress2 returned " + std::to_string(status) + ")");
  }
  out.resize(size);
  return 0;
}

}  // namespace incubsim::output::h5
