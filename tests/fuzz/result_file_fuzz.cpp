// Fuzzes reading result files: the input's bytes are written to a file,
// which is then read the way `incubsim info`, `verify` and `compare` read
// files (result_readers.hpp). Libhdf5 itself crashes on some damaged files
// (its bugs, not ours): CI replays this target's corpus and regressions but
// fuzzes result_structure, whose files are well-formed.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "fuzz_support.hpp"
#include "result_readers.hpp"

namespace {

void write_file(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0)
    incubsim::fuzz::fail("cannot write " + path.string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file =
      incubsim::fuzz::empty_directory("result-file") / "input.h5";
  write_file(file, data, size);

  incubsim::fuzz::read_result_file(file);
  return 0;
}
