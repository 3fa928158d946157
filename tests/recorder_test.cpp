// The HDF5 result file: layout read back through the C API, interoperability with h5py
// and xarray, survival of a killed run, and the errors of check_writable/describe_file.
#include "output/recorder.h"

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

namespace entrepot {
namespace {

namespace fs = std::filesystem;

// A scratch folder, removed with its contents at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/entrepot_recorder_XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    for (const auto& entry : fs::directory_iterator(path_, ignored)) {
      fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    }
    fs::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
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
      scenario.countries.push_back({code, "Country " + code, {}});
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
          world->base_tariff[world->ccs(i, e, s)] = i + e / 8.0 + s / 64.0;
      }
    }
  }
  int countries() const { return world->countries(); }
  int regions() const { return world->regions(); }
  int sectors() const { return world->sectors(); }

  Scenario scenario;
  std::unique_ptr<World> world;
};

Provenance test_provenance() {
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
std::int64_t trade_value_of(int k, int e, int i, int s) {
  return (k + 1) * 1000000000000LL + e * 10000 + i * 100 + s;
}

StepStatistics synthetic_step(int k, const TinyWorld& w) {
  const int nc = w.countries(), nr = w.regions(), ns = w.sectors();
  StepStatistics st;
  st.step = k;
  for (std::size_t h = 0; h < money_holders().size(); ++h) {
    st.money.push_back((k + 1) * kMoneyScale * static_cast<std::int64_t>(h + 1) +
                       static_cast<std::int64_t>(h));
  }
  for (int e = 0; e < nc; ++e) {
    for (int i = 0; i < nc; ++i) {
      for (int s = 0; s < ns; ++s) {
        st.trade_value.push_back(trade_value_of(k, e, i, s));
        st.trade_duty.push_back(trade_value_of(k, e, i, s) / 10);
        st.trade_quantity.push_back(k * 1000 + e * 100 + i * 10 + s);
      }
    }
  }
  for (int r = 0; r < nr; ++r) {
    st.value_added.push_back((k + 1) * 1000000000LL + r);
    st.consumption.push_back(((k + 1) * 1000000000LL + r) / 2);
    st.employment.push_back(1000 + 10 * k + r);
    st.unemployment.push_back(50 + r);
    st.wage.push_back(1.5 + 0.25 * k + r / 8.0);
    st.cpi.push_back(1.0 + 0.125 * k);
    for (int s = 0; s < ns; ++s) st.price.push_back(2.0 + r + 0.5 * s + 0.0625 * k);
  }
  st.produced = 100 * k + 1;
  st.used = 100 * k + 2;
  st.consumed = 100 * k + 3;
  st.melted = 100 * k + 4;
  st.inventory = 100 * k + 5;
  st.supplier_switches = 7 * k;
  st.firm_exits = k % 3;
  return st;
}

FirmSnapshot synthetic_snapshot(int step, int firms) {
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

std::vector<hsize_t> shape_of(hid_t file, const std::string& path) {
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
std::vector<T> read_all(hid_t file, const std::string& path, hid_t mem_type) {
  std::size_t n = 1;
  for (hsize_t d : shape_of(file, path)) n *= d;
  std::vector<T> values(n);
  const hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0) << path;
  H5Dclose(d);
  return values;
}

std::string string_attr(hid_t obj, const std::string& name) {
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
T number_attr(hid_t file, const std::string& object, const std::string& name, hid_t mem_type) {
  T value{};
  const hid_t a = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(a, 0) << object << " " << name;
  EXPECT_GE(H5Aread(a, mem_type, &value), 0);
  H5Aclose(a);
  return value;
}

std::vector<std::string> strings_of(hid_t file, const std::string& path) {
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

void write_run(const std::string& path, const TinyWorld& w, int steps, int snapshot_step) {
  Recorder rec(path, w.scenario, *w.world, test_provenance());
  for (int k = 0; k < steps; ++k) {
    rec.append(synthetic_step(k, w));
    if (k == 1) rec.flush();
    if (k == snapshot_step) rec.write_snapshot(synthetic_snapshot(k, 5));
  }
  rec.close("completed");
}

TEST(Recorder, WritesTheLayoutAndReadsBack) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  const std::string path = dir / "run.h5";
  write_run(path, w, 5, 3);

  H5File f(path);
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(string_attr(f.id, "entrepot_version"), "0.1.0-test");
  EXPECT_EQ(string_attr(f.id, "git_commit"), "0123456789ab");
  EXPECT_EQ(string_attr(f.id, "config"), w.scenario.text);
  EXPECT_EQ(string_attr(f.id, "config_path"), "configs/recorder_test.yaml");
  EXPECT_EQ(string_attr(f.id, "overrides"), "steps=12\nbehaviour.markup=0.2");
  EXPECT_EQ(number_attr<std::uint64_t>(f.id, "/", "seed", H5T_NATIVE_UINT64),
            18446744073709551557ull);
  EXPECT_EQ(number_attr<std::int32_t>(f.id, "/", "steps", H5T_NATIVE_INT32), 12);
  EXPECT_EQ(number_attr<std::int32_t>(f.id, "/", "threads", H5T_NATIVE_INT32), 4);
  EXPECT_EQ(number_attr<std::int32_t>(f.id, "/", "ranks", H5T_NATIVE_INT32), 1);
  EXPECT_EQ(string_attr(f.id, "backend"), "omp");
  EXPECT_EQ(string_attr(f.id, "start_time"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(string_attr(f.id, "status"), "completed");
  EXPECT_EQ(string_attr(f.id, "end_time").size(), 20u);

  // /world
  EXPECT_EQ(strings_of(f.id, "/world/country"), (std::vector<std::string>{"AAX", "BAX"}));
  EXPECT_EQ(strings_of(f.id, "/world/country_name"),
            (std::vector<std::string>{"Country AAX", "Country BAX"}));
  EXPECT_EQ(strings_of(f.id, "/world/region"),
            (std::vector<std::string>{"AAX-North", "AAX-South", "BAX-North", "BAX-South"}));
  EXPECT_EQ(strings_of(f.id, "/world/sector").size(), 3u);
  EXPECT_EQ(read_all<std::int32_t>(f.id, "/world/region_country", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(shape_of(f.id, "/world/distance_km"), (std::vector<hsize_t>{4, 4}));
  EXPECT_EQ(read_all<double>(f.id, "/world/distance_km", H5T_NATIVE_DOUBLE), w.world->distance_km);
  EXPECT_EQ(shape_of(f.id, "/world/base_tariff"), (std::vector<hsize_t>{2, 2, 3}));
  EXPECT_EQ(read_all<double>(f.id, "/world/base_tariff", H5T_NATIVE_DOUBLE), w.world->base_tariff);

  // /series: shapes, values, units and scales
  EXPECT_EQ(read_all<std::int32_t>(f.id, "/series/step", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(strings_of(f.id, "/series/holder"), money_holders());
  EXPECT_EQ(strings_of(f.id, "/series/exporter"), w.world->country_code);
  EXPECT_EQ(strings_of(f.id, "/series/importer"), w.world->country_code);
  EXPECT_EQ(strings_of(f.id, "/series/region_country_code"),
            (std::vector<std::string>{"AAX", "AAX", "BAX", "BAX"}));
  const std::vector<std::pair<std::string, std::vector<hsize_t>>> shapes{
      {"money", {5, 4}},
      {"trade_value", {5, 2, 2, 3}},
      {"trade_duty", {5, 2, 2, 3}},
      {"trade_quantity", {5, 2, 2, 3}},
      {"value_added", {5, 4}},
      {"consumption", {5, 4}},
      {"employment", {5, 4}},
      {"unemployment", {5, 4}},
      {"wage", {5, 4}},
      {"cpi", {5, 4}},
      {"price", {5, 4, 3}},
      {"produced", {5}},
      {"used", {5}},
      {"consumed", {5}},
      {"melted", {5}},
      {"inventory", {5}},
      {"supplier_switches", {5}},
      {"firm_exits", {5}}};
  for (const auto& [name, shape] : shapes) {
    EXPECT_EQ(shape_of(f.id, "/series/" + name), shape) << name;
    const hid_t d = H5Dopen2(f.id, ("/series/" + name).c_str(), H5P_DEFAULT);
    EXPECT_GT(H5Aexists(d, "units"), 0) << name;
    EXPECT_GT(H5Aexists(d, "long_name"), 0) << name;
    EXPECT_GT(H5Aexists(d, "DIMENSION_LIST"), 0) << name;
    H5Dclose(d);
  }
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "/series/money", "scale", H5T_NATIVE_INT64),
            kMoneyScale);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "/series/trade_value", "scale", H5T_NATIVE_INT64),
            kMoneyScale);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "/series/trade_quantity", "scale", H5T_NATIVE_INT64),
            kGoodsScale);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "/series/inventory", "scale", H5T_NATIVE_INT64),
            kGoodsScale);
  for (const char* plain : {"/series/employment", "/series/wage", "/series/price"}) {
    EXPECT_EQ(H5Aexists_by_name(f.id, plain, "scale", H5P_DEFAULT), 0) << plain;
  }

  const auto trade = read_all<std::int64_t>(f.id, "/series/trade_value", H5T_NATIVE_INT64);
  const auto money = read_all<std::int64_t>(f.id, "/series/money", H5T_NATIVE_INT64);
  const auto price = read_all<double>(f.id, "/series/price", H5T_NATIVE_DOUBLE);
  const auto produced = read_all<std::int64_t>(f.id, "/series/produced", H5T_NATIVE_INT64);
  for (int k = 0; k < 5; ++k) {
    const StepStatistics st = synthetic_step(k, w);
    EXPECT_TRUE(std::equal(st.trade_value.begin(), st.trade_value.end(), trade.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.money.begin(), st.money.end(), money.begin() + k * 4)) << k;
    EXPECT_TRUE(std::equal(st.price.begin(), st.price.end(), price.begin() + k * 12)) << k;
    EXPECT_EQ(produced[k], st.produced);
  }
  // [step][exporter][importer][sector]
  EXPECT_EQ(trade[((3 * 2 + 1) * 2 + 0) * 3 + 2], trade_value_of(3, 1, 0, 2));

  // /snapshots/3/firms
  EXPECT_EQ(read_all<std::int32_t>(f.id, "/snapshots/3/firms/employees", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(read_all<std::int64_t>(f.id, "/snapshots/3/firms/cash", H5T_NATIVE_INT64),
            synthetic_snapshot(3, 5).cash);
  EXPECT_EQ(read_all<float>(f.id, "/snapshots/3/firms/productivity", H5T_NATIVE_FLOAT),
            synthetic_snapshot(3, 5).productivity);
  EXPECT_EQ(read_all<double>(f.id, "/snapshots/3/firms/price", H5T_NATIVE_DOUBLE),
            synthetic_snapshot(3, 5).price);
  EXPECT_EQ(
      number_attr<std::int64_t>(f.id, "/snapshots/3/firms/sales_value", "scale", H5T_NATIVE_INT64),
      kMoneyScale);
  for (const char* field : {"region", "sector", "output", "sales_value", "export_value"}) {
    EXPECT_EQ(shape_of(f.id, std::string("/snapshots/3/firms/") + field),
              (std::vector<hsize_t>{5}));
  }
}

TEST(Recorder, RejectsInconsistentInput) {
  ScratchDir dir;
  TinyWorld w(2, 2);
  Recorder rec(dir / "bad.h5", w.scenario, *w.world, test_provenance());
  StepStatistics st = synthetic_step(0, w);
  st.trade_value.pop_back();
  try {
    rec.append(st);
    FAIL() << "a short trade_value was accepted";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("trade_value has 7 values, expected 8"), std::string::npos)
        << e.what();
  }
  rec.append(synthetic_step(4, w));
  EXPECT_THROW(rec.append(synthetic_step(4, w)), OutputError);  // steps must increase
  FirmSnapshot firms = synthetic_snapshot(4, 3);
  rec.write_snapshot(firms);
  EXPECT_THROW(rec.write_snapshot(firms), OutputError);  // the same step twice
  firms.step = 5;
  firms.cash.pop_back();
  EXPECT_THROW(rec.write_snapshot(firms), OutputError);
  rec.close("interrupted");
  EXPECT_THROW(rec.flush(), OutputError);
  EXPECT_NE(describe_file(dir / "bad.h5").find("interrupted"), std::string::npos);
}

TEST(Recorder, LargeConfigTextAndEmptyRun) {
  ScratchDir dir;
  TinyWorld w(2, 2);
  w.scenario.text = std::string(300000, 'x') + "\nend";  // beyond the 64 KiB header limit
  {
    Recorder rec(dir / "big.h5", w.scenario, *w.world, test_provenance());
    rec.close("completed");
  }
  H5File f(dir / "big.h5");
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(string_attr(f.id, "config"), w.scenario.text);
  EXPECT_EQ(shape_of(f.id, "/series/trade_value"), (std::vector<hsize_t>{0, 2, 2, 2}));
  EXPECT_NE(describe_file(dir / "big.h5").find("none recorded"), std::string::npos);
}

// --- h5py and xarray -----------------------------------------------------------------------

const char* const kPython = "/usr/bin/python3";

// Runs `script` with the Debian interpreter; returns its exit status and output.
int run_python(const ScratchDir& dir, const std::string& script, const std::string& args,
               std::string& output) {
  const std::string script_path = dir / "check.py", log_path = dir / "check.log";
  std::ofstream(script_path) << script;
  const std::string command =
      std::string(kPython) + " " + script_path + " " + args + " > " + log_path + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log(log_path);
  std::stringstream text;
  text << log.rdbuf();
  output = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool python_ready(const ScratchDir& dir, std::string& why) {
  if (access(kPython, X_OK) != 0) {
    why = std::string(kPython) + " is not installed";
    return false;
  }
  std::string output;
  if (run_python(dir, "import h5py, xarray, h5netcdf\n", "", output) != 0) {
    why = std::string(kPython) + " lacks h5py/xarray/h5netcdf: " + output;
    return false;
  }
  return true;
}

const char* const kInteropScript = R"PY(
import sys
import numpy as np
import h5py
import xarray as xr

path = sys.argv[1]
nc, nr, ns, steps = 2, 4, 3, 5

ds = xr.open_dataset(path, group="series", engine="h5netcdf")
assert dict(ds.sizes) == {"step": steps, "holder": 4, "exporter": nc, "importer": nc,
                          "region": nr, "sector": ns}, dict(ds.sizes)
assert list(ds.step.values) == list(range(steps)), ds.step.values
assert list(ds.holder.values) == ["firms", "consumers", "governments", "owners"]
assert list(ds.exporter.values) == ["AAX", "BAX"] and list(ds.importer.values) == ["AAX", "BAX"]
assert list(ds.region.values) == ["AAX-North", "AAX-South", "BAX-North", "BAX-South"]
assert list(ds.sector.values) == ["sector0", "sector1", "sector2"]
assert ds.trade_value.dims == ("step", "exporter", "importer", "sector")
assert ds.price.dims == ("step", "region", "sector")
assert ds.produced.dims == ("step",)
assert ds.trade_value.dtype == np.int64 and ds.wage.dtype == np.float64
assert ds.trade_value.attrs["scale"] == 1000000 and ds.trade_quantity.attrs["scale"] == 1000000
assert ds.money.attrs["units"] == "1e-6 currency", ds.money.attrs
assert "long_name" in ds.cpi.attrs and "units" in ds.employment.attrs
for k in range(steps):
    for e, exporter in enumerate(["AAX", "BAX"]):
        for i, importer in enumerate(["AAX", "BAX"]):
            for s in range(ns):
                got = int(ds.trade_value.sel(step=k, exporter=exporter, importer=importer,
                                             sector="sector%d" % s))
                assert got == (k + 1) * 10**12 + e * 10000 + i * 100 + s, (k, e, i, s, got)
    assert float(ds.price.sel(step=k, region="BAX-North", sector="sector1")) == 2 + 2 + 0.5 + 0.0625 * k
    assert int(ds.money.sel(step=k, holder="governments")) == (k + 1) * 10**6 * 3 + 2
    assert int(ds.firm_exits.sel(step=k)) == k % 3
# Regions group by country through the auxiliary coordinate.
gdp = ds.value_added.groupby("region_country_code").sum()
assert list(gdp.region_country_code.values) == ["AAX", "BAX"]
assert int(gdp.sel(step=0, region_country_code="BAX")) == 2 * 10**9 + 2 + 3
money = ds.money / ds.money.attrs["scale"]
assert abs(float(money.sel(step=0, holder="firms")) - 1.0) < 1e-12
ds.close()

world = xr.open_dataset(path, group="world", engine="h5netcdf")
assert world.distance_km.dims == ("origin", "destination")
assert world.base_tariff.dims == ("importer", "exporter", "sector")
assert float(world.base_tariff.sel(importer="BAX", exporter="AAX", sector="sector2")) == 1 + 2 / 64
assert list(world.region_country.values) == [0, 0, 1, 1]
assert list(world.country_name.values) == ["Country AAX", "Country BAX"]
world.close()

firms = xr.open_dataset(path, group="snapshots/3/firms", engine="h5netcdf")
assert firms.sizes["firm"] == 5 and list(firms.employees.values) == [10, 11, 12, 13, 14]
firms.close()

with h5py.File(path, "r") as f:
    assert f.attrs["config"] == "name: recorder-test\nsteps: 12\n# régions: Zürich\n"
    assert int(f.attrs["seed"]) == 18446744073709551557
    assert f.attrs["status"] == "completed"
    assert f["series/trade_value"].dims[1][0].name == "/series/exporter"
    assert f["series/trade_value"].maxshape[0] is None
    assert f["series/money"].attrs["scale"] == 1000000

# netCDF-C reads the same group, where the netCDF4 module is installed.
try:
    import netCDF4  # noqa: F401
except ImportError:
    print("netCDF4 not installed: netCDF-C check skipped")
else:
    nc4 = xr.open_dataset(path, group="series", engine="netcdf4")
    assert int(nc4.trade_value.sel(step=2, exporter="BAX", importer="AAX", sector="sector0")) == \
        3 * 10**12 + 10000
    assert list(nc4.region.values) == ["AAX-North", "AAX-South", "BAX-North", "BAX-South"]
    nc4.close()
print("ok")
)PY";

TEST(Recorder, OpensWithXarrayAndH5py) {
  ScratchDir dir;
  std::string why;
  if (!python_ready(dir, why)) GTEST_SKIP() << "interoperability not checked: " << why;
  TinyWorld w(2, 3);
  const std::string path = dir / "run.h5";
  write_run(path, w, 5, 3);
  std::string output;
  EXPECT_EQ(run_python(dir, kInteropScript, path, output), 0) << output;
}

// --- crash safety ---------------------------------------------------------------------------

TEST(Recorder, KilledRunKeepsEveryFlushedStep) {
  ScratchDir dir;
  // 16 countries × 10 sectors: trade slabs of 20 KiB, so the compressed one-step chunks
  // are exercised as well as the shared uncompressed ones.
  TinyWorld w(16, 10);
  const std::string path = dir / "killed.h5";
  constexpr int kFlushEvery = 3, kLastFlushed = 8;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      Recorder rec(path, w.scenario, *w.world, test_provenance());
      for (int k = 0; k < 11; ++k) {
        rec.append(synthetic_step(k, w));
        if ((k + 1) % kFlushEvery == 0) rec.flush();
        if (k == 4) rec.write_snapshot(synthetic_snapshot(k, 1000));
      }
      // Steps 9 and 10 are appended but never flushed.
      raise(SIGKILL);
    } catch (...) {
    }
    _exit(3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer did not die by a signal, status " << status;
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  {
    H5File f(path);
    ASSERT_GE(f.id, 0) << "the killed run's file does not open";
    const auto steps = read_all<std::int32_t>(f.id, "/series/step", H5T_NATIVE_INT32);
    ASSERT_GE(steps.size(), static_cast<std::size_t>(kLastFlushed + 1));
    const std::size_t slab = 16 * 16 * 10;
    const auto trade = read_all<std::int64_t>(f.id, "/series/trade_value", H5T_NATIVE_INT64);
    const auto money = read_all<std::int64_t>(f.id, "/series/money", H5T_NATIVE_INT64);
    ASSERT_EQ(trade.size(), steps.size() * slab);
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const StepStatistics st = synthetic_step(static_cast<int>(k), w);
      EXPECT_EQ(steps[k], static_cast<int>(k));
      EXPECT_TRUE(
          std::equal(st.trade_value.begin(), st.trade_value.end(), trade.begin() + k * slab))
          << "step " << k;
      EXPECT_TRUE(std::equal(st.money.begin(), st.money.end(), money.begin() + k * 4)) << k;
    }
    EXPECT_EQ(read_all<std::int64_t>(f.id, "/snapshots/4/firms/cash", H5T_NATIVE_INT64),
              synthetic_snapshot(4, 1000).cash);
    EXPECT_EQ(H5Aexists(f.id, "status"), 0);
  }
  EXPECT_NE(describe_file(path).find("unfinished"), std::string::npos);

  std::string why;
  if (!python_ready(dir, why)) GTEST_SKIP() << "h5py check of the killed file skipped: " << why;
  std::string output;
  const std::string script =
      "import sys, h5py\n"
      "with h5py.File(sys.argv[1], 'r') as f:\n"
      "    n = f['series/step'].shape[0]\n"
      "    assert n >= 9, n\n"
      "    v = f['series/trade_value'][:]\n"
      "    for k in range(n):\n"
      "        assert v[k, 15, 3, 9] == (k + 1) * 10**12 + 15 * 10000 + 3 * 100 + 9\n"
      "    assert 'status' not in f.attrs\n"
      "print('ok')\n";
  EXPECT_EQ(run_python(dir, script, path, output), 0) << output;
}

// --- path and file errors ---------------------------------------------------------------------

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const OutputError& e) {
    return e.what();
  }
  return "";
}

