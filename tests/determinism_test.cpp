// The determinism contract (DESIGN §3): the same scenario and seed give the same bytes,
// step by step and in the final agent state, for any number of OpenMP threads, in the
// model and in the result file the `entrepot` command writes; another seed gives another
// run.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <omp.h>
#include <sched.h>
#include <sys/wait.h>
#include <thrust/copy.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_bytes.h"
#include "tests/scratch_dir.h"
#include "tests/small_world.h"
#include "world/world.h"

namespace entrepot {
namespace {

using testing::differing_statistics;
using testing::joined;
using testing::same_bytes;

// The parts of two models' state that differ: every agent field (listed by the stores'
// own field lists), the host accounts and the regional conditions (the last flows show in
// the statistics).
std::vector<std::string> differing_state(const Model& a, const Model& b) {
  std::vector<std::string> out;
#define ENTREPOT_TEST_COMPARE_FIRM(T, name, slots, keep) \
  if (!same_bytes(a.economy.firms.name, b.economy.firms.name)) out.push_back("firms." #name);
#define ENTREPOT_TEST_COMPARE_CONSUMER(T, name, slots, keep)           \
  if (!same_bytes(a.economy.consumers.name, b.economy.consumers.name)) \
    out.push_back("consumers." #name);
  ENTREPOT_FIRM_FIELDS(ENTREPOT_TEST_COMPARE_FIRM)
  ENTREPOT_CONSUMER_FIELDS(ENTREPOT_TEST_COMPARE_CONSUMER)
#undef ENTREPOT_TEST_COMPARE_FIRM
#undef ENTREPOT_TEST_COMPARE_CONSUMER
  auto vec = [&](const char* name, const auto& x, const auto& y) {
    if (!same_bytes(x, y)) out.push_back(name);
  };
  vec("government", a.economy.government, b.economy.government);
  vec("owners", a.economy.owners, b.economy.owners);
  vec("bank_equity", a.economy.bank_equity, b.economy.bank_equity);
  vec("exchange_rate", a.economy.exchange_rate, b.economy.exchange_rate);
  vec("foreign_held", a.economy.foreign_held, b.economy.foreign_held);
  vec("official_held", a.economy.official_held, b.economy.official_held);
  vec("reserves", a.economy.reserves, b.economy.reserves);
  vec("unemployment_rate", a.economy.unemployment_rate, b.economy.unemployment_rate);
  vec("mean_wage", a.economy.mean_wage, b.economy.mean_wage);
  vec("base_unit_value", a.economy.base_unit_value, b.economy.base_unit_value);
  vec("labour_vacancies", a.scratch.labour.vacancies, b.scratch.labour.vacancies);
  return out;
}

// Restores the OpenMP thread count a test changed.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : saved_(omp_get_max_threads()) {}
  ~ThreadCountGuard() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

// Pins the calling thread, and the processes it starts, to the first processor it may run
// on, until destroyed. OpenMP then reports one processor, and Thrust's OpenMP backend splits
// its reductions and scans by that count (not by the thread count), so this changes how the
// work is cut even where the thread count alone would not.
class OneProcessor {
 public:
  OneProcessor() {
    CPU_ZERO(&saved_);
    if (sched_getaffinity(0, sizeof saved_, &saved_) != 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &saved_)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~OneProcessor() {
    if (pinned_) sched_setaffinity(0, sizeof saved_, &saved_);
  }
  OneProcessor(const OneProcessor&) = delete;
  OneProcessor& operator=(const OneProcessor&) = delete;

 private:
  cpu_set_t saved_;
  bool pinned_ = false;
};

// How a model is stepped: OpenMP threads, and whether on one processor only.
struct Layout {
  int threads;
  bool one_processor;
  std::string name() const {
    return std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
           (one_processor ? " on 1 processor"
                          : " on " + std::to_string(omp_get_num_procs()) + " processors");
  }
};

constexpr int kSteps = 20;

TEST(DeterminismTest, SameSeedGivesIdenticalStatisticsAndState) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world(20000, 2000);
  World world_a(scenario), world_b(scenario);
  Model a(scenario, world_a), b(scenario, world_b);
  EXPECT_EQ(a.initial_money, b.initial_money);
  EXPECT_EQ(a.initial_country_money, b.initial_country_money);
  EXPECT_TRUE(differing_state(a, b).empty()) << "after set-up: " << joined(differing_state(a, b));
  for (int step = 1; step <= kSteps; ++step) {
    a.step(step);
    b.step(step);
    const auto differ = differing_statistics(a.stats, b.stats);
    ASSERT_TRUE(differ.empty()) << "step " << step << ": " << joined(differ);
  }
  const auto differ = differing_state(a, b);
  EXPECT_TRUE(differ.empty()) << joined(differ);
}

TEST(DeterminismTest, AnotherSeedGivesAnotherRun) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world(20000, 2000);
  Scenario reseeded = scenario;
  reseeded.seed = scenario.seed + 1;
  World world_a(scenario), world_b(reseeded);
  Model a(scenario, world_a), b(reseeded, world_b);
  int differing_steps = 0;
  for (int step = 1; step <= kSteps; ++step) {
    a.step(step);
    b.step(step);
    differing_steps += differing_statistics(a.stats, b.stats).empty() ? 0 : 1;
  }
  EXPECT_EQ(differing_steps, kSteps) << "steps whose statistics differ between the seeds";
  const auto differ = differing_state(a, b);
  for (const char* field : {"firms.productivity", "firms.cash", "consumers.employer"}) {
    EXPECT_NE(std::find(differ.begin(), differ.end(), field), differ.end())
        << field << " is the same for two seeds";
  }
}

// One model stepped on one thread pinned to one processor, others on two and three threads
// over all processors (so the work is split at other boundaries): the same bytes after
// every step and at the end.
TEST(DeterminismTest, ThreadCountChangesNothing) {
  ENTREPOT_REQUIRE_DEVICE();
  ThreadCountGuard guard;
  const Scenario scenario = testing::small_world(20000, 2000);
  const std::vector<Layout> layouts{{1, true}, {2, false}, {3, false}};
  std::vector<std::unique_ptr<World>> worlds;
  std::vector<std::unique_ptr<Model>> models;
  auto on = [](const Layout& layout, const auto& work) {
    std::optional<OneProcessor> pin;
    if (layout.one_processor) pin.emplace();
    omp_set_num_threads(layout.threads);
    work();
  };
  for (const Layout& layout : layouts) {
    on(layout, [&] {
      worlds.push_back(std::make_unique<World>(scenario));
      models.push_back(std::make_unique<Model>(scenario, *worlds.back()));
    });
  }
  for (std::size_t i = 1; i < models.size(); ++i) {
    const auto differ = differing_state(*models[0], *models[i]);
    EXPECT_TRUE(differ.empty()) << "after set-up, " << layouts[0].name() << " vs "
                                << layouts[i].name() << ": " << joined(differ);
  }
  for (int step = 1; step <= kSteps; ++step) {
    for (std::size_t i = 0; i < models.size(); ++i) on(layouts[i], [&] { models[i]->step(step); });
    for (std::size_t i = 1; i < models.size(); ++i) {
      const auto differ = differing_statistics(models[0]->stats, models[i]->stats);
      ASSERT_TRUE(differ.empty()) << "step " << step << ", " << layouts[0].name() << " vs "
                                  << layouts[i].name() << ": " << joined(differ);
    }
  }
  for (std::size_t i = 1; i < models.size(); ++i) {
    const auto differ = differing_state(*models[0], *models[i]);
    EXPECT_TRUE(differ.empty()) << layouts[0].name() << " vs " << layouts[i].name() << ": "
                                << joined(differ);
  }
}

// The settling passes' chunk size (the GPU's setting, per buyer with no local table, one
// buyer, chunks that straddle regions, the CPU's setting) changes only how the flows are
// tallied: every step's statistics and the final state must be the same bytes.
TEST(DeterminismTest, TradeChunkChangesNothing) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world(20000, 2000);
  const std::vector<std::size_t> chunks{kTradeChunk, 0, 1, 7, 64, 100000};
  std::vector<std::unique_ptr<World>> worlds;
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t chunk : chunks) {
    worlds.push_back(std::make_unique<World>(scenario));
    models.push_back(std::make_unique<Model>(scenario, *worlds.back()));
    models.back()->trade_chunk = chunk;
  }
  for (int step = 1; step <= kSteps; ++step) {
    for (auto& model : models) model->step(step);
    for (std::size_t i = 1; i < models.size(); ++i) {
      const auto differ = differing_statistics(models[0]->stats, models[i]->stats);
      ASSERT_TRUE(differ.empty()) << "step " << step << ", chunk " << chunks[i] << ": "
                                  << joined(differ);
    }
  }
  const std::vector<std::int64_t>& flows = models[0]->stats.trade_value;
  EXPECT_TRUE(std::any_of(flows.begin(), flows.end(), [](std::int64_t v) { return v != 0; }))
      << "no trade flows to compare";
  for (std::size_t i = 1; i < models.size(); ++i) {
    const auto differ = differing_state(*models[0], *models[i]);
    EXPECT_TRUE(differ.empty()) << "chunk " << chunks[i] << ": " << joined(differ);
  }
}

// ---- The whole program: `entrepot run` with 1 and 2 threads writes the same /series. ----

// A small world with a tariff rise and an export ban during the run, so the policy path
// (and the trade-cost refresh it triggers) is part of what must be reproducible.
constexpr const char* kScenario = R"(name: determinism
seed: 424242
steps: 6
burn_in: 2
countries:
  - {code: AAA, blocs: [PACT]}
  - {code: BBB, blocs: [PACT]}
  - {code: CCC}
blocs:
  - {name: PACT, tariff_factor: 0}
regions:
  - {name: AAA-Port, country: AAA, lat: 31, lon: 121, population: 30, gdp: 600, productivity: 1.5}
  - {name: AAA-Inland, country: AAA, lat: 30, lon: 104, population: 100, gdp: 900, productivity: 0.8}
  - {name: BBB, country: BBB, lat: 35, lon: 139, population: 50, gdp: 1500, productivity: 2.0}
  - {name: CCC, country: CCC, lat: 40, lon: -74, population: 60, gdp: 1800, productivity: 2.2}
sectors:
  - {name: ore, kind: commodity, transport_cost: 0.05, value_added_share: 0.1}
  - {name: chips, kind: intermediate, transport_cost: 0.02, value_added_share: 0.15}
  - {name: phones, kind: final, transport_cost: 0.02, value_added_share: 0.25, consumer_share: 0.3}
  - {name: food, kind: commodity, transport_cost: 0.04, value_added_share: 0.1, consumer_share: 0.2}
  - {name: services, kind: service, transport_cost: 0, value_added_share: 0.4, consumer_share: 0.5}
recipe:
  ore: {chips: 0.2, phones: 0.05}
  chips: {phones: 0.3}
  services: {phones: 0.05, chips: 0.1, food: 0.05}
tariffs:
  mfn:
    - {importer: AAA, rate: 0.05}
    - {importer: BBB, rate: 0.05}
    - {importer: CCC, rate: 0.05}
agents: {consumers: 20000, firms: 2000}
events:
  - {step: 3, type: tariff, importer: CCC, exporter: AAA, rate: 0.25, phase_in: 2}
  - {step: 4, type: export_ban, exporter: CCC, importer: AAA, sectors: [chips]}
)";

