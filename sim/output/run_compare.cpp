// compare_runs (declared in run_reader.hpp): the exact, object-by-object
// comparison behind `incubsim verify` and the determinism tests.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "output/h5.hpp"
#include "output/run_reader.hpp"

namespace incubsim::output {
namespace {

// Datasets are read in blocks of rows of about this size, so comparing
// long runs needs bounded memory.
constexpr std::size_t kBlockBytes = std::size_t{16} << 20;

// Elements of one block, as raw bytes of the object's own type, or as text
// for variable-length strings (whose raw bytes are pointers).
struct Elements {
  std::vector<unsigned char> raw;
  std::vector<std::string> text;
  bool is_text = false;
};

struct Tally {
  std::uint64_t differing = 0;
  std::uint64_t first = 0;
  std::string first_values;  // "3.5 vs 3.25"
};

std::string shape_text(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return "scalar";
  std::string text;
  for (const hsize_t dim : dims) text += (text.empty() ? "" : "x") + std::to_string(dim);
  return text;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out + "'";
}

// Two differing strings, cut to the neighbourhood of the first difference.
std::string string_pair(const std::string& a, const std::string& b) {
  constexpr std::size_t kShort = 60;
  if (a.size() <= kShort && b.size() <= kShort) return quoted(a) + " vs " + quoted(b);
  const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  const std::size_t at = static_cast<std::size_t>(mismatch.first - a.begin());
  const std::size_t from = at > 20 ? at - 20 : 0;
  const auto excerpt = [from](const std::string& s) {
    return (from > 0 ? "..." : "") + quoted(s.substr(from, 40)) +
           (s.size() > from + 40 ? "..." : "");
  };
  return "differ at character " + std::to_string(at) + ": " + excerpt(a) + " vs " + excerpt(b);
}

// One element of a numeric or enum type as text, for messages.
std::string element_text(hid_t type, const unsigned char* bytes, std::size_t size) {
  const std::string opaque = "<" + std::to_string(size) + " bytes>";
  if (size > 8) return opaque;
  unsigned char little[8] = {};  // the element's bytes, least significant first
  std::memcpy(little, bytes, size);
  if (H5Tget_order(type) == H5T_ORDER_BE) std::reverse(little, little + size);
  switch (H5Tget_class(type)) {
    case H5T_ENUM: {
      char name[256];
      if (H5Tenum_nameof(type, bytes, name, sizeof name) >= 0) return name;
      return std::to_string(little[0]);
    }
    case H5T_INTEGER: {
      std::uint64_t u = 0;
      for (std::size_t i = 0; i < size; ++i) u |= std::uint64_t{little[i]} << (8 * i);
      const bool is_signed = H5Tget_sign(type) != H5T_SGN_NONE;
      if (is_signed && size < 8 && (u >> (size * 8 - 1)) != 0) u |= ~std::uint64_t{0} << (size * 8);
      return is_signed ? std::to_string(static_cast<std::int64_t>(u)) : std::to_string(u);
    }
    case H5T_FLOAT: {
      if constexpr (std::endian::native == std::endian::big) std::reverse(little, little + size);
      char text[32];
      std::to_chars_result end{};
      if (size == sizeof(double)) {
        double d = 0;
        std::memcpy(&d, little, size);
        end = std::to_chars(text, text + sizeof text, d);
      } else if (size == sizeof(float)) {
        float f = 0;
        std::memcpy(&f, little, size);
        end = std::to_chars(text, text + sizeof text, f);
      } else {
        return opaque;
      }
      return std::string(text, end.ptr);
    }
    default: return opaque;
  }
}

// Counts differing elements of two equally shaped blocks starting at
// element `offset` of their object.
void tally(hid_t type, const Elements& a, const Elements& b, std::size_t count,
           std::size_t element_size, std::uint64_t offset, Tally& result) {
  if (a.is_text) {
    for (std::size_t i = 0; i < count; ++i) {
      if (a.text[i] == b.text[i]) continue;
      if (result.differing++ == 0) {
        result.first = offset + i;
        result.first_values = string_pair(a.text[i], b.text[i]);
      }
    }
    return;
  }
  if (a.raw == b.raw) return;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned char* pa = a.raw.data() + i * element_size;
    const unsigned char* pb = b.raw.data() + i * element_size;
    if (std::memcmp(pa, pb, element_size) == 0) continue;
    if (result.differing++ == 0) {
      result.first = offset + i;
      result.first_values =
          element_text(type, pa, element_size) + " vs " + element_text(type, pb, element_size);
    }
  }
}

// Reads `count` elements with `read(buffer)`, which uses `memory_type` (a
// copy of the stored type, so no conversion happens).
template <class Read>
Elements read_elements(Read read, hid_t memory_type, std::size_t count, bool is_text, hid_t context,
                       const std::string& what) {
  Elements elements;
  elements.is_text = is_text;
  if (count == 0) return elements;
  if (is_text) {
    std::vector<char*> pointers(count, nullptr);
    h5::check_status(read(pointers.data()), context, "cannot read " + what);
    elements.text.reserve(count);
    for (char* p : pointers) {
      elements.text.emplace_back(p != nullptr ? p : "");
      H5free_memory(p);  // the library allocated each string
    }
  } else {
    elements.raw.resize(count * H5Tget_size(memory_type));
    h5::check_status(read(elements.raw.data()), context, "cannot read " + what);
  }
  return elements;
}

std::string tally_text(const Tally& t, std::uint64_t total) {
  return std::to_string(t.differing) + " of " + std::to_string(total) +
         (t.differing == 1 ? " value differs" : " values differ") + " (first at " +
         std::to_string(t.first) + ": " + t.first_values + ")";
}

class Comparison {
 public:
  Comparison(hid_t a, hid_t b, const std::vector<std::string>& ignored)
      : a_(a), b_(b), ignored_(ignored.begin(), ignored.end()) {}

