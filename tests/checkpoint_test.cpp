// Checkpoints: a model restored from one steps on exactly as the model it was taken from,
// also when every per-step field is garbage (so `step` marks in agents/stores.h are true);
// the record goes through the file unchanged; and every kind of unusable checkpoint is
// refused with its reason.
#include "kernels/checkpoint.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <thrust/fill.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/host_copy.h"
#include "output/checkpoint.h"
#include "output/recorder.h"
#include "tests/device_required.h"
#include "tests/same_bytes.h"
#include "tests/scratch_dir.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

using testing::differing_statistics;
using testing::joined;

using testing::ScratchDir;

// The small world with a tariff phased in over steps 3..6 and a ban from step 5: a
// checkpoint at step 4 falls inside the phase-in, whose start rates the world keeps.
Scenario shocked_world() {
  Scenario sc = testing::small_world(4000, 400);
  Event tariff;
  tariff.step = 3;
  tariff.importer = 0;
  tariff.exporter = 3;
  tariff.sectors = {2};
  tariff.rate = 0.3;
  tariff.phase_in = 4;
  Event ban;
  ban.step = 5;
  ban.kind = EventKind::export_ban;
  ban.exporter = 2;
  ban.importer = 0;
  ban.sectors = {1};
  sc.events = {tariff, ban};
  sc.steps = 12;
  return sc;
}

constexpr int kCheckpointStep = 4;

// A model stepped to `steps`.
struct SteppedRun {
  Scenario scenario;
  World world;
  Model model;
  explicit SteppedRun(const Scenario& sc, int steps = 0)
      : scenario(sc), world(scenario), model(scenario, world) {
    for (int step = 1; step <= steps; ++step) model.step(step);
  }
};

// A vector's bytes, so doubles compare by their bits.
template <class T>
std::string bytes_of(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Every field of both stores, per-step ones too, by name: what differs.
std::vector<std::string> differing_fields(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  testing::add_differing_fields(a.economy.retailers, b.economy.retailers, "retailers", out);
  return out;
}

// Overwrites every per-step field with a pattern no step would leave there.
template <class Store>
void spoil_step_fields(Store& store) {
  store.each_field([](const char*, auto& field, int, Keep keep) {
    using T = typename std::decay_t<decltype(field)>::value_type;
    if (keep != Keep::step) return;
    T junk;
    std::memset(&junk, 0x5A, sizeof junk);
    thrust::fill(field.begin(), field.end(), junk);
  });
}

TEST(Checkpoint, RestoredModelStepsOnAsTheOriginal) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = shocked_world();
  SteppedRun original(sc, kCheckpointStep);
  const EconomyCheckpoint saved = capture(original.model);
  EXPECT_EQ(saved.step, kCheckpointStep);
  EXPECT_EQ(saved.layout, checkpoint_layout_digest());

  SteppedRun resumed(sc);
  restore(resumed.model, saved);
  const EconomyCheckpoint again = capture(resumed.model);
  ASSERT_EQ(again.arrays.size(), saved.arrays.size());
  for (std::size_t i = 0; i < saved.arrays.size(); ++i) {
    EXPECT_EQ(again.arrays[i].bytes, saved.arrays[i].bytes) << saved.arrays[i].name;
  }
  spoil_step_fields(resumed.model.economy.firms);
  spoil_step_fields(resumed.model.economy.consumers);
  for (int step = kCheckpointStep + 1; step <= sc.steps; ++step) {
    original.model.step(step);
    resumed.model.step(step);
    const auto differ = differing_statistics(original.model.stats, resumed.model.stats);
    ASSERT_TRUE(differ.empty()) << "step " << step << ": " << joined(differ);
  }
  const auto differ = differing_fields(original.model, resumed.model);
  EXPECT_TRUE(differ.empty()) << joined(differ);
  EXPECT_EQ(bytes_of(original.world.tariff), bytes_of(resumed.world.tariff));
}