// Runs the command; returns its exit status, with its output in `log`.
int run_entrepot(const std::string& args, const std::string& log) {
  const std::string command =
      std::string("'") + ENTREPOT_BINARY + "' " + args + " >'" + log + "' 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One dataset as read back: its shape and the bytes of its values in native layout
// (variable-length strings as their texts, each ended by NUL).
struct Dataset {
  std::vector<hsize_t> shape;
  std::string bytes;
  bool operator==(const Dataset& other) const {
    return shape == other.shape && bytes == other.bytes;
  }
};

// Closes an HDF5 identifier when it goes out of scope.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) throw std::runtime_error(what);
  }
  ~Id() { close_(id_); }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Dataset read_dataset(hid_t group, const std::string& name, const std::string& where) {
  Id dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, where + ": cannot open");
  Id type(H5Dget_type(dataset.get()), H5Tclose, where + ": no type");
  Id space(H5Dget_space(dataset.get()), H5Sclose, where + ": no dataspace");
  Dataset out;
  const int dims = H5Sget_simple_extent_ndims(space.get());
  if (dims < 0) throw std::runtime_error(where + ": bad dataspace");
  out.shape.resize(static_cast<std::size_t>(dims));
  if (dims > 0) H5Sget_simple_extent_dims(space.get(), out.shape.data(), nullptr);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  if (count == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> text(count, nullptr);
    if (H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) < 0) {
      throw std::runtime_error(where + ": cannot read");
    }
    for (char* t : text) out.bytes += std::string(t != nullptr ? t : "") + '\0';
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, text.data());
  } else {
    Id native(H5Tget_native_type(type.get(), H5T_DIR_DEFAULT), H5Tclose, where + ": no type");
    out.bytes.assign(count * H5Tget_size(native.get()), '\0');
    if (H5Dread(dataset.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.bytes.data()) < 0) {
      throw std::runtime_error(where + ": cannot read");
    }
  }
  return out;
}

