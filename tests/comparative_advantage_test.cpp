// Comparative advantage (world/layout.cpp, kernels/exporters.cpp, agents/exporting.h): the
// rules of selection into exporting on hand-worked cases, and in the generated world
// specialised countries that export what they specialise in, resources bought only from
// where they are, and exporters that are a block's most productive firms, fewer behind a
// tariff wall.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "agents/exporting.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "world/generated.h"
#include "world/layout.h"

namespace entrepot {
namespace {

constexpr int kLithium = 0, kElectronics = 5, kSectors = 10;
constexpr int kChina = 0, kUSA = 1, kVietnam = 4, kIndia = 6, kRow = 7;
constexpr int kVietnamRegion = 7;

TEST(ExportingRulesTest, ProductivityRisesWithTheFirmsPlaceInItsBlock) {
  const double shape = 4.5;
  for (std::int64_t n : {1, 7, 1000}) {
    double last = 0.0;
    for (std::int64_t k = 0; k < n; ++k) {
      for (double u : {0.0, 0.5, 0.999}) {
        const double phi = block_productivity(k, n, u, shape);
        EXPECT_GE(phi, last) << "k " << k << " of " << n;
        EXPECT_LE(phi, 50.0);
        last = phi;
      }
    }
  }
  // The lowest quantile is the Pareto minimum, rescaled by the mean α/(α−1).
  EXPECT_DOUBLE_EQ(block_productivity(0, 10, 0.0, shape), (shape - 1.0) / shape);
}

TEST(ExportingRulesTest, MoreForeignSalesOrACheaperEntryMakeMoreExporters) {
  const double shape = 4.5, nu = 4.0, margin = 0.15 / 1.15;
  EXPECT_EQ(exporters_in_block(0, 1e6, margin, 1.0, shape, nu), 0);
  EXPECT_EQ(exporters_in_block(500, 1e6, margin, 0.0, shape, nu), 500) << "free entry: all";
  EXPECT_EQ(exporters_in_block(500, 0.0, margin, 1.0, shape, nu), 1) << "the best always";
  std::int64_t last = 0;
  for (double sales : {10.0, 100.0, 1000.0, 10000.0}) {
    const std::int64_t n = exporters_in_block(500, sales, margin, 1.0, shape, nu);
    EXPECT_GE(n, last) << "foreign sales " << sales;
    last = n;
  }
  EXPECT_GT(last, 1);
  EXPECT_LT(last, 500);
  EXPECT_LT(exporters_in_block(500, 1000.0, margin, 4.0, shape, nu),
            exporters_in_block(500, 1000.0, margin, 1.0, shape, nu));
  // The marginal exporter covers its cost; the next firm would not.
  const std::int64_t n = exporters_in_block(500, 1000.0, margin, 1.0, shape, nu);
  double weights = 0.0;
  for (std::int64_t k = 499; k >= 500 - n; --k) {
    weights += det_pow(block_productivity(k, 500, 0.5, shape), nu - 1.0);
  }
  const double marginal = det_pow(block_productivity(500 - n, 500, 0.5, shape), nu - 1.0);
  EXPECT_GE(margin * 1000.0 * marginal / weights, 1.0);
  const double next = det_pow(block_productivity(499 - n, 500, 0.5, shape), nu - 1.0);
  EXPECT_LT(margin * 1000.0 * next / (weights + next), 1.0);
}

Scenario generated() {
  Scenario sc = generated_world(20000, 11);
  sc.steps = 36;
  sc.burn_in = 12;
  return sc;
}

// The same world with `factor` times its households and firms.
Scenario enlarged(Scenario sc, std::int64_t factor) {
  sc.consumers *= factor;
  sc.firms *= factor;
  return sc;
}

// Vietnam four times the world's share in electronics, lithium only in China and the rest
// of the world.
Scenario specialised() {
  Scenario sc = generated();
  for (Country& c : sc.countries) c.specialisation.assign(kSectors, 1.0);
  sc.countries[kVietnam].specialisation[kElectronics] = 4.0;
  for (int c : {kUSA, 2, 3, kVietnam, 5, kIndia}) sc.countries[c].specialisation[kLithium] = 0.0;
  return sc;
}

TEST(SpecialisationTest, FirmsGoWhereTheCountryHasItsAdvantageAndNoneWithoutTheResource) {
  // Large enough that Vietnam's blocks are above their floor of firms (world/layout.h).
  const Scenario plain = enlarged(generated(), 20), sc = enlarged(specialised(), 20);
  const AgentLayout before = agent_layout(plain), after = agent_layout(sc);
  const int ns = kSectors;
  const auto share = [&](const AgentLayout& l, int region, int sector) {
    std::int64_t all = 0;
    for (int s = 0; s < ns; ++s) all += l.firms[static_cast<std::size_t>(region) * ns + s];
    return static_cast<double>(l.firms[static_cast<std::size_t>(region) * ns + sector]) /
           static_cast<double>(all);
  };
  EXPECT_GT(share(after, kVietnamRegion, kElectronics),
            2.5 * share(before, kVietnamRegion, kElectronics));
  // Lithium where the country has it (not in every region: a region's block of less than a
  // household's work has no firms), none where it does not.
  std::vector<std::int64_t> lithium(sc.countries.size(), 0);
  for (std::size_t r = 0; r < sc.regions.size(); ++r)
    lithium[sc.regions[r].country] += after.firms[r * ns + kLithium];
  for (std::size_t c = 0; c < sc.countries.size(); ++c) {
    if (static_cast<int>(c) == kChina || static_cast<int>(c) == kRow) {
      EXPECT_GT(lithium[c], 0) << sc.countries[c].code;
    } else {
      EXPECT_EQ(lithium[c], 0) << sc.countries[c].code << " has no lithium";
    }
  }
  // Each region keeps its share of firms (∝ its workforce), up to a firm per block of
  // rounding, and the total is kept.
  const std::vector<std::int64_t> now = after.firms_by_region(), then = before.firms_by_region();
  for (std::size_t r = 0; r < now.size(); ++r) EXPECT_NEAR(now[r], then[r], ns) << r;
  std::int64_t total = 0;
  for (std::int64_t n : now) total += n;
  EXPECT_EQ(total, sc.firms);
  // Households lean the way their country's output does.
  EXPECT_GT(household_budget(sc, kVietnamRegion)[kElectronics],
            household_budget(plain, kVietnamRegion)[kElectronics]);
}

TEST(SpecialisationTest, ASmallSectorGetsAFloorOfFirmsTakenFromTheLargeOnes) {
  // Shares 0.001 and 0.009 of 100 firms would be 0 (1 by the old rule) and 1; floors of 4
  // give both 4, the two large sectors share the 92 left ∝ 60:30, and a 0 stays 0.
  const std::vector<std::int64_t> n =
      apportion(100, {0.6, 0.3, 0.001, 0.009, 0.0}, {4, 4, 4, 4, 4});
  EXPECT_EQ(n, (std::vector<std::int64_t>{61, 31, 4, 4, 0}));
  // Floors that add up to more than there is: one each.
  EXPECT_EQ(apportion(6, {0.7, 0.1, 0.1, 0.1}, {4, 4, 4, 4}),
            (std::vector<std::int64_t>{3, 1, 1, 1}));
  // Without floors, each positive weight still gets one.
  EXPECT_EQ(apportion(10, {0.999, 0.001}), (std::vector<std::int64_t>{9, 1}));
}

TEST(SpecialisationTest, ABlockTooSmallForTheWorldHasNoFirmsAndTheOthersTheirFloor) {
  Scenario sc = specialised();
  sc.consumers = 20000;
  sc.firms = 2000;
  const AgentLayout layout = agent_layout(sc);
  const std::vector<double> share = block_shares(sc);
  const std::vector<std::int64_t> by_region = layout.firms_by_region();
  const std::size_t ns = sc.sectors.size();
  std::vector<std::int64_t> made(ns, 0);
  int dropped = 0;
  for (std::size_t b = 0; b < share.size(); ++b) {
    const double work = share[b] * static_cast<double>(layout.households[b / ns]);
    made[b % ns] += layout.firms[b];
    if (share[b] <= 0.0) {
      EXPECT_EQ(layout.firms[b], 0) << b;
    } else if (work >= kMinBlockFirms * kMinFirmWork) {
      EXPECT_GE(layout.firms[b], kMinBlockFirms) << b;
    } else if (work >= kMinBlockWork) {
      EXPECT_GE(layout.firms[b], static_cast<std::int64_t>(work / kMinFirmWork)) << b;
      EXPECT_GE(layout.firms[b], 1) << b;
    } else {
      dropped += layout.firms[b] == 0 ? 1 : 0;
    }
  }
  // Lithium (a share of a few households in China and the rest of the world only) loses
  // blocks at this size, and is still made somewhere; every sector is.
  EXPECT_GT(dropped, 0);
  for (std::size_t s = 0; s < ns; ++s) EXPECT_GT(made[s], 0) << s;
  std::int64_t total = 0;
  for (std::int64_t n : by_region) total += n;
  EXPECT_EQ(total, sc.firms);
}

struct Trace {
  std::vector<StepStatistics> steps;
  std::vector<std::int64_t> export_first;
};

Trace run(const Scenario& sc, int steps) {
  World world(sc);
  Model model(sc, world);
  Trace out;
  for (int step = 1; step <= steps; ++step) {
    model.step(step);
    out.steps.push_back(model.stats);
  }
  out.export_first = model.economy.export_first;
  return out;
}

// Exports of (country, sector) over the last year, US$.
double exports(const Trace& r, const Scenario& sc, int country, int sector) {
  const std::size_t nc = sc.countries.size(), ns = sc.sectors.size();
  double total = 0.0;
  for (std::size_t k = r.steps.size() - 12; k < r.steps.size(); ++k) {
    for (std::size_t importer = 0; importer < nc; ++importer) {
      if (static_cast<int>(importer) == country) continue;
      total += static_cast<double>(
          r.steps[k].trade_value[(static_cast<std::size_t>(country) * nc + importer) * ns +
                                 static_cast<std::size_t>(sector)]);
    }
  }
  return total;
}

TEST(SpecialisationTest, ACountryExportsWhatItSpecialisesInAndResourcesComeFromWhereTheyAre) {
  ENTREPOT_REQUIRE_DEVICE();
  // Twice the agents of the other tests: at 20,000, Vietnam's electronics is a few firms
  // held at their floor (world/layout.h) in both worlds, which blurs the comparison.
  const Scenario plain = enlarged(generated(), 2), sc = enlarged(specialised(), 2);
  const Trace control = run(plain, 24), special = run(sc, 24);
  const double share_before = exports(control, plain, kVietnam, kElectronics) /
                              exports(control, plain, kChina, kElectronics);
  const double share_after =
      exports(special, sc, kVietnam, kElectronics) / exports(special, sc, kChina, kElectronics);
  std::cout << "Vietnam's electronics exports over China's: " << share_before << " in the "
            << "world's mix, " << share_after << " specialised\n";
  EXPECT_GT(share_after, 2.0 * share_before);
  // Nobody sells lithium abroad but China and the rest of the world.
  for (int c = 0; c < static_cast<int>(sc.countries.size()); ++c) {
    if (c == kChina || c == kRow) continue;
    EXPECT_EQ(exports(special, sc, c, kLithium), 0.0) << sc.countries[c].code;
  }
  EXPECT_GT(exports(special, sc, kChina, kLithium) + exports(special, sc, kRow, kLithium), 0.0);
}

// Until the first yearly choice every firm that sells abroad is one of its block's exporters,
// and not every firm is one; with no export cost every firm exports.
TEST(ExportersTest, OnlyExportersSellAbroadAndNotEveryFirmDoes) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = generated();
  World world(sc);
  Model model(sc, world);
  for (int step = 1; step <= 11; ++step) {
    model.step(step);
    const std::vector<std::int64_t> exports = to_host(model.economy.firms.export_value);
    const std::vector<std::int32_t> block = to_host(model.economy.firms.block);
    for (std::size_t j = 0; j < exports.size(); ++j) {
      if (exports[j] > 0) {
        ASSERT_GE(static_cast<std::int64_t>(j), model.economy.export_first[block[j]])
            << "firm " << j << " sells abroad at step " << step;
      }
    }
  }
  std::int64_t exporters = 0;
  for (std::int64_t n : model.stats.exporters) exporters += n;
  const std::int64_t firms = model.tables.host.block_start.back();
  std::cout << "exporters: " << exporters << " of " << firms << " firms\n";
  EXPECT_GT(exporters, 0);
  EXPECT_LT(exporters, firms * 3 / 4);