  std::vector<DatasetDifference> run() {
    compare_attributes(a_, b_, "/", true);
    std::map<std::string, std::pair<H5O_type_t, H5O_type_t>> objects;
    const auto entry = [&objects](const std::string& path) -> auto& {
      return objects.try_emplace(path, H5O_TYPE_UNKNOWN, H5O_TYPE_UNKNOWN).first->second;
    };
    for (const h5::ObjectEntry& e : h5::list_objects(a_)) entry(e.path).first = e.type;
    for (const h5::ObjectEntry& e : h5::list_objects(b_)) entry(e.path).second = e.type;
    for (const auto& [path, types] : objects) compare_object(path, types.first, types.second);
    return std::move(differences_);
  }

 private:
  void report(const std::string& path, std::string what) {
    differences_.push_back({path, std::move(what)});
  }

  static const char* kind(H5O_type_t type) {
    switch (type) {
      case H5O_TYPE_GROUP: return "a group";
      case H5O_TYPE_DATASET: return "a dataset";
      case H5O_TYPE_NAMED_DATATYPE: return "a named datatype";
      default: return "an unknown object";
    }
  }

  void compare_object(const std::string& path, H5O_type_t in_a, H5O_type_t in_b) {
    if (in_b == H5O_TYPE_UNKNOWN) return report(path, "missing in second file");
    if (in_a == H5O_TYPE_UNKNOWN) return report(path, "missing in first file");
    if (in_a != in_b) {
      return report(path, std::string("is ") + kind(in_a) + " in the first file and " + kind(in_b) +
                              " in the second");
    }
    switch (in_a) {
      case H5O_TYPE_GROUP: {
        const h5::Group ga = h5::open_group(a_, path);
        const h5::Group gb = h5::open_group(b_, path);
        compare_attributes(ga.get(), gb.get(), path, false);
        break;
      }
      case H5O_TYPE_DATASET: compare_dataset(path); break;
      case H5O_TYPE_NAMED_DATATYPE: {
        const h5::Type ta(h5::check_id(H5Topen2(a_, path.c_str(), H5P_DEFAULT), a_,
                                       "cannot open named datatype '" + path + "'"));
        const h5::Type tb(h5::check_id(H5Topen2(b_, path.c_str(), H5P_DEFAULT), b_,
                                       "cannot open named datatype '" + path + "'"));
        if (H5Tequal(ta.get(), tb.get()) <= 0) report(path, "named datatype differs");
        break;
      }
      default: break;
    }
  }

