#pragma once
// HDF5's shuffle and deflate filters applied to one chunk outside the
// library, so that chunks can be compressed on several threads and stored
// with H5Dwrite_chunk. The stored chunks are what HDF5's own filter
// pipeline reads back: the H5Z shuffle, then a zlib stream, which any
// reader's deflate filter inflates. The deflating itself is ISA-L's (igzip
// level 1), several times faster than zlib at a similar size, so the bytes
// differ from those zlib would write, never the values. Chunks whose bytes
// look random are left unfiltered (worth_deflating). The free functions are
// pure; a ChunkEncoder is for one thread at a time.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace incubsim::output::h5 {

/// Byte transpose as HDF5's shuffle filter does it: the first byte of every
/// element, then every second byte, and so on; bytes after the last whole
/// element are copied unchanged. `out` must hold raw.size() bytes.
void shuffle_bytes(std::span<const unsigned char> raw, std::size_t element_size,
                   unsigned char* out);

/// Filter mask of a chunk stored as it is (HDF5: bit k set = filter k of
/// the pipeline skipped; here the shuffle and deflate).
inline constexpr unsigned kUnfilteredMask = 0x3;

/// Whether deflate would pay for itself on `shuffled` (`planes` byte planes
/// of equal length, as the shuffle leaves them): false when the bytes look
/// random, i.e. a sample's order-0 entropy is at least 80 % of 8 bits per
/// byte. Deflating such bytes (hash keys, full-precision draws) costs about
/// four times as much per byte as typical columns and saves 10-15 %.
bool worth_deflating(std::span<const unsigned char> shuffled, std::size_t planes);

/// Shuffles `raw` (elements of `element_size` bytes), then deflates it at
/// `level` into `out` (resized to the compressed size; it may exceed
/// raw.size() for incompressible data, as HDF5's filter allows) and returns
/// filter mask 0. A chunk not worth deflating is copied into `out` as it is
/// and kUnfilteredMask returned; HDF5 readers apply the mask themselves.
/// `may_skip_filters` false always deflates: HDF5 1.10 cannot read back a
/// dataset's last, partly filled chunk stored with a filter mask (H5Dread
/// fails), so padded edge chunks must be filtered. `level` 0 stores the
/// chunk in a zlib stream without compressing; any other level compresses
/// at ISA-L's level 1. Throws Error if ISA-L fails.
///
/// An encoder keeps its buffers (the shuffled bytes; ISA-L's level-1 hash
/// table and tokens, about 290 KB) from chunk to chunk: allocating and
/// clearing them for every chunk cost more than deflating a small one. One
/// encoder is for one thread at a time.
class ChunkEncoder {
 public:
  unsigned encode(std::span<const unsigned char> raw, std::size_t element_size, int level,
                  std::vector<unsigned char>& out, bool may_skip_filters = true);

 private:
  std::vector<unsigned char> scratch_;      // the shuffled chunk
  std::vector<std::uint8_t> level_buffer_;  // ISA-L's work buffer for level 1
};

/// ChunkEncoder::encode with an encoder of its own (for one-off chunks).
unsigned encode_chunk(std::span<const unsigned char> raw, std::size_t element_size, int level,
                      std::vector<unsigned char>& out, bool may_skip_filters = true);

}  // namespace incubsim::output::h5