  Scenario free = generated();
  free.behaviour.export_cost = 0.0;
  World free_world(free);
  Model free_model(free, free_world);
  free_model.step(1);
  exporters = 0;
  for (std::int64_t n : free_model.stats.exporters) exporters += n;
  EXPECT_EQ(exporters, firms);
}

// A 60% US tariff on everything Chinese from step 13: at the next yearly choice fewer Chinese
// firms serve abroad than in the control run (the extensive margin of trade).
TEST(ExportersTest, ATariffWallLeavesFewerExporters) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario tariffs = generated();
  Event wall;
  wall.step = 13;
  wall.kind = EventKind::tariff;
  wall.importer = kUSA;
  wall.exporter = kChina;
  for (int s = 0; s < kSectors; ++s) wall.sectors.push_back(s);
  wall.rate = 0.6;
  tariffs.events = {wall};
  const Trace control = run(generated(), 25), walled = run(tariffs, 25);
  const auto chinese = [](const Trace& r) {
    std::int64_t n = 0;
    for (int region = 0; region < 3; ++region) {
      for (int s = 0; s < kSectors; ++s) n += r.steps.back().exporters[region * kSectors + s];
    }
    return n;
  };
  std::cout << "Chinese exporters after a year of tariffs: " << chinese(walled) << ", control "
            << chinese(control) << "\n";
  EXPECT_LT(chinese(walled), chinese(control));
  EXPECT_EQ(control.steps[11].exporters, walled.steps[11].exporters) << "the same until then";
}

}  // namespace
}  // namespace entrepot