  // "" if the types are equal, else what differs.
  static std::string type_difference(hid_t ta, hid_t tb) {
    if (H5Tequal(ta, tb) > 0) return "";
    const std::string na = h5::type_name(ta);
    const std::string nb = h5::type_name(tb);
    return "datatype " + na + " vs " + nb + (na == nb ? " (different definitions)" : "");
  }

  void compare_dataset(const std::string& path) {
    const h5::Dataset da = h5::open_dataset(a_, path);
    const h5::Dataset db = h5::open_dataset(b_, path);
    compare_attributes(da.get(), db.get(), path, false);
    const h5::Type ta(h5::check_id(H5Dget_type(da.get()), a_, "cannot read type of " + path));
    const h5::Type tb(h5::check_id(H5Dget_type(db.get()), b_, "cannot read type of " + path));
    if (std::string diff = type_difference(ta.get(), tb.get()); !diff.empty()) {
      return report(path, std::move(diff));
    }
    const h5::Space sa(h5::check_id(H5Dget_space(da.get()), a_, "cannot read shape of " + path));
    const h5::Space sb(h5::check_id(H5Dget_space(db.get()), b_, "cannot read shape of " + path));
    const std::vector<hsize_t> dims = h5::shape(sa.get());
    const std::vector<hsize_t> dims_b = h5::shape(sb.get());
    if (dims != dims_b) {
      return report(path, "shape " + shape_text(dims) + " vs " + shape_text(dims_b));
    }

    const bool is_text = H5Tis_variable_str(ta.get()) > 0;
    if (!is_text && H5Tdetect_class(ta.get(), H5T_VLEN) > 0) {
      return report(path, "holds variable-length data, which verify cannot compare");
    }
    const h5::Type memory = h5::copy_type(ta.get());
    const std::size_t element_size = H5Tget_size(ta.get());
    Tally result;
    std::uint64_t total = 1;
    for (const hsize_t dim : dims) total *= dim;

    if (dims.empty()) {
      const auto read = [&memory](hid_t dataset) {
        return [&memory, dataset](void* buffer) {
          return H5Dread(dataset, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
        };
      };
      const Elements ea = read_elements(read(da.get()), memory.get(), 1, is_text, a_, path);
      const Elements eb = read_elements(read(db.get()), memory.get(), 1, is_text, b_, path);
      tally(ta.get(), ea, eb, 1, element_size, 0, result);
    } else {
      std::uint64_t row_elements = 1;
      for (std::size_t d = 1; d < dims.size(); ++d) row_elements *= dims[d];
      const std::uint64_t row_bytes = std::max<std::uint64_t>(1, row_elements * element_size);
      const hsize_t block_rows = std::max<std::uint64_t>(1, kBlockBytes / row_bytes);
      std::vector<hsize_t> start(dims.size(), 0);
      std::vector<hsize_t> count = dims;
      for (hsize_t first = 0; first < dims[0]; first += block_rows) {
        start[0] = first;
        count[0] = std::min(block_rows, dims[0] - first);
        const std::size_t n = count[0] * row_elements;
        const h5::Space memory_space(
            h5::check_id(H5Screate_simple(static_cast<int>(dims.size()), count.data(), nullptr), a_,
                         "cannot describe a block of " + path));
        const auto read = [&](hid_t dataset, hid_t file_space) {
          h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr,
                                               count.data(), nullptr),
                           dataset, "cannot select a block of " + path);
          return [&memory, &memory_space, dataset, file_space](void* buffer) {
            return H5Dread(dataset, memory.get(), memory_space.get(), file_space, H5P_DEFAULT,
                           buffer);
          };
        };
        const Elements ea =
            read_elements(read(da.get(), sa.get()), memory.get(), n, is_text, a_, path);
        const Elements eb =
            read_elements(read(db.get(), sb.get()), memory.get(), n, is_text, b_, path);
        tally(ta.get(), ea, eb, n, element_size, first * row_elements, result);
      }
    }
    if (result.differing > 0) report(path, tally_text(result, total));
  }

