// Fuzzes the result-file readers with well-formed HDF5 files of any
// structure: the input chooses groups, datasets and attributes (names the
// readers look for, any type, shape and contents) and HDF5 itself writes
// them, so every finding is in how incubsim reads what it did not expect,
// not in libhdf5's parser of damaged bytes (result_file fuzzes that, and
// finds libhdf5's own crashes). Same oracle as result_file.
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "result_readers.hpp"

namespace {

constexpr std::array kPaths = {"/timeseries/firms_alive",
                               "/timeseries/quarter",
                               "/effects/outcome",
                               "/effects/unit",
                               "/effects/mean_base",
                               "/effects/cost_status",
                               "/events/kind",
                               "/agents/firms/name",
                               "/x",
                               "/timeseries/g/deep"};
constexpr std::array kAttributes = {"format",   "format_version", "incubsim_version",
                                    "git_sha",  "seed",           "threads",
                                    "quarters", "burn_in",        "scenario",
                                    "rows",     "replicates",     "common_random_numbers"};
constexpr std::array kTexts = {"incubsim-run",
                               "incubsim-compare",
                               "1.0",
                               "1.99",
                               "2.0",
                               "99999999999999999999.1",
                               "",
                               "1",
                               ".1",
                               "1."};

// A file type chosen by the input; closed by the caller.
hid_t make_type(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 12)) {
    case 0: return H5Tcopy(H5T_STD_I8LE);
    case 1: return H5Tcopy(H5T_STD_U8LE);
    case 2: return H5Tcopy(H5T_STD_I32BE);
    case 3: return H5Tcopy(H5T_STD_I64LE);
    case 4: return H5Tcopy(H5T_STD_U64LE);
    case 5: return H5Tcopy(H5T_IEEE_F32LE);
    case 6: return H5Tcopy(H5T_IEEE_F64LE);
    case 7: {
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, H5T_VARIABLE);
      H5Tset_cset(t, in.ConsumeBool() ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
      return t;
    }
    case 8: {
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, in.ConsumeIntegralInRange<std::size_t>(1, 24));
      H5Tset_strpad(t, static_cast<H5T_str_t>(in.ConsumeIntegralInRange(0, 2)));
      return t;
    }
    case 9: {
      const hid_t t = H5Tenum_create(in.ConsumeBool() ? H5T_NATIVE_UINT8 : H5T_NATIVE_INT32);
      for (int v = 0; v < in.ConsumeIntegralInRange(1, 4); ++v) {
        const long long value = v * in.ConsumeIntegralInRange(1, 200);
        if (H5Tget_size(t) == 1) {
          const std::uint8_t u = static_cast<std::uint8_t>(value);
          H5Tenum_insert(t, ("m" + std::to_string(v)).c_str(), &u);
        } else {
          const std::int32_t i = static_cast<std::int32_t>(value);
          H5Tenum_insert(t, ("m" + std::to_string(v)).c_str(), &i);
        }
      }
      return t;
    }
    case 10: {
      const hid_t t = H5Tcreate(H5T_COMPOUND, 12);
      H5Tinsert(t, "a", 0, H5T_STD_I32LE);
      H5Tinsert(t, "b", 4, H5T_IEEE_F64LE);
      return t;
    }
    case 11: return H5Tcreate(H5T_OPAQUE, 4);
    default: return H5Tvlen_create(H5T_STD_I32LE);
  }
}

// A dataspace chosen by the input; `rows_only` if data will be written.
hid_t make_space(FuzzedDataProvider& in, bool* huge) {
  *huge = false;
  switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0: return H5Screate(H5S_SCALAR);
    case 1: return H5Screate(H5S_NULL);
    case 2: {  // claims far more rows than it stores
      *huge = true;
      const hsize_t dims[1] = {hsize_t{1} << in.ConsumeIntegralInRange(20, 62)};
      const hsize_t max[1] = {H5S_UNLIMITED};
      return H5Screate_simple(1, dims, max);
    }
    default: {
      const int rank = in.ConsumeIntegralInRange(1, 3);
      hsize_t dims[3];
      for (int d = 0; d < rank; ++d) dims[d] = in.ConsumeIntegralInRange<hsize_t>(0, 6);
      return H5Screate_simple(rank, dims, nullptr);
    }
  }
}

