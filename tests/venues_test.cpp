// Commodity exchanges (agents/venues.h, kernels/venues.cpp, docs/model.md §4.18): the rules on
// hand-worked and random numbers; goods and money through the venues, each book's sides
// matching; who may join; prices at two linked venues within the cost of moving goods
// between them, where segmented ones part; the same bytes on one and two threads and after
// a restart.
#include "agents/venues.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "kernels/venues.h"
#include "tests/device_required.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

VenueLeg leg(double ship_out, double ship_in, double rate, double duty, double fee, bool cross) {
  VenueLeg l;
  l.ship_out = ship_out;
  l.ship_in = ship_in;
  l.to_venue = rate;
  l.to_member = 1.0 / rate;
  l.duty = duty;
  l.fee = fee;
  l.cross = cross;
  return l;
}

TEST(VenueRulesTest, LimitsAndRouting) {
  // Stock that cost 2 a unit, shipped with τ 1.25 at 2 venue units per own unit, 1% fee: the
  // ask takes at least 2·1.25·2/0.99 a unit at the venue.
  const VenueLeg l = leg(1.25, 1.25, 2.0, 0.1, 0.01, true);
  EXPECT_DOUBLE_EQ(ask_limit(2.0, l), 2.0 * 1.25 * 2.0 / 0.99);
  // The bid pays at most what lands at home for 2 with fee, duty and haul.
  EXPECT_DOUBLE_EQ(bid_limit(2.0, l), 2.0 / (1.01 * 1.1 * 1.25 * 0.5));
  EXPECT_NEAR(bid_cost(bid_limit(2.0, l), l), 2.0, 1e-12);
  EXPECT_NEAR(ask_worth(ask_limit(2.0, l), l), 2.0, 1e-12);
  EXPECT_LT(bid_limit(2.0, l), ask_limit(2.0, l)) << "a member never meets itself";
  // A thin book costs an order its venue's impact, a deep one little; a larger order more.
  EXPECT_DOUBLE_EQ(depth_cost(10.0, 0.0, 0.05), 0.05);
  EXPECT_DOUBLE_EQ(depth_cost(10.0, 10.0, 0.05), 0.025);
  EXPECT_LT(depth_cost(10.0, 1000.0, 0.05), depth_cost(10.0, 100.0, 0.05));
  EXPECT_LT(depth_cost(10.0, 100.0, 0.05), depth_cost(50.0, 100.0, 0.05));
  EXPECT_EQ(depth_cost(0.0, 0.0, 0.05), 0.0);
  EXPECT_EQ(ask_price(1.0000001), 1000001);
  EXPECT_EQ(bid_price(1.0000009), 1000000);
  EXPECT_EQ(bid_price(-1.0), 0);
}

TEST(VenueRulesTest, BuyersPayAtLeastWhatSellersGetAndNoOneOverdraws) {
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t price = 1 + static_cast<std::int64_t>(random() % 50'000'000);
    const std::int64_t quantity = static_cast<std::int64_t>(random() % 1'000'000'000'000ull);
    const bool cross = (random() & 1) != 0;
    const VenueLeg l = leg(1.0 + u(random), 1.0 + u(random), cross ? 0.2 + 3.0 * u(random) : 1.0,
                           0.3 * u(random), 0.01 * u(random), cross);
    const VenueBuy buy = venue_buy(price, quantity, l);
    const VenueSale sale = venue_sale(price, quantity, l);
    ASSERT_GE(buy.at_venue, sale.at_venue) << price << " × " << quantity;
    ASSERT_GE(sale.at_venue, 0);
    ASSERT_LE(buy.received, quantity);
    // A stock sized ask ships no more than the stock.
    const std::int64_t stock = static_cast<std::int64_t>(random() % 1'000'000'000'000ull);
    const std::int64_t asked = ask_quantity(stock, l.ship_out);
    ASSERT_LE(shipped_for(asked, l.ship_out, stock), stock);
    ASSERT_GE(static_cast<double>(shipped_for(asked, l.ship_out, stock)),
              static_cast<double>(asked) * l.ship_out * (1.0 - 1e-12))
        << "the haul is paid in goods";
    // A bid within the cash pays its bill at any price up to its limit.
    const std::int64_t cash = static_cast<std::int64_t>(random() % 100'000'000'000ull);
    const std::int64_t q = affordable_bid(quantity, price, cash, l);
    ASSERT_LE(q, quantity);
    const VenueBuy at_limit = venue_buy(price, q, l);
    ASSERT_LE(at_limit.paid + at_limit.duty, cash);
    const VenueBuy cheaper = venue_buy(price / 2, q, l);
    ASSERT_LE(cheaper.paid + cheaper.duty, cash);
  }
}

