// Fuzzes reading checkpoints: the input is a list of edits applied to a
// real checkpoint of a small run (bytes of /state fields overwritten,
// fields shortened, lengthened, deleted or given another element kind or
// size, header attributes changed), and the result is read back as
// `incubsim resume` reads it: header, scenario, state and saved rows. It
// must restore or throw one of the project's typed errors; never crash,
// hang, leak or misread a field as another type. (Raw bytes would mostly
// test libhdf5's own parser, which result_file covers.)
#include <hdf5.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_file.hpp"
#include "engine/metrics.hpp"
#include "engine/run.hpp"
#include "fuzz_support.hpp"
#include "output/h5.hpp"
#include "output/run_writer.hpp"
#include "scenario/loader.hpp"

namespace {

using namespace incubsim;
namespace h5 = output::h5;

struct Base {
  std::filesystem::path dir;
  std::filesystem::path checkpoint;
  std::vector<std::string> fields;  // every /state dataset
};

// A checkpoint taken mid-quarter of a small run with the insurance on.
Base make_base() {
  Base b;
  b.dir = fuzz::empty_directory("checkpoint");
  RunRequest r;
  r.scenario = load_default_scenario(
      {"simulation.quarters=3", "simulation.burn_in=1", "firms.initial_count=60",
       "researchers.count=150", "incubators.count=2", "policy.tech_transfer_insurance.enabled=true",
       "policy.tech_transfer_insurance.start_quarter=0"});
  r.scenario_name = "fuzz";
  r.output = b.dir / "base.h5";
  r.checkpoint = b.dir / "base.ckpt.h5";
  r.checkpoint_on_stop = true;
  std::atomic<bool> stop{true};  // stops after the first phase
  r.stop = &stop;
  try {
    run_to_file(r);
  } catch (const Interrupted&) {
  }
  b.checkpoint = r.checkpoint;
  const h5::ErrorSilencer quiet;
  const h5::File file = h5::open_file_read_only(b.checkpoint.string());
  for (const auto& entry : h5::list_objects(file.get()))
    if (entry.type == H5O_TYPE_DATASET && entry.path.rfind("/state/", 0) == 0)
      b.fields.push_back(entry.path);
  if (b.fields.empty()) fuzz::fail("the base checkpoint has no /state fields");
  return b;
}

// Reads the whole of a 1-D dataset as bytes.
std::vector<unsigned char> read_bytes(hid_t dataset, hid_t memory_type) {
  const hsize_t n = h5::row_count(dataset);
  std::vector<unsigned char> data(static_cast<std::size_t>(n) * H5Tget_size(memory_type));
  if (n > 0) H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
  return data;
}

// Replaces `path` by a dataset of `rows` elements of the same type holding
// `data` (repeated or cut to fit), keeping its kind/element_size attributes.
void rewrite(hid_t file, const std::string& path, std::vector<unsigned char> data, hsize_t rows) {
  const h5::Dataset old = h5::open_dataset(file, path);
  const h5::Type type(H5Dget_type(old.get()));
  const h5::Type memory(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
  const std::size_t width = H5Tget_size(memory.get());
  const auto kind = h5::read_int_attribute(old.get(), "kind");
  const auto element = h5::read_int_attribute(old.get(), "element_size");
  std::vector<unsigned char> fill(static_cast<std::size_t>(rows) * width);
  for (std::size_t i = 0; i < fill.size() && !data.empty(); ++i) fill[i] = data[i % data.size()];
  H5Ldelete(file, path.c_str(), H5P_DEFAULT);
  const h5::Space space(H5Screate_simple(1, &rows, nullptr));
  const h5::Dataset fresh(H5Dcreate2(file, path.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT));
  if (rows > 0) H5Dwrite(fresh.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, fill.data());
  if (kind) h5::write_attribute(fresh.get(), "kind", *kind);
  if (element) h5::write_attribute(fresh.get(), "element_size", *element);
}

// One edit: 1 byte operation, 2 bytes field, 4 bytes argument.
void apply(hid_t file, const Base& b, const std::uint8_t* e) {
  const std::string& path = b.fields[(e[1] | (e[2] << 8)) % b.fields.size()];
  std::uint32_t arg = 0;
  std::memcpy(&arg, e + 3, 4);
  if (!h5::exists(file, path)) return;
  switch (e[0] % 7) {
    case 0: {  // overwrite one byte
      const h5::Dataset d = h5::open_dataset(file, path);
      const h5::Type type(H5Dget_type(d.get()));
      const h5::Type memory(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
      auto data = read_bytes(d.get(), memory.get());
      if (data.empty()) return;
      data[arg % data.size()] = static_cast<unsigned char>(arg >> 24);
      H5Dwrite(d.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
      return;
    }
    case 1:    // shorter
    case 2: {  // longer
      const h5::Dataset d = h5::open_dataset(file, path);
      const h5::Type type(H5Dget_type(d.get()));
      const h5::Type memory(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
      const hsize_t rows = h5::row_count(d.get());
      auto data = read_bytes(d.get(), memory.get());
      const hsize_t target = e[0] % 7 == 1 ? (rows == 0 ? 0 : arg % rows) : rows + 1 + arg % 64;
      rewrite(file, path, std::move(data), target);
      return;
    }
    case 3: {  // another element kind
      const h5::Dataset d = h5::open_dataset(file, path);
      h5::write_attribute(d.get(), "kind", static_cast<std::int32_t>(arg % 12));
      return;
    }
    case 4: {  // another element size
      const h5::Dataset d = h5::open_dataset(file, path);
      h5::write_attribute(d.get(), "element_size", static_cast<std::int64_t>(arg % 80));
      return;
    }
    case 5:  // gone
      H5Ldelete(file, path.c_str(), H5P_DEFAULT);
      return;
    case 6:  // the header's quarter
      h5::write_attribute(file, "next_quarter", static_cast<std::int64_t>(std::int32_t(arg)));
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Base base = make_base();
  const auto edited = base.dir / "edited.ckpt.h5";
  std::filesystem::copy_file(base.checkpoint, edited,
                             std::filesystem::copy_options::overwrite_existing);
  {
    const h5::ErrorSilencer quiet;
    const h5::File file(H5Fopen(edited.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    if (!file) fuzz::fail("cannot open the copied base checkpoint");
    constexpr std::size_t kEdit = 7;
    for (std::size_t at = 0; at + kEdit <= size && at < 8 * kEdit; at += kEdit)
      apply(file.get(), base, data + at);
  }
  fuzz::expect_typed_errors("restoring a checkpoint", [&] {
    const checkpoint::Header header = checkpoint::read_header(edited);
    const Scenario sc = parse_scenario(header.provenance.scenario, "recorded", {}, {});
    output::RunWriter writer(base.dir / "resumed.h5", header.provenance, metric_defs(),
                             output::core_event_schema());
    Simulation sim(sc, 1);
    for (auto& series : sim.policies().ledger_schema())
      writer.add_series(series.group, std::move(series.columns));
    checkpoint::restore(edited, sim, writer);
  });
  return 0;
}