// Writes input-chosen contents of `type` x `space` to a dataset or attribute.
void write_contents(FuzzedDataProvider& in, hid_t object, bool is_attribute, hid_t type,
                    hid_t space) {
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points <= 0 || points > 64) return;
  const std::size_t n = static_cast<std::size_t>(points);
  const auto write = [&](hid_t memory, const void* data) {
    if (is_attribute) {
      H5Awrite(object, memory, data);
    } else {
      H5Dwrite(object, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    }
  };
  if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
    std::vector<std::string> texts;
    std::vector<const char*> pointers;
    for (std::size_t i = 0; i < n; ++i)
      texts.push_back(
          in.ConsumeBool()
              ? std::string(kTexts[in.ConsumeIntegralInRange<std::size_t>(0, kTexts.size() - 1)])
              : in.ConsumeRandomLengthString(32));
    for (const auto& t : texts) pointers.push_back(t.c_str());
    write(type, pointers.data());
  } else if (H5Tget_class(type) != H5T_VLEN) {
    std::vector<std::uint8_t> bytes = in.ConsumeBytes<std::uint8_t>(n * H5Tget_size(type));
    bytes.resize(n * H5Tget_size(type));
    write(type, bytes.data());
  }
}

void build_file(const std::filesystem::path& path, FuzzedDataProvider& in) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) incubsim::fuzz::fail("cannot create " + path.string());
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  for (int op = 0; op < 24 && in.remaining_bytes() > 0; ++op) {
    const char* path_name = kPaths[in.ConsumeIntegralInRange<std::size_t>(0, kPaths.size() - 1)];
    const int kind = in.ConsumeIntegralInRange(0, 3);
    const hid_t type = make_type(in);
    bool huge = false;
    const hid_t space = make_space(in, &huge);
    if (kind == 0) {  // a group where a dataset is expected
      const hid_t g = H5Gcreate2(file, path_name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      if (g >= 0) H5Gclose(g);
    } else if (kind == 1) {  // a dataset
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      if (huge) {
        const hsize_t chunk[1] = {1024};
        H5Pset_chunk(dcpl, 1, chunk);
      }
      const hid_t d = H5Dcreate2(file, path_name, type, space, lcpl, dcpl, H5P_DEFAULT);
      if (d >= 0) {
        if (!huge) write_contents(in, d, false, type, space);
        H5Dclose(d);
      }
      H5Pclose(dcpl);
    } else {  // an attribute on the root (kind 2) or on an object (kind 3)
      const char* name =
          kAttributes[in.ConsumeIntegralInRange<std::size_t>(0, kAttributes.size() - 1)];
      const hid_t owner =
          kind == 2 ? H5Oopen(file, "/", H5P_DEFAULT) : H5Oopen(file, path_name, H5P_DEFAULT);
      if (owner >= 0) {
        if (H5Aexists(owner, name) > 0) H5Adelete(owner, name);
        const hid_t a = huge ? -1 : H5Acreate2(owner, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
          write_contents(in, a, true, type, space);
          H5Aclose(a);
        }
        H5Oclose(owner);
      }
    }
    H5Sclose(space);
    H5Tclose(type);
  }
  H5Pclose(lcpl);
  if (H5Fclose(file) < 0) incubsim::fuzz::fail("cannot close " + path.string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file =
      incubsim::fuzz::empty_directory("result-structure") / "input.h5";
  FuzzedDataProvider in(data, size);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // building may fail: quietly
  build_file(file, in);
  incubsim::fuzz::read_result_file(file);
  return 0;
}