// The small world's regions: Alpha's port (a hub) and inland, Beta, Gamma.
constexpr int kPort = 0, kBeta = 2, kGamma = 3;
constexpr int kOre = 0, kFood = 3;

Venue venue(const char* name, int region, std::vector<int> sectors, std::vector<int> members) {
  Venue v;
  v.name = name;
  v.region = region;
  v.sectors = std::move(sectors);
  v.open = members.empty();
  v.members = std::move(members);
  v.fee = 0.0005;
  return v;
}

// Traders in every region and the hub, a venue at Alpha's port for ore and food and one in
// Gamma for ore, open to all unless `segmented` (each then for its own country's traders).
Scenario venue_world(bool segmented = false, int steps = 24) {
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = steps;
  sc.burn_in = 6;
  sc.regions[kPort].hub = true;
  sc.traders.per_sector = 1;
  sc.traders.hub_per_sector = 3;
  sc.venues = {
      venue("PortEx", kPort, {kOre, kFood}, segmented ? std::vector<int>{0} : std::vector<int>{}),
      venue("GammaEx", kGamma, {kOre}, segmented ? std::vector<int>{2} : std::vector<int>{})};
  return sc;
}

TradeFlows empty_flows(const World& w) {
  TradeFlows f;
  f.bilateral.assign(static_cast<std::size_t>(w.regions()) * w.regions() * w.sectors() * kFlows, 0);
  f.imports.assign(static_cast<std::size_t>(w.countries()), 0);
  f.exports.assign(static_cast<std::size_t>(w.countries()), 0);
  return f;
}

template <class T>
std::int64_t sum(const std::vector<T>& v) {
  std::int64_t total = 0;
  for (T x : v) total += static_cast<std::int64_t>(x);
  return total;
}

// What the venues' phase moves, called on its own on a stepped economy: every good a buyer
// receives left a seller's stock, the haul's melt is in the flows, each currency's money is
// where it was, only members trade.
TEST(VenueTest, GoodsAndMoneyThroughTheVenuesAndOnlyMembersTrade) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const bool segmented : {false, true}) {
    SCOPED_TRACE(segmented ? "segmented" : "open");
    Scenario sc = venue_world(segmented);
    World world(sc);
    Model model(sc, world);
    std::int64_t volume = 0;
    for (int step = 1; step <= 12; ++step) {
      model.step(step);
      Economy& e = model.economy;
      const auto inventory = to_host(e.traders.inventory);
      const auto cash = to_host(e.traders.cash);
      const auto region = to_host(e.traders.region);
      const auto government = e.government;
      const auto owners = e.owners;
      const auto foreign = e.foreign_held;
      TradeFlows flows = empty_flows(world);
      const VenueTrade trade = trade_on_venues(sc, model.setting(), e, model.ranks, flows);
      const auto inventory_after = to_host(e.traders.inventory);
      const auto cash_after = to_host(e.traders.cash);
      // Goods: what left sellers' stocks and what reached buyers', the melt between.
      ASSERT_EQ(sum(inventory_after) - sum(inventory), trade.received - trade.shipped);
      std::int64_t shipped = 0, delivered = 0;
      for (std::size_t c = 0; c < flows.bilateral.size(); c += kFlows) {
        shipped += flows.bilateral[c + kFlowShipped];
        delivered += flows.bilateral[c + kFlowDelivered];
      }
      ASSERT_EQ(shipped - delivered, trade.shipped - trade.received);
      ASSERT_GE(trade.shipped, sum(trade.volume)) << "the haul to the venue melts";
      ASSERT_LE(trade.received, sum(trade.volume));
      volume += sum(trade.volume);
      // Money, currency by currency.
      for (int c = 0; c < world.countries(); ++c) {
        std::int64_t moved = e.government[c] - government[c] + e.foreign_held[c] - foreign[c];
        for (int r = 0; r < world.regions(); ++r) {
          if (world.region_country[r] == c) moved += e.owners[r] - owners[r];
        }
        for (std::size_t i = 0; i < cash.size(); ++i) {
          if (world.region_country[region[i]] == c) moved += cash_after[i] - cash[i];
        }
        ASSERT_EQ(moved, 0) << "money in " << world.country_code[c] << " at step " << step;
      }
      // Beta's traders may join neither venue when they are segmented.
      for (std::size_t i = 0; i < cash.size(); ++i) {
        if (!segmented || region[i] != kBeta) continue;
        ASSERT_EQ(inventory_after[i], inventory[i]);
        ASSERT_EQ(cash_after[i], cash[i]);
      }
    }
    EXPECT_GT(volume, 0) << "the venues trade";
  }
}