// Every dataset directly under /series, by name.
std::map<std::string, Dataset> read_series(const std::string& path) {
  std::map<std::string, Dataset> out;
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path + ": cannot open");
  Id group(H5Gopen2(file.get(), "/series", H5P_DEFAULT), H5Gclose, path + ": no /series");
  H5G_info_t info;
  if (H5Gget_info(group.get(), &info) < 0) throw std::runtime_error(path + ": bad /series");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256] = {};
    if (H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name,
                           H5P_DEFAULT) < 0) {
      throw std::runtime_error(path + ": cannot list /series");
    }
    H5O_info_t object;
    if (H5Oget_info_by_name(group.get(), name, &object, H5P_DEFAULT) < 0) {
      throw std::runtime_error(path + ": cannot inspect /series/" + name);
    }
    if (object.type != H5O_TYPE_DATASET) continue;
    out[name] = read_dataset(group.get(), name, path + ":/series/" + name);
  }
  return out;
}

std::vector<std::string> differing_datasets(const std::map<std::string, Dataset>& a,
                                            const std::map<std::string, Dataset>& b) {
  std::vector<std::string> out;
  for (const auto& [name, data] : a) {
    const auto other = b.find(name);
    if (other == b.end() || !(other->second == data)) out.push_back(name);
  }
  for (const auto& entry : b) {
    if (a.find(entry.first) == a.end()) out.push_back(entry.first + " (only in the second file)");
  }
  return out;
}

