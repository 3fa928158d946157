// CO2 emissions (agents/carbon.h, docs/model.md §4.16): the rules on hand-worked numbers;
// each block's series is its output times its intensity, fixed at the set-up prices; the
// economy steps to the same bytes with and without them; and the section's errors.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "agents/carbon.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/load_fixtures.h"
#include "tests/same_bytes.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

using load_testing::error_of;
using load_testing::expect_error;
using load_testing::kTiny;
using load_testing::tiny_with;
using load_testing::where;

TEST(EmissionRulesTest, IntensityPerUnitIsPerDollarTimesFactorTimesPrice) {
  EXPECT_DOUBLE_EQ(unit_intensity(1.5, 2.0, 0.5), 1.5);
  EXPECT_EQ(unit_intensity(0.0, 3.0, 2.0), 0.0);
  // 2.5 units (micro-units) at 1.5 kg each: 3.75 kg, truncated in micro-kg.
  EXPECT_EQ(emitted(2'500'000, 1.5), 3'750'000);
  EXPECT_EQ(emitted(3, 0.5), 1);
  EXPECT_EQ(emitted(0, 7.0), 0);
}

Scenario emitting_world() {
  Scenario sc = testing::small_world();
  // ore and food emit, chips a little, phones and services nothing; Alpha twice the rest.
  sc.emissions.sector = {2.0, 0.3, 0.0, 0.5, 0.0};
  sc.emissions.country = {2.0, 1.0, 1.0};
  return sc;
}

TEST(EmissionsTest, EachBlockEmitsItsOutputTimesItsSetUpIntensity) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = emitting_world();
  World world(sc);
  Model model(sc, world);
  const int nr = model.tables.regions, ns = model.tables.sectors;
  const std::vector<double> at_setup = model.economy.block_price;
  ASSERT_EQ(model.tables.host.emission_intensity.size(), static_cast<std::size_t>(nr * ns));
  std::int64_t total = 0;
  for (int step = 1; step <= 14; ++step) {
    model.step(step);
    const StepStatistics& st = model.stats;
    ASSERT_EQ(st.emissions.size(), static_cast<std::size_t>(nr * ns));
    for (int r = 0; r < nr; ++r) {
      for (int s = 0; s < ns; ++s) {
        const std::size_t b = static_cast<std::size_t>(r * ns + s);
        const double factor = sc.emissions.country[sc.regions[r].country];
        const double intensity = sc.emissions.sector[s] * factor * at_setup[b];
        EXPECT_EQ(st.emissions[b], emitted(st.region_output[b], intensity))
            << "step " << step << ", region " << r << ", sector " << s;
        if (sc.emissions.sector[s] == 0.0) {
          EXPECT_EQ(st.emissions[b], 0);
        }
        total += st.emissions[b];
      }
    }
  }
  EXPECT_GT(total, 0);
  // Alpha's ore emits twice what the same output would in Beta.
  const std::vector<double>& e = model.tables.host.emission_intensity;
  EXPECT_DOUBLE_EQ(e[0 * ns + 0] / at_setup[0 * ns + 0],
                   2.0 * e[2 * ns + 0] / at_setup[2 * ns + 0]);
}

TEST(EmissionsTest, CountingEmissionsChangesNothingElse) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario with = emitting_world();
  const Scenario without = testing::small_world();
  World world_with(with), world_without(without);
  Model a(with, world_with), b(without, world_without);
  for (int step = 1; step <= 14; ++step) {
    a.step(step);
    b.step(step);
    StepStatistics sa = a.stats, sb = b.stats;
    EXPECT_TRUE(std::all_of(sb.emissions.begin(), sb.emissions.end(),
                            [](std::int64_t x) { return x == 0; }));
    sa.emissions = sb.emissions;
    const auto differ = testing::differing_statistics(sa, sb);
    EXPECT_TRUE(differ.empty()) << "step " << step << ": " << testing::joined(differ);
  }
}

TEST(EmissionsTest, TheBaselineEmitsAndTheSectionIsRead) {
  const Scenario sc = load_scenario(load_testing::kConfigs + "baseline.yaml");
  ASSERT_TRUE(sc.emissions.on());
  ASSERT_EQ(sc.emissions.sector.size(), sc.sectors.size());
  ASSERT_EQ(sc.emissions.country.size(), sc.countries.size());
  for (double e : sc.emissions.sector) EXPECT_GE(e, 0.0);
  const Scenario tiny =
      parse_scenario(kTiny + "emissions: {sectors: {ore: 1.2}, countries: {BBB: 0.5}}\n", "t.yaml");
  EXPECT_EQ(tiny.emissions.sector, (std::vector<double>{1.2, 0.0, 0.0}));
  EXPECT_EQ(tiny.emissions.country, (std::vector<double>{1.0, 0.5}));
  EXPECT_FALSE(parse_scenario(kTiny, "t.yaml").emissions.on());
}

TEST(EmissionsTest, BadSectionsAreRefusedWithWhereAndWhatIsAllowed) {
  const auto check = [](const std::string& section, const std::string& needle, std::size_t skip,
                        std::initializer_list<std::string> words) {
    const std::string text = kTiny + section;
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("emissions: {sectors: {steel: 1}}\n", "steel", 0, {"unknown sector 'steel'", "ore"});
  check("emissions: {sectors: {ore: -1}}\n", "{ore: -1", 6, {"emissions.sectors of ore", ">= 0"});
  check("emissions: {sectors: {ore: 1}, countries: {ZZZ: 1}}\n", "ZZZ", 0,
        {"unknown country 'ZZZ'", "AAA"});
  check("emissions: {sectors: {ore: 50}}\n", "50", 0, {"plausible", "allow_implausible"});
  check("emissions: {countries: {AAA: 2}}\n", "{AAA", 0, {"no sector emits"});
  check("emissions: {sectors: [ore]}\n", "{sectors: [ore]", 10,
        {"emissions.sectors", "a map of sector"});
  check("emissions: {tonnes: 3}\n", "tonnes", 0, {"unknown key 'tonnes'", "sectors", "countries"});
  // On purpose, an implausible intensity may be studied.
  EXPECT_NO_THROW(parse_scenario(
      kTiny + "emissions: {sectors: {ore: 50}}\nallow_implausible: [emissions]\n", "t.yaml"));
}

}  // namespace
}  // namespace entrepot