TEST(Checkpoint, SavesOnlyLastingFields) {
  ENTREPOT_REQUIRE_DEVICE();
  SteppedRun run(testing::small_world(2000, 200));
  const EconomyCheckpoint c = capture(run.model);
  std::vector<std::string> names;
  for (const CheckpointArray& a : c.arrays) names.push_back(a.name);
  for (const char* kept : {"firms/cash", "firms/supplier", "firms/shipped", "households/spill",
                           "households/retailer", "accounts/government", "policy/tariff"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), kept), names.end()) << kept;
  }
  for (const char* dropped : {"firms/block", "firms/output", "firms/sales_value", "firms/tax",
                              "households/region", "households/budget"}) {
    EXPECT_EQ(std::find(names.begin(), names.end(), dropped), names.end()) << dropped;
  }
  const CheckpointArray* supplier = c.find("firms/supplier");
  ASSERT_NE(supplier, nullptr);
  EXPECT_EQ(supplier->slots, kInputSlots);
  EXPECT_EQ(supplier->total, 200);
  EXPECT_EQ(supplier->bytes.size(), 200u * kInputSlots * sizeof(std::int32_t));
}

TEST(Checkpoint, RestoreRefusesWhatDoesNotFit) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = shocked_world();
  SteppedRun original(sc, kCheckpointStep);
  const EconomyCheckpoint saved = capture(original.model);
  auto refused = [&](EconomyCheckpoint c, const std::string& reason) {
    SteppedRun fresh(sc);
    try {
      restore(fresh.model, c);
      ADD_FAILURE() << "restored despite: " << reason;
    } catch (const CheckpointError& error) {
      EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
    }
  };
  EconomyCheckpoint c = saved;
  c.layout = "0123456789abcdef";
  refused(c, "layout");
  c = saved;
  c.seed += 1;
  refused(c, "seed");
  c = saved;
  c.arrays.erase(c.arrays.begin());
  refused(c, "'firms/productivity' is missing");
  c = saved;
  c.arrays[1].rows -= 1;
  refused(c, "holds rows");
  c = saved;
  for (CheckpointArray& a : c.arrays) {
    if (a.name == "policy/tariff") a.bytes[0] ^= 1;
  }
  refused(c, "tariff and ban tables differ");
  c = saved;
  for (CheckpointArray& a : c.arrays) {
    if (a.name == "households/cash") a.bytes[0] ^= 1;
  }
  refused(c, "money");
}

// A checkpoint file of the shocked world at step 4, and the record it came from.
struct Written {
  ScratchDir dir;
  std::string path = dir / "run.checkpoint.h5";
  EconomyCheckpoint record;
  Written() {
    SteppedRun run(shocked_world(), kCheckpointStep);
    record = capture(run.model);
    record.version = "test";
    record.scenario = "name: shocked\n";
    record.config = "config text";
    record.result_path = "/nowhere/run.h5";
    write_checkpoint(path, record, Comm::world());
  }
};

TEST(CheckpointFile, RoundTripsTheRecord) {
  ENTREPOT_REQUIRE_DEVICE();
  Written w;
  EXPECT_FALSE(std::filesystem::exists(w.path + ".tmp"));
  const EconomyCheckpoint header = read_checkpoint_header(w.path);
  EXPECT_EQ(header.step, kCheckpointStep);
  EXPECT_EQ(header.seed, w.record.seed);
  EXPECT_EQ(header.version, "test");
  EXPECT_EQ(header.scenario, w.record.scenario);
  EXPECT_EQ(header.config, w.record.config);
  EXPECT_EQ(header.result_path, w.record.result_path);
  EXPECT_EQ(header.layout, w.record.layout);
  EXPECT_TRUE(header.arrays.empty());

  SteppedRun fresh(shocked_world());
  EconomyCheckpoint read = checkpoint_layout(fresh.model);
  read_checkpoint_arrays(w.path, read, Comm::world());
  ASSERT_EQ(read.arrays.size(), w.record.arrays.size());
  for (std::size_t i = 0; i < read.arrays.size(); ++i) {
    EXPECT_EQ(read.arrays[i].name, w.record.arrays[i].name);
    EXPECT_EQ(read.arrays[i].bytes, w.record.arrays[i].bytes) << read.arrays[i].name;
  }
}