  void compare_attributes(hid_t oa, hid_t ob, const std::string& path, bool is_root) {
    const std::vector<std::string> in_a = h5::attribute_names(oa);
    const std::vector<std::string> in_b = h5::attribute_names(ob);
    std::set<std::string> names(in_a.begin(), in_a.end());
    names.insert(in_b.begin(), in_b.end());
    for (const std::string& name : names) {
      if (is_root && ignored_.contains(name)) continue;
      const bool has_a = std::find(in_a.begin(), in_a.end(), name) != in_a.end();
      const bool has_b = std::find(in_b.begin(), in_b.end(), name) != in_b.end();
      if (!has_b) {
        report(path, "attribute '" + name + "' missing in second file");
      } else if (!has_a) {
        report(path, "attribute '" + name + "' missing in first file");
      } else {
        compare_attribute(oa, ob, path, name);
      }
    }
  }

  void compare_attribute(hid_t oa, hid_t ob, const std::string& path, const std::string& name) {
    const std::string what = "attribute '" + name + "' of " + path;
    const h5::Attribute aa(
        h5::check_id(H5Aopen(oa, name.c_str(), H5P_DEFAULT), a_, "cannot open " + what));
    const h5::Attribute ab(
        h5::check_id(H5Aopen(ob, name.c_str(), H5P_DEFAULT), b_, "cannot open " + what));
    const h5::Type ta(h5::check_id(H5Aget_type(aa.get()), a_, "cannot read type of " + what));
    const h5::Type tb(h5::check_id(H5Aget_type(ab.get()), b_, "cannot read type of " + what));
    const std::string label = "attribute '" + name + "': ";
    if (std::string diff = type_difference(ta.get(), tb.get()); !diff.empty()) {
      return report(path, label + diff);
    }
    const h5::Space sa(h5::check_id(H5Aget_space(aa.get()), a_, "cannot read shape of " + what));
    const h5::Space sb(h5::check_id(H5Aget_space(ab.get()), b_, "cannot read shape of " + what));
    const std::vector<hsize_t> dims = h5::shape(sa.get());
    const std::vector<hsize_t> dims_b = h5::shape(sb.get());
    if (dims != dims_b) {
      return report(path, label + "shape " + shape_text(dims) + " vs " + shape_text(dims_b));
    }
    const bool is_text = H5Tis_variable_str(ta.get()) > 0;
    if (!is_text && H5Tdetect_class(ta.get(), H5T_VLEN) > 0) {
      return report(path, label + "holds variable-length data, which verify cannot compare");
    }
    const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sa.get()));
    const h5::Type memory = h5::copy_type(ta.get());
    const auto read = [&memory](hid_t attribute) {
      return
          [&memory, attribute](void* buffer) { return H5Aread(attribute, memory.get(), buffer); };
    };
    const Elements ea = read_elements(read(aa.get()), memory.get(), count, is_text, a_, what);
    const Elements eb = read_elements(read(ab.get()), memory.get(), count, is_text, b_, what);
    Tally result;
    tally(ta.get(), ea, eb, count, H5Tget_size(ta.get()), 0, result);
    if (result.differing == 0) return;
    report(path, label + (count == 1 ? result.first_values : tally_text(result, count)));
  }

  hid_t a_;
  hid_t b_;
  std::set<std::string, std::less<>> ignored_;
  std::vector<DatasetDifference> differences_;
};

}  // namespace

std::vector<DatasetDifference> compare_runs(const std::filesystem::path& a,
                                            const std::filesystem::path& b,
                                            const std::vector<std::string>& ignored_attributes) {
  const h5::ErrorSilencer quiet;
  const h5::File fa = h5::open_file_read_only(a.string());
  const h5::File fb = h5::open_file_read_only(b.string());
  return Comparison(fa.get(), fb.get(), ignored_attributes).run();
}

}  // namespace incubsim::output