// Where both venues listing ore trade in a step, their prices in US$ lie within what moving
// ore between them costs (haul, duty, the two fees) and, where members weigh the books'
// depth, what a thin book may cost an order on either side: a member routes to the venue
// where selling brings more and buying costs less, so a wider gap would send the orders
// across.
TEST(VenueTest, TradedPricesAtTwoVenuesStayWithinTheCostOfArbitrage) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const double impact : {0.0, 0.05}) {
    SCOPED_TRACE("impact " + std::to_string(impact));
    Scenario sc = venue_world(false, 120);
    sc.sectors[kOre].transport_cost = 0.005;  // a tight band
    sc.traders.per_sector = 2;
    for (Venue& v : sc.venues) v.impact = impact;
    World world(sc);
    Model model(sc, world);
    const std::vector<double> tau = to_host(model.tables.iceberg);
    const std::vector<double> duty = to_host(model.tables.duty_rate);
    const int ns = world.sectors();
    const double fee = sc.venues[0].fee;
    const auto cost = [&](int from, int to) {
      return tau[world.rrs(from, to, kOre)] * (1.0 + duty[world.rrs(from, to, kOre)]);
    };
    const double band = std::max(cost(kGamma, kPort), cost(kPort, kGamma)) * (1.0 + fee) /
                        (1.0 - fee) * (1.0 + impact) / (1.0 - impact);
    ASSERT_LT(band, 1.3);
    int both = 0;
    for (int step = 1; step <= sc.steps; ++step) {
      model.step(step);
      const StepStatistics& st = model.stats;
      if (st.venue_volume[kOre] <= 0 || st.venue_volume[ns + kOre] <= 0) continue;
      ++both;
      const double ratio = st.venue_price[ns + kOre] / st.venue_price[kOre];
      EXPECT_LE(ratio, band) << "step " << step;
      EXPECT_GE(ratio, 1.0 / band) << "step " << step;
    }
    EXPECT_GE(both, 3) << "steps where both venues traded";
  }
}

// Who may join follows the venue_access events: a venue for Alpha's traders only admits
// every country's from the event's step.
TEST(VenueTest, AnAccessEventAdmitsTheOtherCountriesTraders) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = venue_world(false, 16);
  sc.venues = {venue("PortEx", kPort, {kOre}, {0})};
  Event open;
  open.step = 9;
  open.kind = EventKind::venue_access;
  open.venue = 0;
  open.open = true;
  sc.events = {open};
  World world(sc);
  Model model(sc, world);
  std::vector<std::int64_t> outside(2,
                                    0);  // what traders outside Alpha did on it, before and after
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    Economy& e = model.economy;
    const auto inventory = to_host(e.traders.inventory);
    const auto region = to_host(e.traders.region);
    TradeFlows flows = empty_flows(world);
    trade_on_venues(sc, model.setting(), e, model.ranks, flows);
    const auto after = to_host(e.traders.inventory);
    for (std::size_t i = 0; i < after.size(); ++i) {
      if (world.region_country[region[i]] == 0) continue;
      outside[step >= open.step ? 1 : 0] += std::abs(after[i] - inventory[i]);
    }
  }
  EXPECT_EQ(outside[0], 0) << "no trader outside Alpha on the venue before it opens";
  EXPECT_GT(outside[1], 0) << "others' traders trade there once it opens";
}

std::vector<std::string> differing_stores(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.traders, b.economy.traders, "traders", out);
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  if (a.economy.venue_price != b.economy.venue_price) out.push_back("venue_price");
  if (a.economy.venue_lead != b.economy.venue_lead) out.push_back("venue_lead");
  return out;
}

TEST(VenueTest, SameBytesOnOneAndTwoThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(venue_world(false, 16), differing_stores);
}

TEST(VenueTest, ResumesFromACheckpointToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(venue_world(false, 16), 9, differing_stores);
}

}  // namespace
}  // namespace entrepot
