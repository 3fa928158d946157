// Shared fixtures of the recorder tests: a scratch folder, a tiny world, synthetic steps
// and small HDF5 readers.
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "output/recorder.h"
#include "tests/scratch_dir.h"

namespace entrepot {
namespace recorder_testing {

namespace fs = std::filesystem;

// A scratch folder named for the recorder tests.
class ScratchDir : public entrepot::testing::ScratchDir {
 public:
  ScratchDir() : entrepot::testing::ScratchDir("entrepot_recorder") {}
};

// A scenario and its world: `countries` countries of two regions each, `sectors` sectors.
class TinyWorld {
 public:
  TinyWorld(int countries, int sectors) {
    scenario.name = "recorder-test";
    scenario.source_path = "configs/recorder_test.yaml";
    scenario.text = "name: recorder-test\nsteps: 12\n# régions: Zürich\n";
    scenario.overrides = {"steps=12", "behaviour.markup=0.2"};
    scenario.seed = 18446744073709551557ull;  // above INT64_MAX: stored as uint64
    scenario.steps = 12;
    for (int c = 0; c < countries; ++c) {
      const std::string code = std::string(1, static_cast<char>('A' + c % 26)) +
                               std::string(1, static_cast<char>('A' + c / 26)) + "X";
      scenario.countries.push_back({code, "Country " + code, {}, {}, {}});
      for (int half = 0; half < 2; ++half) {
        Region region;
        region.name = code + (half == 0 ? "-North" : "-South");
        region.country = c;
        region.lat = 10.0 * c + 5.0 * half;
        region.lon = 7.0 * c;
        scenario.regions.push_back(region);
      }
    }
    for (int s = 0; s < sectors; ++s) {
      Sector sector;
      sector.name = "sector" + std::to_string(s);
      scenario.sectors.push_back(sector);
    }
    world = std::make_unique<World>(scenario);
    for (int i = 0; i < countries; ++i) {
      for (int e = 0; e < countries; ++e) {
        for (int s = 0; s < sectors; ++s)
          world->base_tariff[world->flow_cell(e, i, s)] = i + e / 8.0 + s / 64.0;
      }
    }
  }
  int countries() const { return world->countries(); }
  int regions() const { return world->regions(); }
  int sectors() const { return world->sectors(); }

  Scenario scenario;
  std::unique_ptr<World> world;
};

inline Provenance test_provenance() {
  Provenance p;
  p.version = "0.1.0-test";
  p.git_commit = "0123456789ab";
  p.backend = "omp";
  p.threads = 4;
  p.ranks = 1;
  p.start_time = "2024-01-02T03:04:05Z";
  return p;
}

// Synthetic statistics whose every value encodes its step and position (the Python check
// below repeats these formulas).
inline std::int64_t trade_value_of(int k, int e, int i, int s) {
  return (k + 1) * 1000000000000LL + e * 10000 + i * 100 + s;
}

inline std::int64_t region_trade_value_of(int k, int o, int d, int s) {
  return (k + 1) * 1000000000LL + o * 10000 + d * 100 + s;
}

inline StepStatistics synthetic_step(int k, const TinyWorld& w) {
  const int nc = w.countries(), nr = w.regions(), ns = w.sectors();
  StepStatistics st;
  st.step = k;
  for (std::size_t h = 0; h < money_holders().size(); ++h) {
    st.money.push_back((k + 1) * kMoneyScale * static_cast<std::int64_t>(h + 1) +
                       static_cast<std::int64_t>(h));
  }
  for (int c = 0; c < nc; ++c) {
    st.loans.push_back((k + 1) * 5000000LL + c);
    st.lending.push_back((k + 1) * 400000LL + c);
    st.interest.push_back((k + 1) * 30000LL + c);
    st.write_offs.push_back((k + 1) * 2000LL + c);
    st.bank_equity.push_back((k + 1) * 100000LL + c);
    st.foreign_held.push_back((k + 1) * 700LL - c);
    st.exchange_rate.push_back(1.0 + 0.01 * k - 0.005 * c);
    st.reserves.push_back(1e9 * c + 1000.0 * k);
  }
  for (int e = 0; e < nc; ++e) {
    for (int i = 0; i < nc; ++i) {
      for (int s = 0; s < ns; ++s) {
        st.trade_value.push_back(trade_value_of(k, e, i, s));
        st.trade_duty.push_back(trade_value_of(k, e, i, s) / 10);
        st.trade_quantity.push_back(k * 1000 + e * 100 + i * 10 + s);
        st.trade_value_final.push_back(trade_value_of(k, e, i, s) / 3);
        st.tariff.push_back(e == i ? 0.0 : 0.05 + 0.01 * s + 0.125 * k);
        st.tariff_outside.push_back(e == i ? 0.0 : 0.1 + 0.01 * s + 0.125 * k);
        st.carbon_adjustment.push_back(e == i ? 0.0 : 0.001 * s);
      }
    }
  }
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      for (int s = 0; s < ns; ++s) {
        st.region_trade_value.push_back(region_trade_value_of(k, o, d, s));
        st.region_trade_duty.push_back(region_trade_value_of(k, o, d, s) / 10);
        st.region_trade_value_final.push_back(region_trade_value_of(k, o, d, s) / 3);
      }
    }
  }
  for (int o = 0; o < nr; ++o) {
    for (int s = 0; s < ns; ++s) {
      for (int d = 0; d < nr; ++d) {
        for (int b = 0; b < ns; ++b) {
          st.input_use.push_back(region_trade_value_of(k, o, d, s) / 7 + b);
        }
      }
    }
  }
  for (int r = 0; r < nr; ++r) {
    st.value_added.push_back((k + 1) * 1000000000LL + r);
    st.consumption.push_back(((k + 1) * 1000000000LL + r) / 2);
    st.retail_sales.push_back(((k + 1) * 1000000000LL + r) / 4);
    st.retail_margin.push_back(((k + 1) * 1000000000LL + r) / 20);
    st.trader_sales.push_back(((k + 1) * 1000000000LL + r) / 8);
    st.trader_margin.push_back(((k + 1) * 1000000000LL + r) / 80);
    st.trader_exports.push_back(((k + 1) * 1000000000LL + r) / 16);
    st.reexports.push_back(((k + 1) * 1000000000LL + r) / 32);
    st.employment.push_back(1000 + 10 * k + r);
    st.unemployment.push_back(50 + r);
    st.wage.push_back(1.5 + 0.25 * k + r / 8.0);
    st.cpi.push_back(1.0 + 0.125 * k);
    for (int s = 0; s < ns; ++s) st.price.push_back(2.0 + r + 0.5 * s + 0.0625 * k);
    for (int s = 0; s < ns; ++s) st.region_exports.push_back((k + 1) * 1000000LL + r * 10 + s);
    for (int s = 0; s < ns; ++s) st.region_output.push_back((k + 1) * 2000000LL + r * 10 + s);
    for (int s = 0; s < ns; ++s) st.sector_value_added.push_back((k + 1) * 3000000LL + r * 10 + s);
    for (int s = 0; s < ns; ++s) st.emissions.push_back((k + 1) * 4000000LL + r * 10 + s);
    for (int s = 0; s < ns; ++s) st.exporters.push_back(k + r + s);
  }
  st.produced = 100 * k + 1;
  st.used = 100 * k + 2;
  st.consumed = 100 * k + 3;
  st.melted = 100 * k + 4;
  st.inventory = 100 * k + 5;
  st.supplier_switches = 7 * k;
  st.firm_exits = k % 3;
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) st.relocations.push_back(o == d ? 0 : (k + o + 2 * d) % 4);
  }
  return st;
}

