// The result file as other tools and a crash see it: xarray/h5py, and a killed writer.
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
#include "tests/recorder_fixtures.h"

namespace entrepot {
namespace {

using namespace recorder_testing;

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
assert dict(ds.sizes) == {"step": steps, "holder": 7, "country": nc, "exporter": nc,
                          "importer": nc, "region": nr, "origin": nr, "destination": nr,
                          "hub": 0, "sector": ns, "buyer_sector": ns,
                          "carbon_market": 0, "venue": 0}, dict(ds.sizes)
assert list(ds.step.values) == list(range(steps)), ds.step.values
assert list(ds.holder.values) == ["firms", "consumers", "governments", "owners", "banks",
                                  "loans", "foreign"]
assert ds.loans.dims == ("step", "country") and list(ds.country.values) == ["AAX", "BAX"]
assert list(ds.exporter.values) == ["AAX", "BAX"] and list(ds.importer.values) == ["AAX", "BAX"]
assert list(ds.region.values) == ["AAX-North", "AAX-South", "BAX-North", "BAX-South"]
assert list(ds.sector.values) == ["sector0", "sector1", "sector2"]
assert ds.trade_value.dims == ("step", "exporter", "importer", "sector")
assert ds.price.dims == ("step", "region", "sector")
assert ds.input_use.dims == ("step", "origin", "sector", "destination", "buyer_sector")
assert list(ds.buyer_sector.values) == list(ds.sector.values)
assert ds.produced.dims == ("step",)
assert ds.trade_value.dtype == np.int64 and ds.wage.dtype == np.float64
assert ds.trade_value.attrs["scale"] == 1000000 and ds.trade_quantity.attrs["scale"] == 1000000
assert ds.money.attrs["units"] == "1e-6 national currency", ds.money.attrs
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
    assert int(ds.write_offs.sel(step=k, country="BAX")) == (k + 1) * 2000 + 1
    assert float(ds.exchange_rate.sel(step=k, country="BAX")) == 1.0 + 0.01 * k - 0.005
# Region pairs: origin x destination x sector, each side grouped by country.
rt = ds.region_trade_value
assert rt.dims == ("step", "origin", "destination", "sector"), rt.dims
assert list(ds.origin.values) == list(ds.region.values) == list(ds.destination.values)
assert int(rt.sel(step=2, origin="BAX-North", destination="AAX-South", sector="sector1")) == \
    3 * 10**9 + 2 * 10000 + 1 * 100 + 1
pairs = rt.groupby("origin_country_code").sum().groupby("destination_country_code").sum()
assert int(pairs.sel(step=0, origin_country_code="BAX", destination_country_code="AAX",
                     sector="sector0")) == 4 * 10**9 + (2 + 3) * 2 * 10000 + (0 + 1) * 2 * 100
# Regions group by country through the auxiliary coordinate.
gdp = ds.value_added.groupby("region_country_code").sum()
assert list(gdp.region_country_code.values) == ["AAX", "BAX"]
assert int(gdp.sel(step=0, region_country_code="BAX")) == 2 * 10**9 + 2 + 3
money = ds.money / ds.money.attrs["scale"]
assert abs(float(money.sel(step=0, holder="firms")) - 1.0) < 1e-12
ds.close()

world = xr.open_dataset(path, group="world", engine="h5netcdf")
assert world.distance_km.dims == ("origin", "destination")
assert world.base_tariff.dims == ("exporter", "importer", "sector")
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
  // scripts/setup installs Debian's h5py, xarray and h5netcdf: their absence is a failure.
  ASSERT_TRUE(python_ready(dir, why)) << "interoperability not checked: " << why;
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
      EXPECT_TRUE(
          std::equal(st.money.begin(), st.money.end(), money.begin() + k * money_holders().size()))
          << k;
    }
    EXPECT_EQ(read_all<std::int64_t>(f.id, "/snapshots/4/firms/cash", H5T_NATIVE_INT64),
              synthetic_snapshot(4, 1000).cash);
    EXPECT_EQ(H5Aexists(f.id, "status"), 0);
  }
  EXPECT_NE(describe_file(path).find("unfinished"), std::string::npos);

  std::string why;
  ASSERT_TRUE(python_ready(dir, why)) << "h5py check of the killed file impossible: " << why;
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

}  // namespace
}  // namespace entrepot
