// The run's health checks (app/health.h), on plain statistics, without stepping a model.
#include "app/health.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tests/load_fixtures.h"
#include "world/load.h"
#include "world/world.h"

namespace entrepot::load_testing {
namespace {

// A healthy step of kTiny's world: 2 regions, 3 sectors, 50 households per region.
StepStatistics healthy_step() {
  StepStatistics st;
  st.step = 5;
  st.cpi = {1.0, 1.1};
  st.price.assign(6, 1.0);
  st.unemployment = {5, 5};
  st.produced = 1000;
  return st;
}

struct HealthFixture : ::testing::Test {
  // Equal populations: 50 households in each region.
  Scenario scenario = parse_scenario(
      kTiny, "t.yaml", {"regions.B1.population=5", "health.unemployment_min_households=0"});
  World world{scenario};
};

TEST_F(HealthFixture, AHealthyStepRaisesNothing) {
  HealthCheck health(scenario, world, 1000);
  const HealthVerdict verdict = health.check(healthy_step());
  EXPECT_EQ(verdict.flags, 0);
  EXPECT_TRUE(verdict.warnings.empty());
  EXPECT_TRUE(verdict.failure.empty());
}

TEST_F(HealthFixture, WarningsFlagTheStepAndLimitsStopTheRun) {
  HealthCheck health(scenario, world, 1000);
  StepStatistics st = healthy_step();
  st.unemployment = {30, 5};  // AAA: 30 of 50 households, above the warning of 50%
  HealthVerdict v = health.check(st);
  EXPECT_EQ(v.flags, kHealthUnemployment);
  EXPECT_TRUE(v.failure.empty());
  st.unemployment = {40, 5};  // 80%: past the limit of 70%
  v = health.check(st);
  EXPECT_EQ(v.flags, kHealthUnemployment);
  EXPECT_NE(v.failure.find("country AAA: unemployment is 80.0%"), std::string::npos) << v.failure;
  EXPECT_NE(v.failure.find("health.unemployment_limit"), std::string::npos);

  st = healthy_step();
  st.cpi[1] = 20.0;  // warning: beyond x10
  v = health.check(st);
  EXPECT_EQ(v.flags, kHealthPriceLevel);
  EXPECT_TRUE(v.failure.empty());
  st.cpi[1] = 0.005;  // limit: below 1/100
  EXPECT_NE(health.check(st).failure.find("region B1"), std::string::npos);

  st = healthy_step();
  st.produced = 200;  // 20% of step 1's: a warning
  v = health.check(st);
  EXPECT_EQ(v.flags, kHealthOutput);
  EXPECT_TRUE(v.failure.empty());
  st.produced = 50;
  EXPECT_NE(health.check(st).failure.find("world output is 5.0% of step 1's"), std::string::npos);
}

TEST_F(HealthFixture, BrokenPricesAlwaysStop) {
  HealthCheck health(scenario, world, 1000);
  StepStatistics st = healthy_step();
  st.cpi[0] = 0.0;
  HealthVerdict v = health.check(st);
  EXPECT_EQ(v.flags & kHealthBrokenPrice, kHealthBrokenPrice);
  EXPECT_NE(v.failure.find("region A1: the consumer price level is 0"), std::string::npos);
  st = healthy_step();
  st.price[4] = std::numeric_limits<double>::quiet_NaN();
  v = health.check(st);
  EXPECT_NE(v.failure.find("sector goods: the producer price is not finite"), std::string::npos);
}

TEST_F(HealthFixture, LimitsCanBeSwitchedOffAndSmallCountriesLeftOut) {
  Scenario lax = parse_scenario(kTiny, "t.yaml",
                                {"health.unemployment_limit=1", "health.unemployment_warning=1",
                                 "health.output_limit=0", "health.output_warning=0"});
  World lax_world(lax);
  HealthCheck health(lax, lax_world, 1000);
  StepStatistics st = healthy_step();
  st.unemployment = {50, 50};
  st.produced = 1;
  EXPECT_EQ(health.check(st).flags, 0);
  // The default leaves out countries of fewer than 1000 households: kTiny has 50 each.
  Scenario plain = parse_scenario(kTiny, "t.yaml");
  World plain_world(plain);
  HealthCheck small(plain, plain_world, 1000);
  st = healthy_step();
  st.unemployment = {50, 50};
  EXPECT_EQ(small.check(st).flags, 0);
}

TEST_F(HealthFixture, TheFirstStepSetsTheOutputReference) {
  HealthCheck health(scenario, world, 0);
  StepStatistics st = healthy_step();
  st.produced = 400;
  EXPECT_EQ(health.check(st).flags, 0);  // step 1's output becomes the reference
  st.produced = 30;
  EXPECT_FALSE(health.check(st).failure.empty());
}

}  // namespace
}  // namespace entrepot::load_testing