inline FirmSnapshot synthetic_snapshot(int step, int firms) {
  FirmSnapshot f;
  f.step = step;
  for (int j = 0; j < firms; ++j) {
    f.region.push_back(j % 3);
    f.sector.push_back(j % 2);
    f.productivity.push_back(0.5f + 0.25f * static_cast<float>(j));
    f.employees.push_back(10 + j);
    f.output.push_back(1000000LL * j + 1);
    f.sales_value.push_back(2000000LL * j + 2);
    f.export_value.push_back(300000LL * j);
    f.cash.push_back(-5000000LL + j);
    f.price.push_back(1.25 * j);
    f.entity_lists.push_back(static_cast<std::uint8_t>(j % 4));
    f.open.push_back(static_cast<std::uint8_t>(j % 5 != 0));
  }
  return f;
}

// --- Reading back through the C API -------------------------------------------------------

struct H5File {
  explicit H5File(const std::string& path)
      : id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~H5File() {
    if (id >= 0) H5Fclose(id);
  }
  hid_t id;
};

inline std::vector<hsize_t> shape_of(hid_t file, const std::string& path) {
  const hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << path;
  const hid_t space = H5Dget_space(d);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  H5Dclose(d);
  return dims;
}

template <class T>
inline std::vector<T> read_all(hid_t file, const std::string& path, hid_t mem_type) {
  std::size_t n = 1;
  for (hsize_t d : shape_of(file, path)) n *= d;
  std::vector<T> values(n);
  const hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0) << path;
  H5Dclose(d);
  return values;
}

inline std::string string_attr(hid_t obj, const std::string& name) {
  const hid_t a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* text = nullptr;
  EXPECT_GE(H5Aread(a, type, &text), 0) << name;
  std::string value = text ? text : "";
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(a);
  return value;
}

template <class T>
inline T number_attr(hid_t file, const std::string& object, const std::string& name,
                     hid_t mem_type) {
  T value{};
  const hid_t a = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(a, 0) << object << " " << name;
  EXPECT_GE(H5Aread(a, mem_type, &value), 0);
  H5Aclose(a);
  return value;
}

inline std::vector<std::string> strings_of(hid_t file, const std::string& path) {
  std::vector<char*> text(shape_of(file, path).at(0));
  const hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), 0);
  std::vector<std::string> out;
  for (char* t : text) {
    out.emplace_back(t);
    H5free_memory(t);
  }
  H5Tclose(type);
  H5Dclose(d);
  return out;
}

inline void write_run(const std::string& path, const TinyWorld& w, int steps, int snapshot_step) {
  Recorder rec(path, w.scenario, *w.world, test_provenance());
  for (int k = 0; k < steps; ++k) {
    rec.append(synthetic_step(k, w));
    if (k == 1) rec.flush();
    if (k == snapshot_step) rec.write_snapshot(synthetic_snapshot(k, 5));
  }
  rec.close("completed");
}

}  // namespace recorder_testing
}  // namespace entrepot
