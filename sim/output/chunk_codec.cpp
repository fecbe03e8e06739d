#include "output/chunk_codec.hpp"

#include <zlib.h>

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

void encode_chunk(std::span<const unsigned char> raw, std::size_t element_size, int level,
                  std::vector<unsigned char>& out, std::vector<unsigned char>& scratch) {
  if (raw.size() > std::numeric_limits<uLong>::max()) {
    throw Error("chunk of " + std::to_string(raw.size()) + " bytes is too large for zlib");
  }
  const unsigned char* source = raw.data();
  if (element_size > 1 && raw.size() >= 2 * element_size) {
    scratch.resize(raw.size());
    shuffle_bytes(raw, element_size, scratch.data());
    source = scratch.data();
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
}

}  // namespace incubsim::output::h5
