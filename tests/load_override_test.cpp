// Scenario loading: --set overrides and scenarios built on a base file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/load.h"

namespace entrepot::load_testing {
namespace {

// ---- --set overrides ----

TEST(LoadOverrides, ChangeValuesAndKeepProvenance) {
  const std::vector<std::string> sets{"steps=36", "seed=9", "output.path=/tmp/x.h5",
                                      "output.snapshots=[13, 14]", "name=other"};
  const Scenario s = parse_scenario(kTiny, "t.yaml", sets);
  EXPECT_EQ(s.steps, 36);
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.name, "other");
  EXPECT_EQ(s.output.path, "/tmp/x.h5");
  EXPECT_EQ(s.output.snapshots, (std::vector<int>{13, 14, 36}));
  EXPECT_EQ(s.overrides, sets);
  EXPECT_EQ(s.text, kTiny);
}

TEST(LoadOverrides, AddKeysTheFileLeavesOut) {
  const Scenario s = parse_scenario(
      kTiny, "t.yaml",
      {"behaviour.candidates=5", "behaviour.search_probability=0.2", "agents.firms=600",
       "recipe.care.goods=0.1", "recipe.ore.care=0.05", "regions.B1.flags=[port]"});
  EXPECT_EQ(s.behaviour.candidates, 5);
  EXPECT_DOUBLE_EQ(s.behaviour.search_probability, 0.2);
  EXPECT_EQ(s.firms, 600);
  EXPECT_EQ(s.recipe.size(), 3u);
  EXPECT_TRUE(s.regions[1].port);
}

TEST(LoadOverrides, AddressListItemsByNameOrIndex) {
  const Scenario s = parse_scenario(
      kTiny, "t.yaml",
      {"regions.A1.productivity=2.1", "sectors.goods.markup=0.3", "countries.BBB.name=Bbland",
       "blocs.Pact.tariff_factor=0", "events.0.rate=0.4", "tariffs.mfn.0.rate=0.07"});
  EXPECT_DOUBLE_EQ(s.regions[0].productivity, 2.1);
  EXPECT_DOUBLE_EQ(s.sectors[1].markup, 0.3);
  EXPECT_EQ(s.countries[1].name, "Bbland");
  EXPECT_DOUBLE_EQ(s.blocs[0].tariff_factor, 0.0);
  EXPECT_DOUBLE_EQ(s.events[0].rate, 0.4);
  EXPECT_DOUBLE_EQ(s.mfn[0].rate, 0.07);
}

TEST(LoadOverrides, ReplaceAWholeItem) {
  const Scenario s =
      parse_scenario(kTiny, "t.yaml",
                     {"regions.B1={name: B2, country: BBB, lat: 1, lon: 2, population: 3, gdp: 4, "
                      "productivity: 5}"});
  ASSERT_EQ(s.regions.size(), 2u);
  EXPECT_EQ(s.regions[1].name, "B2");
  EXPECT_DOUBLE_EQ(s.regions[1].productivity, 5.0);
  EXPECT_FALSE(s.regions[1].port);
}

TEST(LoadOverrides, ValidatedLikeTheFile) {
  expect_error(error_of(kTiny, {"steps=-1"}), "--set steps=-1: ", {"steps is -1", ">= 1"});
  expect_error(error_of(kTiny, {"regions.A1.lat=abc"}),
               "--set regions.A1.lat=abc: ", {"lat is 'abc'"});
  expect_error(error_of(kTiny, {"output.snapshots=[30]"}),
               "--set output.snapshots=[30]: ", {"falls outside the run"});
  expect_error(error_of(kTiny, {"recipe.ore.good=0.1"}),
               "--set recipe.ore.good=0.1: ", {"unknown sector 'good'; did you mean 'goods'?"});
  // The later of two overrides of the same key is the one blamed.
  expect_error(error_of(kTiny, {"steps=0", "steps=-2"}), "--set steps=-2: ", {"steps is -2"});
  // An override that breaks a rule checked on the file still reports the file's position.
  expect_error(error_of(kTiny, {"steps=12"}), where(kTiny, "step: 12", 6),
               {"falls outside the run"});
}

TEST(LoadOverrides, UnknownPaths) {
  expect_error(error_of(kTiny, {"steps2=3"}), "--set steps2=3: ",
               {"unknown key 'steps2'; did you mean 'steps'? allowed: name, seed, steps"});
  expect_error(error_of(kTiny, {"behaviour.serch_probability=0.2"}),
               "--set behaviour.serch_probability=0.2: ",
               {"unknown key 'serch_probability' in behaviour; did you mean "
                "'search_probability'?"});
  expect_error(error_of(kTiny, {"regions.A2.lat=1"}),
               "--set regions.A2.lat=1: ", {"unknown region 'A2'; did you mean 'A1'?"});
  expect_error(error_of(kTiny, {"events.3.rate=1"}),
               "--set events.3.rate=1: ", {"unknown event '3'", "allowed: 0"});
  expect_error(error_of(kTiny, {"steps.x=1"}), "--set steps.x=1: ", {"single value"});
  expect_error(error_of(kTiny, {"steps"}), "--set steps: ", {"expected path=value"});
  expect_error(error_of(kTiny, {"base=other.yaml"}),
               "--set base=other.yaml: ", {"unknown key 'base'"});
  expect_error(error_of(kTiny, {"output.snapshots=[1, 2"}),
               "--set output.snapshots=[1, 2: ", {"not valid YAML"});
}

// ---- base files ----

class LoadBase : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("entrepot_load_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string error_loading(const std::string& path) {
    try {
      load_scenario(path);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

TEST_F(LoadBase, MergesMapsAndNamedItems) {
  write("world.yaml", kTiny);
  const std::string top = write("policy.yaml",
                                "base: world.yaml\n"
                                "name: policy\n"
                                "regions:\n"
                                "  - {name: A1, productivity: 3}\n"
                                "  - {name: C1, country: AAA, lat: 0, lon: 0, population: 1,\n"
                                "     gdp: 1, productivity: 1}\n"
                                "output: {path: policy.h5}\n"
                                "events:\n"
                                "  - {step: 20, type: tariff, rate: 0.3}\n");
  const Scenario s = load_scenario(top);
  EXPECT_EQ(s.name, "policy");
  ASSERT_EQ(s.regions.size(), 3u);
  EXPECT_DOUBLE_EQ(s.regions[0].productivity, 3.0);
  EXPECT_DOUBLE_EQ(s.regions[0].lat, 10.0);  // the rest of A1 from the base
  EXPECT_EQ(s.regions[2].name, "C1");
  EXPECT_EQ(s.output.path, "policy.h5");
  EXPECT_EQ(s.output.snapshots, (std::vector<int>{12, 24}));
  ASSERT_EQ(s.events.size(), 2u);  // the base's event, then this file's
  EXPECT_NE(s.events[0].where.file.find("world.yaml"), std::string::npos);
  EXPECT_NE(s.events[1].where.file.find("policy.yaml"), std::string::npos);
}

TEST_F(LoadBase, ErrorsPointIntoTheFileThatWroteThem) {
  const std::string base = write("world.yaml", tiny_with("lat: 10", "lat: 100"));
  const std::string top = write("policy.yaml", "base: world.yaml\nsteps: 0\n");
  expect_error(error_loading(top), top + ":2:8: ", {"steps is 0"});
  const std::string fine_top = write("fine.yaml", "base: world.yaml\n");
  const std::string base_text = tiny_with("lat: 10", "lat: 100");
  const std::string expected = where(base_text, "lat: 100", 5);
  expect_error(error_loading(fine_top), base + expected.substr(6), {"lat is 100"});
}

TEST_F(LoadBase, MissingAndCircularBases) {
  const std::string top = write("policy.yaml", "name: p\nbase: nowhere.yaml\n");
  expect_error(error_loading(top), top + ":2:7: ", {"cannot read base file"});
  const std::string a = write("a.yaml", "base: b.yaml\n");
  write("b.yaml", "base: a.yaml\n");
  expect_error(error_loading(a), (dir_ / "b.yaml").string() + ":1:7: ", {"builds on itself"});
}

}  // namespace
}  // namespace entrepot::load_testing
