#pragma once
// Values of firms that have exited, moved out of the firm store's row
// columns (FirmStore::compact) into unlinked temporary files until the
// final table reads them back. At national size they are over a gigabyte
// that no phase reads again; in a file they leave the process's memory (the
// kernel's page cache holds them while it has room).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/state_archive.hpp"

namespace incubsim {

/// A temporary file written and read at explicit offsets. It is unlinked as
/// soon as it is created, so nothing is left behind however the process
/// ends. Appends reserve disjoint ranges, so copies of a spill can share it.
class SpillFile {
 public:
  /// Creates the file in `directory` (throws IoError, naming it, if that
  /// fails).
  explicit SpillFile(std::string directory);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  /// Reserves `bytes` at the end of the file and returns their offset.
  std::uint64_t reserve(std::uint64_t bytes) { return end_.fetch_add(bytes); }
  /// Writes into a reserved range (thread-safe for disjoint ranges).
  void write(std::uint64_t offset, const void* data, std::size_t bytes);
  void read(std::uint64_t offset, void* data, std::size_t bytes) const;
  const std::string& directory() const { return directory_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;

  std::string directory_;
  int fd_ = -1;
  std::atomic<std::uint64_t> end_{0};
};

/// The firms moved out of the row columns, in the order they left, and each
/// kept column's values for them: one block per compaction, holding the
/// values of every kept column for the block's firms, each column's in one
/// of a few files. Copies share the files and append to them independently.
class FirmSpill {
 public:
  struct Block {
    std::size_t first = 0;              // index of the block's first firm in ids()
    std::size_t count = 0;              // firms in the block
    std::vector<std::uint64_t> offset;  // by kept column: file offset of its values
  };

  /// Element size in bytes of each kept column, in column order (fixed
  /// before the first block).
  void set_columns(std::vector<std::size_t> element_sizes);
  /// Where new spill files go (default: the system's temporary directory,
  /// $TMPDIR or /tmp; runs use their output's directory).
  void set_directory(std::string directory) { directory_ = std::move(directory); }

  /// Starts a block for the firms `ids` (in the order their values will be
  /// written) and returns its index; write() then fills each column.
  std::size_t add_block(std::span<const std::uint32_t> ids);
  /// Writes kept column `column`'s values for the block's firms (count x
  /// element size bytes). Columns of a block may be written concurrently.
  void write(std::size_t block, std::size_t column, const void* values);
  /// Reads them back into `values` (count x element size bytes).
  void read(std::size_t block, std::size_t column, void* values) const;

  /// Firm ids in the order they were spilled.
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  std::size_t columns() const { return sizes_.size(); }
  bool empty() const { return ids_.empty(); }

  /// Saves or restores the spilled firms and their values (checkpoints),
  /// a block and a column at a time so that memory stays small.
  void archive(StateArchive& ar);

 private:
  std::vector<std::size_t> sizes_;
  std::string directory_;
  /// Kept columns go to kFiles files in turn: compaction writes columns
  /// concurrently, and writes to one file queue on its inode lock (at
  /// national size two threads spent a sixth of the compaction spinning
  /// on it).
  static constexpr std::size_t kFiles = 8;
  SpillFile& file_of(std::size_t column) const { return *files_[column % kFiles]; }

  std::vector<std::shared_ptr<SpillFile>> files_;  // created at the first block
  std::vector<std::uint32_t> ids_;
  std::vector<Block> blocks_;
};

}  // namespace incubsim