std::string failure_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const OutputError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(CheckpointFile, RefusesUnreadableFiles) {
  ScratchDir dir;
  EXPECT_NE(failure_of([&] { read_checkpoint_header(dir / "none.h5"); }).find("no such checkpoint"),
            std::string::npos);
  std::ofstream(dir / "text.h5") << "not hdf5\n";
  EXPECT_NE(failure_of([&] { read_checkpoint_header(dir / "text.h5"); }).find("not an HDF5 file"),
            std::string::npos);
  Written w;
  // Truncated: the first half of a good file.
  {
    std::ifstream in(w.path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "half.h5", std::ios::binary) << data.substr(0, data.size() / 2);
  }
  const std::string half = failure_of([&] { read_checkpoint_header(dir / "half.h5"); });
  EXPECT_NE(half.find(dir / "half.h5"), std::string::npos) << half;
  EXPECT_NE(half.find("cannot open the checkpoint"), std::string::npos) << half;
  // A result file is no checkpoint.
  const Scenario sc = testing::small_world(2000, 200);
  World world(sc);
  Recorder(dir / "result.h5", sc, world, Provenance{"test", "none", "omp", 1, 1, "now"})
      .close("completed");
  EXPECT_NE(failure_of([&] {
              read_checkpoint_header(dir / "result.h5");
            }).find("not an Entrepot checkpoint"),
            std::string::npos);
}

// Opens the checkpoint for writing, hands it to `edit`, closes it.
void edit_file(const std::string& path, const std::function<void(hid_t)>& edit) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  edit(file);
  H5Fclose(file);
}

std::string read_failure(const std::string& path) {
  SteppedRun fresh(shocked_world());
  EconomyCheckpoint layout = checkpoint_layout(fresh.model);
  return failure_of([&] { read_checkpoint_arrays(path, layout, Comm::world()); });
}

TEST(CheckpointFile, RefusesMissingWrongAndDamagedArrays) {
  ENTREPOT_REQUIRE_DEVICE();
  Written missing, resized, retyped, damaged;
  edit_file(missing.path, [](hid_t f) { H5Ldelete(f, "firms/cash", H5P_DEFAULT); });
  EXPECT_NE(read_failure(missing.path).find("'firms/cash' is missing"), std::string::npos)
      << read_failure(missing.path);

  auto replace = [](hid_t f, const char* name, hid_t type, hsize_t rows) {
    H5Ldelete(f, name, H5P_DEFAULT);
    const hid_t space = H5Screate_simple(1, &rows, nullptr);
    H5Dclose(H5Dcreate2(f, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  };
  edit_file(resized.path, [&](hid_t f) { replace(f, "households/income", H5T_STD_I64LE, 3999); });
  EXPECT_NE(read_failure(resized.path).find("'households/income' holds 3999 values, expected 4000"),
            std::string::npos)
      << read_failure(resized.path);
  edit_file(retyped.path, [&](hid_t f) { replace(f, "firms/wage", H5T_IEEE_F64LE, 400); });
  EXPECT_NE(read_failure(retyped.path).find("'firms/wage' is not int64"), std::string::npos)
      << read_failure(retyped.path);

  // One flipped byte in the values of a chunk: its checksum no longer matches.
  haddr_t address = 0;
  edit_file(damaged.path, [&](hid_t f) {
    const hid_t dataset = H5Dopen2(f, "firms/price", H5P_DEFAULT);
    hsize_t offset[1] = {0}, size = 0;
    unsigned mask = 0;
    EXPECT_GE(H5Dget_chunk_info_by_coord(dataset, offset, &mask, &address, &size), 0);
    H5Dclose(dataset);
  });
  {
    std::fstream file(damaged.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(address + 100));
    char byte = 0;
    file.get(byte);
    file.seekp(static_cast<std::streamoff>(address + 100));
    file.put(static_cast<char>(byte ^ 0x10));
  }
  EXPECT_NE(read_failure(damaged.path).find("cannot read 'firms/price'"), std::string::npos)
      << read_failure(damaged.path);
}

TEST(CheckpointFile, AFailedWriteLeavesThePreviousCheckpoint) {
  ENTREPOT_REQUIRE_DEVICE();
  Written w;
  EconomyCheckpoint broken = w.record;
  broken.step = kCheckpointStep + 1;
  broken.arrays.back().bytes.pop_back();  // fails halfway through the file
  EXPECT_THROW(write_checkpoint(w.path, broken, Comm::world()), OutputError);
  EXPECT_EQ(read_checkpoint_header(w.path).step, kCheckpointStep);
  EXPECT_FALSE(std::filesystem::exists(w.path + ".tmp"));
  // A crash may leave the temporary file: the next write replaces it.
  std::ofstream(w.path + ".tmp") << "left by a crash";
  broken.arrays = w.record.arrays;
  write_checkpoint(w.path, broken, Comm::world());
  EXPECT_EQ(read_checkpoint_header(w.path).step, kCheckpointStep + 1);
  EXPECT_FALSE(std::filesystem::exists(w.path + ".tmp"));
}

}  // namespace
}  // namespace entrepot
