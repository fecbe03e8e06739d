#include "agents/firm_spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "core/errors.hpp"

namespace incubsim {
namespace {

std::string system_text(int error) {
  return std::system_category().message(error);
}

}  // namespace

SpillFile::SpillFile(std::string directory) : directory_(std::move(directory)) {
#ifdef O_TMPFILE
  // Never has a name: nothing to unlink, nothing left after a crash.
  fd_ = ::open(directory_.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string path = (std::filesystem::path(directory_) / "incubsim-spill-XXXXXX").string();
    fd_ = ::mkstemp(path.data());
    if (fd_ < 0) fail("cannot create a temporary file there (" + system_text(errno) + ")");
    ::unlink(path.c_str());
  }
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillFile::fail(const std::string& what) const {
  throw IoError(directory_,
                what +
                    "; exited firms' values wait there (about 130 bytes a firm) until the "
                    "final table is written: make room there or write the output elsewhere, "
                    "or set simulation.record_agents = false to keep none");
}

void SpillFile::write(std::uint64_t offset, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      fail("cannot write the temporary file (" + system_text(n < 0 ? errno : ENOSPC) + ")");
    p += n;
    offset += static_cast<std::uint64_t>(n);
    bytes -= static_cast<std::size_t>(n);
  }
}

void SpillFile::read(std::uint64_t offset, void* data, std::size_t bytes) const {
  auto* p = static_cast<char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pread(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read the temporary file back (" + system_text(errno) + ")");
    if (n == 0) fail("the temporary file ended early (truncated by someone else?)");
    p += n;
    offset += static_cast<std::uint64_t>(n);
    bytes -= static_cast<std::size_t>(n);
  }
}

void FirmSpill::set_columns(std::vector<std::size_t> element_sizes) {
  if (!blocks_.empty() && element_sizes != sizes_)
    throw Error("FirmSpill::set_columns: the columns cannot change once firms are spilled");
  sizes_ = std::move(element_sizes);
}

std::size_t FirmSpill::add_block(std::span<const std::uint32_t> ids) {
  if (files_.empty()) {
    const std::string directory =
        directory_.empty() ? std::filesystem::temp_directory_path().string() : directory_;
    for (std::size_t k = 0; k < kFiles; ++k)
      files_.push_back(std::make_shared<SpillFile>(directory));
  }
  Block block;
  block.first = ids_.size();
  block.count = ids.size();
  for (std::size_t c = 0; c < sizes_.size(); ++c)
    block.offset.push_back(file_of(c).reserve(sizes_[c] * ids.size()));
  ids_.insert(ids_.end(), ids.begin(), ids.end());
  blocks_.push_back(std::move(block));
  return blocks_.size() - 1;
}

void FirmSpill::write(std::size_t block, std::size_t column, const void* values) {
  const Block& b = blocks_.at(block);
  file_of(column).write(b.offset.at(column), values, b.count * sizes_[column]);
}

void FirmSpill::read(std::size_t block, std::size_t column, void* values) const {
  const Block& b = blocks_.at(block);
  file_of(column).read(b.offset.at(column), values, b.count * sizes_[column]);
}

void FirmSpill::archive(StateArchive& ar) {
  const StateArchive::Scope scope(ar, "spill");
  std::uint64_t block_count = blocks_.size();
  ar.field("blocks", block_count);
  if (ar.loading()) {
    ids_.clear();
    blocks_.clear();
    files_.clear();  // a restored spill starts files of its own
  }
  std::vector<std::uint32_t> ids;
  std::vector<std::uint8_t> bytes;
  for (std::uint64_t k = 0; k < block_count; ++k) {
    const StateArchive::Scope one(ar, std::to_string(k));
    if (!ar.loading()) {
      const Block& b = blocks_[k];
      ids.assign(ids_.begin() + static_cast<std::ptrdiff_t>(b.first),
                 ids_.begin() + static_cast<std::ptrdiff_t>(b.first + b.count));
    }
    ar.field("ids", ids);
    const std::size_t block = ar.loading() ? add_block(ids) : static_cast<std::size_t>(k);
    for (std::size_t c = 0; c < sizes_.size(); ++c) {
      bytes.resize(ids.size() * sizes_[c]);
      if (!ar.loading()) read(block, c, bytes.data());
      ar.field(std::to_string(c), bytes);
      if (bytes.size() != ids.size() * sizes_[c])
        ar.corrupt(std::to_string(c), "spilled values do not match the block's firms");
      if (ar.loading()) write(block, c, bytes.data());
    }
  }
}

}  // namespace incubsim
