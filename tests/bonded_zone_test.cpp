// Bonded zones: imports into a zone pay no duty there; goods that leave the zone for the
// domestic market pay the duty on their imported content; goods that stay in the zone or
// are re-exported pay none of it. Read from the region-level flows of small-world runs.
#include <gtest/gtest.h>

#include <vector>

#include "agents/trade.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

// The small world's regions (Alpha's port and inland, Beta, Gamma) and sectors: chips are
// bought by firms only, phones by households too.
constexpr int kPort = 0, kInland = 1, kBeta = 2, kGamma = 3;
constexpr int kChips = 1, kPhones = 2;

// Value and duty of every (origin region, destination region, sector) cell, summed over
// steps [first, last].
struct RegionTrade {
  std::vector<double> value, duty;
  int regions = 0, sectors = 0;
  std::size_t at(int origin, int dest, int sector) const {
    return (static_cast<std::size_t>(origin) * regions + dest) * sectors + sector;
  }
  double value_of(int o, int d, int s) const { return value[at(o, d, s)]; }
  double duty_of(int o, int d, int s) const { return duty[at(o, d, s)]; }
};

RegionTrade region_trade(const Scenario& sc, int first, int last) {
  World world(sc);
  Model model(sc, world);
  RegionTrade out;
  out.regions = world.regions();
  out.sectors = world.sectors();
  const std::size_t cells = static_cast<std::size_t>(out.regions) * out.regions * out.sectors;
  out.value.assign(cells, 0.0);
  out.duty.assign(cells, 0.0);
  for (int step = 1; step <= last; ++step) {
    model.step(step);
    if (step < first) continue;
    const std::vector<std::int64_t> flows = to_host(model.scratch.trade.flows);
    for (std::size_t c = 0; c < cells; ++c) {
      out.value[c] += static_cast<double>(flows[c * kFlows + kFlowValue]);
      out.duty[c] += static_cast<double>(flows[c * kFlows + kFlowDuty]);
    }
  }
  return out;
}

// The small world with a bonded zone holding `share` of Alpha-Port's firms.
Scenario port_zone(double share) {
  Scenario sc = testing::small_world(8000, 800);
  sc.regions[kPort].bonded_zone = true;
  sc.regions[kPort].zone_share = share;
  return sc;
}

TEST(BondedZones, FirmsAreInsideBelowTheZonesShare) {
  EXPECT_TRUE(in_bonded_zone(0.2, 0.25));
  EXPECT_FALSE(in_bonded_zone(0.25, 0.25));
  EXPECT_FALSE(in_bonded_zone(0.0, 0.0));  // no zone
  EXPECT_TRUE(in_bonded_zone(0.999, 1.0));
  // Into a zone from abroad: nothing; out of it at home: the imported content's duty;
  // imports elsewhere: the import duty; re-exports: the importer's duty only.
  EXPECT_EQ(bonded_duty_rate(true, true, 0.05, 0.0f), 0.0);
  EXPECT_EQ(bonded_duty_rate(false, false, 0.0, 0.02), 0.02);
  EXPECT_EQ(bonded_duty_rate(false, true, 0.0, 0.02), 0.0);
  EXPECT_EQ(bonded_duty_rate(true, false, 0.05, 0.02), 0.05);
}

TEST(BondedZones, DutyIsDeferredInTheZoneAndChargedOnLeavingIt) {
  ENTREPOT_REQUIRE_DEVICE();
  const RegionTrade none = region_trade(port_zone(0.0), 6, 15);
  const RegionTrade zone = region_trade(port_zone(1.0), 6, 15);
  // Without a zone, chips from Gamma pay the 5% MFN duty at the port and inland alike, and
  // chips sold at home pay none.
  ASSERT_GT(none.value_of(kGamma, kPort, kChips), 0.0);
  EXPECT_GT(none.duty_of(kGamma, kPort, kChips), 0.04 * none.value_of(kGamma, kPort, kChips));
  EXPECT_EQ(none.duty_of(kPort, kInland, kChips), 0.0);
  // With the port a zone: its firms' imports pay nothing, the inland firms' still pay.
  ASSERT_GT(zone.value_of(kGamma, kPort, kChips), 0.0);
  EXPECT_EQ(zone.duty_of(kGamma, kPort, kChips), 0.0);
  EXPECT_GT(zone.duty_of(kGamma, kInland, kChips), 0.04 * zone.value_of(kGamma, kInland, kChips));
  // Chips leaving the zone for inland firms pay the duty on their imported content: more
  // than nothing, less than the duty on the whole chip.
  const double out = zone.value_of(kPort, kInland, kChips);
  ASSERT_GT(out, 0.0);
  EXPECT_GT(zone.duty_of(kPort, kInland, kChips), 0.0);
  EXPECT_LT(zone.duty_of(kPort, kInland, kChips), 0.05 * out);
  // Chips bought by the zone's own firms stay inside: no duty. Phones the port's households
  // buy have left it: duty.
  ASSERT_GT(zone.value_of(kPort, kPort, kChips), 0.0);
  EXPECT_EQ(zone.duty_of(kPort, kPort, kChips), 0.0);
  EXPECT_GT(zone.duty_of(kPort, kPort, kPhones), 0.0);
  // Re-exports pay only the importer's tariff: Gamma's 5% MFN rate (up to truncation), and
  // nothing in Beta, which shares a free-trade bloc with Alpha.
  const double to_gamma = zone.value_of(kPort, kGamma, kChips);
  ASSERT_GT(to_gamma, 0.0);
  EXPECT_GT(zone.duty_of(kPort, kGamma, kChips), 0.0499 * to_gamma);
  EXPECT_LE(zone.duty_of(kPort, kGamma, kChips), 0.05 * to_gamma);
  ASSERT_GT(zone.value_of(kPort, kBeta, kChips), 0.0);
  EXPECT_EQ(zone.duty_of(kPort, kBeta, kChips), 0.0);
}

TEST(BondedZones, AnEventWidensTheZoneFromItsStepOn) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = port_zone(0.0);
  sc.burn_in = 5;
  Event widen;
  widen.step = 8;
  widen.kind = EventKind::bonded_zone;
  widen.region = kPort;
  widen.share = 1.0;
  sc.events = {widen};
  const RegionTrade before = region_trade(sc, 3, 7), after = region_trade(sc, 8, 14);
  EXPECT_GT(before.duty_of(kGamma, kPort, kChips), 0.0);
  ASSERT_GT(after.value_of(kGamma, kPort, kChips), 0.0);
  EXPECT_EQ(after.duty_of(kGamma, kPort, kChips), 0.0);
  EXPECT_GT(after.duty_of(kPort, kInland, kChips), 0.0);
}

}  // namespace
}  // namespace entrepot
