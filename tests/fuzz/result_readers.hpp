#pragma once
// Reads a file every way `incubsim info`, `verify` and `compare` do, for the
// result-file fuzz targets. Any file must read or throw one of the project's
// typed errors, and leave no HDF5 object open behind it.
#include <hdf5.h>

#include <filesystem>
#include <string>

#include "fuzz_support.hpp"
#include "output/compare_file.hpp"
#include "output/run_reader.hpp"
#include "output/table_file.hpp"

namespace incubsim::fuzz {

inline void read_result_file(const std::filesystem::path& file) {
  namespace out = incubsim::output;
  expect_typed_errors("read_file_format", [&] { out::read_file_format(file); });
  expect_typed_errors("read_root_string", [&] { out::read_root_string(file, "format_version"); });
  expect_typed_errors("read_root_int", [&] { out::read_root_int(file, "seed"); });
  expect_typed_errors("read_compare_provenance", [&] { out::read_compare_provenance(file); });
  expect_typed_errors("read_run_info", [&] {
    const out::RunFileInfo info = out::read_run_info(file);
    int read = 0;  // bounded, so that one input cannot take long
    for (const out::DatasetInfo& d : info.datasets) {
      if (++read > 64) break;
      expect_typed_errors("read_column", [&] { out::read_column(file, d.path); });
      expect_typed_errors("read_string_column", [&] { out::read_string_column(file, d.path); });
    }
  });
  for (const char* column : {"/effects/outcome", "/timeseries/firms_alive", "/agents/firms/name"}) {
    expect_typed_errors("read_column", [&] { out::read_column(file, column); });
    expect_typed_errors("read_string_column", [&] { out::read_string_column(file, column); });
  }
  expect_typed_errors("compare_runs", [&] { out::compare_runs(file, file, {}); });

  // Every reader closes what it opened, even when it throws: a long-lived
  // process (a sweep merging thousands of files) must not accumulate them.
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) fail(std::to_string(open) + " HDF5 objects left open after reading");
}

}  // namespace incubsim::fuzz