TEST(CheckWritable, ExplainsWhyAPathCannotBeWritten) {
  ScratchDir dir;
  const std::string missing = dir / "no_such_folder/out.h5";
  const std::string message = error_of([&] { check_writable(missing); });
  EXPECT_EQ(message.rfind(missing + ": cannot write the result file: ", 0), 0u) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;

  EXPECT_NE(error_of([&] { check_writable(dir.path()); }).find("is a folder"), std::string::npos);
  std::ofstream(dir / "plain.txt") << "text";
  EXPECT_NE(error_of([&] { check_writable(dir / "plain.txt/out.h5"); }).find("not a folder"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_writable(""); }), "");

  const std::string fine = dir / "fine.h5";
  EXPECT_EQ(error_of([&] { check_writable(fine); }), "");
  EXPECT_FALSE(fs::exists(fine)) << "check_writable created the file";

  // A Recorder refuses the same paths before touching anything.
  TinyWorld w(2, 2);
  EXPECT_THROW(Recorder(missing, w.scenario, *w.world, test_provenance()), OutputError);
}

TEST(CheckWritable, ReadOnlyFolder) {
  ScratchDir dir;
  const std::string folder = dir / "read_only";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  const std::string target = folder + "/out.h5";
  if (geteuid() != 0) {
    const std::string message = error_of([&] { check_writable(target); });
    EXPECT_NE(message.find("no permission"), std::string::npos) << message;
    return;
  }
  // Root may write anywhere, so the check would pass: ask as an unprivileged user instead.
  fs::permissions(dir.path(), fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(77);
    const std::string message = error_of([&] { check_writable(target); });
    _exit(message.find("no permission") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    GTEST_SKIP() << "running as root without the right to become another user: the read-only "
                    "folder case cannot be checked here";
  }
  EXPECT_EQ(WEXITSTATUS(status), 0) << "an unprivileged user was not refused a read-only folder";
}

TEST(DescribeFile, SummarisesAResultFile) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  const std::string path = dir / "run.h5";
  write_run(path, w, 5, 3);
  const std::string text = describe_file(path);
  for (const char* expected :
       {"0.1.0-test", "0123456789ab", "completed", "seed 18446744073709551557", "omp, 4 threads",
        "2 countries, 4 regions, 3 sectors", "5 recorded (steps 0 to 4)", "trade_value",
        "(5, 2, 2, 3)", "snapshots", "3 (5 firms)", "unemployment", "steps=12"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing '" << expected << "' in\n"
                                                      << text;
  }
  // Step 4: trade 12 flows of 5e12 micro-units plus position terms.
  EXPECT_NE(text.find("60000000.06"), std::string::npos) << text;
}

TEST(DescribeFile, RefusesOtherFiles) {
  ScratchDir dir;
  std::ofstream(dir / "notes.txt") << "not an HDF5 file\n";
  EXPECT_NE(error_of([&] { describe_file(dir / "notes.txt"); }).find("not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { describe_file(dir / "absent.h5"); }).find("no such file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { describe_file(dir.path()); }).find("folder"), std::string::npos);
}

}  // namespace
}  // namespace entrepot