TEST(DeterminismTest, CommandWritesIdenticalSeriesForAnyThreadCount) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::ScratchDir dir("entrepot_determinism");
  const std::string config = dir / "determinism.yaml";
  std::ofstream(config) << kScenario;
  const std::string common = "run '" + config + "' --steps 6 --quiet";
  struct Run {
    std::string name, args;
  };
  // The one-thread run is pinned to one processor (see OneProcessor).
  const Run runs[] = {{"one", "--threads 1"}, {"two", "--threads 2"}, {"reseeded", "--seed 99"}};
  std::map<std::string, std::map<std::string, Dataset>> series;
  for (const Run& run : runs) {
    const std::string out = dir / (run.name + ".h5"), log = dir / (run.name + ".log");
    std::optional<OneProcessor> pin;
    if (run.name == "one") pin.emplace();
    const int status = run_entrepot(common + " --out '" + out + "' " + run.args, log);
    pin.reset();
    ASSERT_EQ(status, 0) << run.name << ":\n" << file_text(log);
    series[run.name] = read_series(out);
  }
  const auto& one = series["one"];
  ASSERT_GT(one.size(), 10u) << "too few datasets under /series";
  ASSERT_EQ(one.count("step"), 1u);
  ASSERT_EQ(one.at("step").shape, std::vector<hsize_t>{6}) << "/series/step: not the run's steps";
  const auto differ = differing_datasets(one, series["two"]);
  EXPECT_TRUE(differ.empty()) << "1 thread on 1 processor vs 2 threads: " << joined(differ);
  // The comparison can tell runs apart: another seed changes the model's series.
  const auto reseeded = differing_datasets(one, series["reseeded"]);
  for (const char* name : {"employment", "trade_value", "price"}) {
    ASSERT_EQ(one.count(name), 1u) << "no /series/" << name;
    EXPECT_NE(std::find(reseeded.begin(), reseeded.end(), name), reseeded.end())
        << "/series/" << name << " is the same for two seeds";
  }
  EXPECT_FALSE(reseeded.empty());
}

}  // namespace
}  // namespace entrepot
