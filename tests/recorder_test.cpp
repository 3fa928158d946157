// The HDF5 recorder: layout, validation, check_writable and describe_file.
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

#include "tests/recorder_fixtures.h"

namespace entrepot {
namespace {

using namespace recorder_testing;

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
  EXPECT_EQ(strings_of(f.id, "/series/country"), w.world->country_code);
  EXPECT_EQ(strings_of(f.id, "/series/exporter"), w.world->country_code);
  EXPECT_EQ(strings_of(f.id, "/series/importer"), w.world->country_code);
  for (const char* side : {"region", "origin", "destination"}) {
    EXPECT_EQ(strings_of(f.id, std::string("/series/") + side), w.world->region_name) << side;
    EXPECT_EQ(strings_of(f.id, std::string("/series/") + side + "_country_code"),
              (std::vector<std::string>{"AAX", "AAX", "BAX", "BAX"}))
        << side;
  }
  const std::vector<std::pair<std::string, std::vector<hsize_t>>> shapes{
      {"money", {5, 7}},
      {"exchange_rate", {5, 2}},
      {"reserves", {5, 2}},
      {"foreign_held", {5, 2}},
      {"loans", {5, 2}},
      {"lending", {5, 2}},
      {"interest", {5, 2}},
      {"write_offs", {5, 2}},
      {"bank_equity", {5, 2}},
      {"trade_value", {5, 2, 2, 3}},
      {"trade_duty", {5, 2, 2, 3}},
      {"trade_quantity", {5, 2, 2, 3}},
      {"trade_value_final", {5, 2, 2, 3}},
      {"region_trade_value", {5, 4, 4, 3}},
      {"region_trade_duty", {5, 4, 4, 3}},
      {"region_trade_value_final", {5, 4, 4, 3}},
      {"input_use", {5, 4, 3, 4, 3}},
      {"handled_trade_value", {5, 0, 4, 4, 3}},  // no traders, so no hub is followed
      {"offshore_trade_value", {5, 0, 4, 4, 3}},
      {"tariff", {5, 2, 2, 3}},
      {"tariff_outside", {5, 2, 2, 3}},
      {"region_exports", {5, 4, 3}},
      {"output", {5, 4, 3}},
      {"sector_value_added", {5, 4, 3}},
      {"emissions", {5, 4, 3}},
      {"exporters", {5, 4, 3}},
      {"value_added", {5, 4}},
      {"consumption", {5, 4}},
      {"retail_sales", {5, 4}},
      {"retail_margin", {5, 4}},
      {"trader_sales", {5, 4}},
      {"trader_margin", {5, 4}},
      {"trader_exports", {5, 4}},
      {"reexports", {5, 4}},
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
      {"firm_exits", {5}},
      {"stockist_exits", {5}}};
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
  for (const char* money :
       {"/series/trade_value_final", "/series/region_exports", "/series/region_trade_value",
        "/series/region_trade_duty", "/series/region_trade_value_final"}) {
    EXPECT_EQ(number_attr<std::int64_t>(f.id, money, "scale", H5T_NATIVE_INT64), kMoneyScale)
        << money;
  }
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "/series/inventory", "scale", H5T_NATIVE_INT64),
            kGoodsScale);
  for (const char* plain : {"/series/employment", "/series/wage", "/series/price"}) {
    EXPECT_EQ(H5Aexists_by_name(f.id, plain, "scale", H5P_DEFAULT), 0) << plain;
  }

  const auto trade = read_all<std::int64_t>(f.id, "/series/trade_value", H5T_NATIVE_INT64);
  const auto money = read_all<std::int64_t>(f.id, "/series/money", H5T_NATIVE_INT64);
  const auto price = read_all<double>(f.id, "/series/price", H5T_NATIVE_DOUBLE);
  const auto produced = read_all<std::int64_t>(f.id, "/series/produced", H5T_NATIVE_INT64);
  const auto final_use =
      read_all<std::int64_t>(f.id, "/series/trade_value_final", H5T_NATIVE_INT64);
  const auto exports = read_all<std::int64_t>(f.id, "/series/region_exports", H5T_NATIVE_INT64);
  const auto region_trade =
      read_all<std::int64_t>(f.id, "/series/region_trade_value", H5T_NATIVE_INT64);
  const auto region_duty =
      read_all<std::int64_t>(f.id, "/series/region_trade_duty", H5T_NATIVE_INT64);
  const auto region_final =
      read_all<std::int64_t>(f.id, "/series/region_trade_value_final", H5T_NATIVE_INT64);
  const auto output = read_all<std::int64_t>(f.id, "/series/output", H5T_NATIVE_INT64);
  const auto added = read_all<std::int64_t>(f.id, "/series/sector_value_added", H5T_NATIVE_INT64);
  const auto emitted = read_all<std::int64_t>(f.id, "/series/emissions", H5T_NATIVE_INT64);
  for (int k = 0; k < 5; ++k) {
    const StepStatistics st = synthetic_step(k, w);
    EXPECT_TRUE(
        std::equal(st.region_output.begin(), st.region_output.end(), output.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.sector_value_added.begin(), st.sector_value_added.end(),
                           added.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.emissions.begin(), st.emissions.end(), emitted.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.trade_value_final.begin(), st.trade_value_final.end(),
                           final_use.begin() + k * 12))
        << k;
    EXPECT_TRUE(
        std::equal(st.region_exports.begin(), st.region_exports.end(), exports.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.trade_value.begin(), st.trade_value.end(), trade.begin() + k * 12))
        << k;
    EXPECT_TRUE(std::equal(st.region_trade_value.begin(), st.region_trade_value.end(),
                           region_trade.begin() + k * 48))
        << k;
    EXPECT_TRUE(std::equal(st.region_trade_duty.begin(), st.region_trade_duty.end(),
                           region_duty.begin() + k * 48))
        << k;
    EXPECT_TRUE(std::equal(st.region_trade_value_final.begin(), st.region_trade_value_final.end(),
                           region_final.begin() + k * 48))
        << k;
    EXPECT_TRUE(
        std::equal(st.money.begin(), st.money.end(), money.begin() + k * money_holders().size()))
        << k;
    EXPECT_TRUE(std::equal(st.price.begin(), st.price.end(), price.begin() + k * 12)) << k;
    EXPECT_EQ(produced[k], st.produced);
  }
  // [step][exporter][importer][sector], [step][origin][destination][sector]
  EXPECT_EQ(trade[((3 * 2 + 1) * 2 + 0) * 3 + 2], trade_value_of(3, 1, 0, 2));
  EXPECT_EQ(region_trade[((3 * 4 + 2) * 4 + 1) * 3 + 2], region_trade_value_of(3, 2, 1, 2));
  // Readers group both sides of a region pair by country through auxiliary coordinates.
  {
    const hid_t d = H5Dopen2(f.id, "/series/region_trade_value", H5P_DEFAULT);
    EXPECT_EQ(string_attr(d, "coordinates"), "origin_country_code destination_country_code");
    H5Dclose(d);
  }

  // /snapshots/3/firms
  EXPECT_EQ(read_all<std::int32_t>(f.id, "/snapshots/3/firms/employees", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(read_all<std::int64_t>(f.id, "/snapshots/3/firms/cash", H5T_NATIVE_INT64),
            synthetic_snapshot(3, 5).cash);
  EXPECT_EQ(read_all<float>(f.id, "/snapshots/3/firms/productivity", H5T_NATIVE_FLOAT),
            synthetic_snapshot(3, 5).productivity);
  EXPECT_EQ(read_all<double>(f.id, "/snapshots/3/firms/price", H5T_NATIVE_DOUBLE),
            synthetic_snapshot(3, 5).price);
  EXPECT_EQ(read_all<std::uint8_t>(f.id, "/snapshots/3/firms/entity_lists", H5T_NATIVE_UINT8),
            synthetic_snapshot(3, 5).entity_lists);
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

// The overload for a run over ranks, on one rank: the same file as the single-process calls.
TEST(Recorder, OneRankWritesTheWholeStoreThroughTheRankOverload) {
  ScratchDir dir;
  TinyWorld w(2, 2);
  const Comm comm = Comm::world();  // not started by mpirun: one rank, MPI not running
  ASSERT_FALSE(comm.distributed());
  EXPECT_EQ(comm.native_handle(), nullptr);
  const FirmSnapshot firms = synthetic_snapshot(1, 5);
  {
    Recorder rec(dir / "plain.h5", w.scenario, *w.world, test_provenance());
    rec.append(synthetic_step(1, w));
    rec.write_snapshot(firms);
    rec.close("completed");
  }
  {
    Recorder rec(dir / "ranks.h5", w.scenario, *w.world, test_provenance(), comm);
    rec.append(synthetic_step(1, w));
    EXPECT_THROW(rec.write_snapshot(firms, 1, 6), OutputError);  // one rank holds every firm
    EXPECT_THROW(rec.write_snapshot(firms, 0, 6), OutputError);
    rec.write_snapshot(firms, 0, 5);
    rec.close("completed");
  }
  H5File plain(dir / "plain.h5"), ranks(dir / "ranks.h5");
  ASSERT_GE(plain.id, 0);
  ASSERT_GE(ranks.id, 0);
  const std::string at = "/snapshots/1/firms/";
  EXPECT_EQ(read_all<std::int64_t>(ranks.id, at + "firm", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  for (const char* field : {"firm", "output", "sales_value", "export_value", "cash"}) {
    EXPECT_EQ(read_all<std::int64_t>(ranks.id, at + field, H5T_NATIVE_INT64),
              read_all<std::int64_t>(plain.id, at + field, H5T_NATIVE_INT64))
        << field;
  }
  EXPECT_EQ(read_all<double>(ranks.id, at + "price", H5T_NATIVE_DOUBLE), firms.price);
  EXPECT_EQ(read_all<std::int64_t>(ranks.id, "/series/money", H5T_NATIVE_INT64),
            read_all<std::int64_t>(plain.id, "/series/money", H5T_NATIVE_INT64));
  EXPECT_EQ(string_attr(ranks.id, "status"), "completed");
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
        "(5, 2, 2, 3)", "trade_value_final", "region_exports", "region_trade_value", "(5, 4, 4, 3)",
        "region_trade_value_final", "snapshots", "3 (5 firms)", "unemployment", "steps=12"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing '" << expected << "' in\n"
                                                      << text;
  }
  // The longest name still stands apart from its shape.
  EXPECT_NE(text.find("region_trade_value_final  (5, 4, 4, 3)"), std::string::npos) << text;
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
