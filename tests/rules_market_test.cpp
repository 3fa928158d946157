// The rules of costs and prices (agents/prices.h), trade costs, supplier choice and
// settlement (agents/trade.h) and firms' accounts (agents/accounts.h): hand-computed
// values, edge cases and properties over random cases (fixed seeds).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "agents/rules.h"
#include "agents/trade.h"
#include "kernels/tables.h"

namespace entrepot {
namespace {

TEST(MarketRulesTest, UnitCostIsLabourPerUnitPlusInputs) {
  // w = 2, φ = 0.5, A = 2: one worker makes 1 unit, so labour costs 2 a unit.
  EXPECT_DOUBLE_EQ(unit_cost(2.0, 0.5, 2.0, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(unit_cost(1.0, 4.0, 1.0, 0.0), 0.25);
  // Starting wages equal A, so labour costs 1/φ whatever A is.
  EXPECT_DOUBLE_EQ(unit_cost(3.0, 2.0, 3.0, 0.0), unit_cost(1.0, 2.0, 1.0, 0.0));
  EXPECT_DOUBLE_EQ(money_units(2500000), 2.5);
}

TEST(MarketRulesTest, CostPriceCoversUnitCostWithTheMarkup) {
  EXPECT_DOUBLE_EQ(cost_price(2.5, 0.2), 3.0);
  EXPECT_DOUBLE_EQ(cost_price(2.5, 0.0), 2.5);
  // A price already at (1+μ)·c stays there when nothing presses it.
  EXPECT_DOUBLE_EQ(adjust_price(3.0, 2.5, 0.2, 0.5, 0.05, 1.0), 3.0);
}

TEST(MarketRulesTest, IcebergCostGrowsWithDistance) {
  // ρ = 1, t = 0.05 per 1000 km: 2000 km cost 10%.
  EXPECT_DOUBLE_EQ(iceberg_cost(2000.0, false, 0.05, 1.0), 1.1);
  // Inside a region, or closer than 100 km: the haul of 100 km.
  EXPECT_DOUBLE_EQ(iceberg_cost(0.0, false, 0.05, 1.0), 1.005);
  EXPECT_DOUBLE_EQ(iceberg_cost(40.0, false, 0.05, 1.0), iceberg_cost(100.0, false, 0.05, 1.0));
  // Digital services are not hauled.
  EXPECT_EQ(iceberg_cost(9000.0, true, 0.05, 1.0), 1.0);
  double previous = 1.0;
  for (double km = 100.0; km < 20000.0; km += 250.0) {
    const double tau = iceberg_cost(km, false, 0.05, 0.8);
    EXPECT_GE(tau, previous);
    previous = tau;
  }
}

TEST(MarketRulesTest, BorderFrictionOnlyBetweenCountries) {
  EXPECT_EQ(border_friction(false, 0.3), 1.0);
  EXPECT_DOUBLE_EQ(border_friction(true, 0.3), 1.3);
  EXPECT_EQ(border_friction(true, 0.0), 1.0);
}

TEST(MarketRulesTest, TradeFactorIsIcebergFrictionAndTariffAndProhibitiveWhenBanned) {
  EXPECT_DOUBLE_EQ(trade_factor(1.1, 1.0, 0.25, false), 1.1 * 1.25);
  EXPECT_DOUBLE_EQ(trade_factor(1.1, 1.3, 0.25, false), 1.1 * 1.3 * 1.25);
  EXPECT_DOUBLE_EQ(trade_factor(1.3, 1.0, 0.0, false), 1.3);
  EXPECT_TRUE(is_banned(trade_factor(1.1, 1.3, 0.25, true)));
  EXPECT_FALSE(is_banned(trade_factor(1.1, 1.3, 10.0, false)));
}

TEST(MarketRulesTest, ABuyerReplacesItsSupplierAtOnceOnlyWhenItMustOrShopsWhenShort) {
  // Buyers with several candidates shop around, and so do traders with one.
  EXPECT_TRUE(shops_around(2, false));
  EXPECT_TRUE(shops_around(1, true));
  EXPECT_FALSE(shops_around(1, false));
  // No or a banned supplier: whatever the buyer.
  EXPECT_TRUE(replaces_at_once(true, false, false));
  EXPECT_TRUE(replaces_at_once(true, true, true));
  // Left short: at once when it shops around; otherwise it waits for its review.
  EXPECT_TRUE(replaces_at_once(false, true, shops_around(2, false)));
  EXPECT_TRUE(replaces_at_once(false, true, shops_around(1, true)));
  EXPECT_FALSE(replaces_at_once(false, true, shops_around(1, false)));
  // Otherwise the incumbent's loyalty may keep it.
  EXPECT_FALSE(replaces_at_once(false, false, false));
  EXPECT_FALSE(replaces_at_once(false, false, true));
}

TEST(MarketRulesTest, TheIncumbentsLoyaltyIsTheSwitchingPremiumOfALogitChoice) {
  // No switching cost, or an incumbent no buyer would draw: the draw decides.
  EXPECT_DOUBLE_EQ(incumbent_loyalty(0.3, switching_premium(0.0, 4.0)), 0.0);
  EXPECT_DOUBLE_EQ(incumbent_loyalty(0.0, switching_premium(0.2, 4.0)), 0.0);
  // B = 1.1^4; the incumbent is chosen with probability s + (1 − s)·loyalty = B·s/(1+(B−1)s).
  for (double s : {0.001, 0.05, 0.3, 0.9}) {
    for (double c : {0.01, 0.1, 0.5}) {
      const double b = std::pow(1.0 + c, 4.0);
      EXPECT_NEAR(switching_premium(c, 4.0), b - 1.0, 1e-12);
      const double kept = s + (1.0 - s) * incumbent_loyalty(s, switching_premium(c, 4.0));
      EXPECT_NEAR(kept, b * s / (1.0 + (b - 1.0) * s), 1e-12) << s << " " << c;
      EXPECT_GT(kept, s);
    }
  }
  // More loyal the larger the incumbent's share and the switching cost.
  const double premium = switching_premium(0.1, 4.0);
  EXPECT_LT(incumbent_loyalty(0.01, premium), incumbent_loyalty(0.1, premium));
  EXPECT_LT(incumbent_loyalty(0.1, switching_premium(0.05, 4.0)), incumbent_loyalty(0.1, premium));
}

TEST(MarketRulesTest, DrawProbabilitiesAreTheSharesFindSellerDrawsBy) {
  // Two regions × one sector: region 0 has sellers 0–2, region 1 sellers 3–4. Buyers in
  // region 1 find origin 0 with probability 1/4 and sellers by their weights.
  const std::vector<std::int64_t> block_start{0, 3, 5};
  const std::vector<std::uint64_t> cdf{0, 0, 1ULL << 30, 1ULL << 32};  // [(d·S+s)·R + o]
  const std::vector<std::int64_t> cumulative{1, 3, 6, 10, 20};         // weights 1,2,3,4,10
  const std::vector<std::int32_t> country{0, 1};
  std::vector<std::int64_t> export_first{0, 3};  // every firm exports
  TablesView t{};
  t.regions = 2;
  t.sectors = 1;
  t.region_country = country.data();
  t.block_start = block_start.data();
  t.export_first = export_first.data();
  t.origin_cdf = cdf.data();
  t.seller_cumulative = cumulative.data();
  const double expected[] = {0.25 / 6, 0.5 / 6, 0.75 / 6, 0.75 * 4 / 14, 0.75 * 10 / 14};
  double total = 0.0;
  std::vector<int> count(5, 0);
  std::mt19937 rng(7);
  for (int n = 0; n < 200000; ++n) {
    const std::int32_t j =
        t.find_seller(1, 0, static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()));
    ASSERT_GE(j, 0);
    ++count[static_cast<std::size_t>(j)];
  }
  for (std::int32_t j = 0; j < 5; ++j) {
    EXPECT_NEAR(t.draw_probability(1, 0, j < 3 ? 0 : 1, j), expected[j], 1e-12);
    EXPECT_NEAR(count[static_cast<std::size_t>(j)] / 200000.0, expected[j], 0.005);
    total += t.draw_probability(1, 0, j < 3 ? 0 : 1, j);
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  // Only seller 2 of region 0 exports: buyers of region 1 (another country) find only it
  // there, buyers at home still find all three.
  export_first[0] = 2;
  EXPECT_EQ(t.draw_probability(1, 0, 0, 0), 0.0);
  EXPECT_NEAR(t.draw_probability(1, 0, 0, 2), 0.25, 1e-12);
  for (int n = 0; n < 1000; ++n) {
    const std::int32_t j =
        t.find_seller(1, 0, static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()));
    EXPECT_TRUE(j == 2 || j >= 3) << j;
  }
  EXPECT_EQ(t.sellers_from(0, 0, 0), 0);
  EXPECT_EQ(t.sellers_from(0, 1, 0), 2);
}

TEST(MarketRulesTest, SearchWeightsFollowLandedCostToThePowerOfTheElasticity) {
  // Origins: presence × (price × factor)^−ε; banned, absent or unpriced origins are never drawn.
  EXPECT_DOUBLE_EQ(origin_weight(2.0, 1.0, 1.0, 4.0), 2.0);
  EXPECT_DOUBLE_EQ(origin_weight(1.0, 2.0, 1.0, 4.0), 1.0 / 16.0);
  EXPECT_DOUBLE_EQ(origin_weight(1.0, 1.0, 2.0, 4.0), 1.0 / 16.0);  // the trade factor alike
  EXPECT_EQ(origin_weight(1.0, 1.0, kBannedFactor, 4.0), 0.0);
  EXPECT_EQ(origin_weight(0.0, 1.0, 1.0, 4.0), 0.0);
  EXPECT_EQ(origin_weight(1.0, 0.0, 1.0, 4.0), 0.0);
  // A 10% tariff lowers an origin's weight by 1.1^−4, about 32%.
  EXPECT_NEAR(origin_weight(1.0, 1.0, 1.1, 4.0) / origin_weight(1.0, 1.0, 1.0, 4.0), 0.683013,
              1e-6);
  // Sellers: ⌊2^20·(p/P)^−ε⌋ + 1, never 0.
  EXPECT_EQ(seller_weight(1.0, 1.0, 4.0), 1048577);
  EXPECT_EQ(seller_weight(2.0, 1.0, 4.0), 65537);          // 2^20/16 + 1
  EXPECT_NEAR(seller_weight(0.5, 1.0, 4.0), 16777217, 1);  // det_pow: within a unit
  EXPECT_EQ(seller_weight(1e9, 1.0, 4.0), 1);
  EXPECT_EQ(seller_weight(0.0, 1.0, 4.0), 1);
  EXPECT_EQ(seller_weight(1e-30, 1.0, 4.0), 1000000000000001);  // capped, never overflows
}

TEST(MarketRulesTest, ThePriceIndexIsTheCesMeanOfTheSellersPrices) {
  // Two sellers at 1 and 2 against an index of 1: weights 2^20 + 1 and 2^20/16 + 1.
  const double elasticity = 4.0;
  const std::int64_t total =
      seller_weight(1.0, 1.0, elasticity) + seller_weight(2.0, 1.0, elasticity);
  const double exact = std::pow((1.0 + 1.0 / 16.0) / 2.0, -1.0 / elasticity);
  EXPECT_NEAR(price_index(1.0, total, 2, elasticity), exact, 1e-5);
  // The index of equal prices is that price, whatever the index it starts from.
  const double p = 1.7;
  EXPECT_NEAR(price_index(1.0, 3 * seller_weight(p, 1.0, elasticity), 3, elasticity), p, 1e-5);
  EXPECT_NEAR(price_index(2.5, 3 * seller_weight(p, 2.5, elasticity), 3, elasticity), p, 1e-5);
  EXPECT_EQ(price_index(1.3, 0, 0, elasticity), 1.3);  // no sellers: unchanged
}

TEST(MarketRulesTest, OrderForValueKeepsTheBillWithDutyWithinTheValue) {
  EXPECT_EQ(order_for_value(1200.0, 2.0, 0.2), 500);
  EXPECT_EQ(order_for_value(1199.0, 2.0, 0.2), 499);
  EXPECT_EQ(household_order(1000, 0.6, 2.0, 0.2), order_for_value(600.0, 2.0, 0.2));
  std::mt19937_64 gen(22);
  std::uniform_real_distribution<double> value(0.0, 1e12), price(1e-3, 1e3), tariff(0.0, 2.0);
  for (int i = 0; i < 100000; ++i) {
    const double v = value(gen), p = price(gen), t = tariff(gen);
    const std::int64_t q = order_for_value(v, p, t);
    const std::int64_t pay = payment_for(p, q);
    ASSERT_LE(static_cast<double>(pay + duty_on(pay, t)), v) << v << " " << p << " " << t;
  }
}

TEST(MarketRulesTest, UnservedValueIsWhatRationingLeftUnbought) {
  EXPECT_EQ(unserved_value(100, 100, 2.0, 0.5), 0.0);
  EXPECT_EQ(unserved_value(100, 120, 2.0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(unserved_value(100, 60, 2.0, 0.5), 40.0 * 2.0 * 1.5);
}

TEST(AccountRulesTest, WagesArePaidInFullOrProRataFromCash) {
  EXPECT_EQ(wage_per_worker(100, 10000, 5), 100);
  EXPECT_EQ(wage_per_worker(100, 250, 5), 50);  // 250 shared by 5
  EXPECT_EQ(wage_per_worker(100, 0, 5), 0);
  EXPECT_EQ(wage_per_worker(100, 1000, 0), 0);  // no staff, no bill
  std::mt19937_64 gen(31);
  std::uniform_int_distribution<std::int64_t> wage(0, 1 << 30), cash(0, std::int64_t{1} << 40),
      staff(0, 5000);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t w = wage(gen), c = cash(gen), n = staff(gen);
    const std::int64_t each = wage_per_worker(w, c, n);
    ASSERT_LE(each * n, c);
    ASSERT_LE(each, w);
    ASSERT_GE(each, 0);
  }
}

TEST(AccountRulesTest, ProfitTaxIsOnPositiveProfitAndNeverAboveCash) {
  EXPECT_EQ(profit_of(1000, 300, 400), 300);
  EXPECT_EQ(profit_tax(300, 0.25, 1000), 75);
  EXPECT_EQ(profit_tax(300, 0.25, 50), 50);  // capped by cash
  EXPECT_EQ(profit_tax(-300, 0.25, 1000), 0);
  EXPECT_EQ(profit_tax(0, 0.25, 1000), 0);
}

TEST(AccountRulesTest, DividendsMoveCashTowardItsTargetBothWays) {
  // Profit 1000, tax 200: earned 800, half paid; running costs 100 with a 2-step buffer: the
  // target is 200, and a tenth of the gap between cash and it is paid (above) or retained
  // (below).
  EXPECT_EQ(dividend_payout(1000, 200, 1200, 100, 0.5, 2.0), 400 + 100);
  EXPECT_EQ(dividend_payout(1000, 200, 1000, 500, 0.5, 2.0), 400);  // at the target
  EXPECT_EQ(dividend_payout(0, 0, 100, 1000, 0.5, 2.0), 0);         // below: 0, not −190
  // Below the target a profit is partly retained: 400 − (2000 − 1000)/10.
  EXPECT_EQ(dividend_payout(1000, 200, 1000, 1000, 0.5, 2.0), 300);
  EXPECT_EQ(dividend_payout(-500, 0, 800, 400, 0.5, 2.0), 0);      // a loss, below: nothing
  EXPECT_EQ(dividend_payout(-500, 0, 1200, 100, 0.5, 2.0), 100);   // a loss, idle cash: a tenth
  EXPECT_EQ(dividend_payout(1000, 200, 300, 100, 0.5, 2.0), 300);  // never above cash
  // Running costs: (w/(φ·A) + 10⁶·c_in)·Dᵉ = (2·10⁶/(2·0.5) + 0.5·10⁶)·10.
  EXPECT_EQ(running_costs(2000000, 2.0, 0.5, 0.5, 10.0), 25000000);
  EXPECT_EQ(running_costs(2000000, 2.0, 0.5, 0.5, -1.0), 0);        // no expected sales
  EXPECT_EQ(running_costs(2000000, 0.0, 0.5, 0.5, 10.0), 5000000);  // no labour cost known
  std::mt19937_64 gen(32);
  std::uniform_int_distribution<std::int64_t> money(-(std::int64_t{1} << 40),
                                                    std::int64_t{1} << 40);
  std::uniform_real_distribution<double> share(0.0, 1.0), steps(0.0, 8.0);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t cash = std::abs(money(gen)), profit = money(gen);
    const std::int64_t tax = profit_tax(profit, 0.3, cash);
    const std::int64_t d =
        dividend_payout(profit, tax, cash - tax, std::abs(money(gen)), share(gen), steps(gen));
    ASSERT_GE(d, 0);
    ASSERT_LE(d, cash - tax);
  }
}

TEST(AccountRulesTest, AFirmExitsAfterItsPatienceOfInsolventSteps) {
  EXPECT_TRUE(insolvent(0, 100, 1000, 10, 5));  // no sales at all
  EXPECT_TRUE(insolvent(500, -1, 49, 10, 5));   // losing, cannot pay 5 × 10
  EXPECT_FALSE(insolvent(500, -1, 50, 10, 5));  // losing, but can pay one more step
  EXPECT_FALSE(insolvent(500, 10, 0, 10, 5));   // profitable
  EXPECT_TRUE(insolvent(500, -1, 9, 10, 0));    // wants no one: one worker's bill
  // Cash plus the credit line's room: 20 in cash and 30 of room pay 5 × 10.
  EXPECT_FALSE(insolvent(500, -1, 20.0 + credit_room(10.0, 2.0, 20 * kMoneyScale - 30), 10, 5));
  std::uint8_t distress = 0;
  for (int step = 1; step <= 3; ++step) {
    distress = next_distress(distress, true);
    EXPECT_EQ(exits(distress, 3), step == 3);
  }
  EXPECT_EQ(next_distress(distress, false), 0);  // a solvent step resets the count
  EXPECT_EQ(next_distress(250, true), 250);      // never wraps
}

}  // namespace
}  // namespace entrepot

namespace entrepot {
namespace {

TEST(AccountRulesTest, StartupGrantIsTwentyMeanWagesWithinTheOwnersBalance) {
  // 20·10⁶ each while the owners can pay it: ⌊10⁹/10⌋ = 10⁸ ≥ 2·10⁷.
  EXPECT_EQ(startup_grant(1000000.0, 1000000000, 10), 20000000);
  // Empty-ish owners: their balance shared over the entrants, ⌊5·10⁷/10⌋.
  EXPECT_EQ(startup_grant(1000000.0, 50000000, 10), 5000000);
  EXPECT_EQ(startup_grant(1000000.0, 20000000, 1), 20000000);  // exactly enough
  EXPECT_EQ(startup_grant(1234.56, 1000000, 1), 24691);        // ⌊24691.2⌋
  EXPECT_EQ(startup_grant(1000000.0, 0, 3), 0);                // empty owners
  EXPECT_EQ(startup_grant(1000000.0, 2, 3), 0);                // ⌊2/3⌋
  EXPECT_EQ(startup_grant(1000000.0, -100, 3), 0);             // never negative
  EXPECT_EQ(startup_grant(1000000.0, 1000000000, 0), 0);       // no entrants
  EXPECT_EQ(startup_grant(0.0, 1000000000, 2), 0);             // no wages paid yet
}

TEST(AccountRulesTest, AnEntrantOffersTheMeanWageWherePaid) {
  EXPECT_EQ(entrant_wage(1234567.9, 5), 1234567);  // truncated
  EXPECT_EQ(entrant_wage(1.0, 777), 1);
  EXPECT_EQ(entrant_wage(0.5, 777), 777);  // no wages paid: the slot's wage
  EXPECT_EQ(entrant_wage(0.0, 777), 777);
}

TEST(AccountRulesTest, TheBudgetRuleSpendsRevenueAndDeficitOnBenefitsThenTransfers) {
  // Collected 900, deficit 100, a tenth of the 1000 it started with; benefits 200: 900 left
  // for 3 households.
  EXPECT_EQ(transfer_per_household(900, 100, 0.1, 1000, 200, 3), 300);
  EXPECT_EQ(transfer_per_household(900, 100, 0.1, 1000, 200, 4), 225);
  EXPECT_EQ(transfer_per_household(900, 0, 0.1, 1000, 0, 7), 142);  // ⌊1000/7⌋
  // A debt is paid down: a tenth of −5000 less.
  EXPECT_EQ(transfer_per_household(900, 100, 0.1, -5000, 200, 3), 100);
  EXPECT_EQ(transfer_per_household(900, 100, 0.1, -9000, 200, 3), 0);  // nothing left
  EXPECT_EQ(transfer_per_household(100, 0, 0.0, 0, 500, 3), 0);        // benefits exceed
  EXPECT_EQ(transfer_per_household(900, 100, 0.1, 1000, 200, 0), 0);   // no households
}

TEST(AccountRulesTest, BenefitAndDividendPerHead) {
  EXPECT_EQ(unemployment_benefit(0.4, 1000000.0), 400000);
  EXPECT_EQ(unemployment_benefit(0.4, 999.0), 399);  // ⌊399.6⌋
  EXPECT_EQ(unemployment_benefit(0.0, 1000000.0), 0);
  EXPECT_EQ(dividend_per_head(1000, 3), 333);  // the remainder stays with the owners
  EXPECT_EQ(dividend_per_head(2, 5), 0);
  EXPECT_EQ(dividend_per_head(0, 5), 0);     // empty owners
  EXPECT_EQ(dividend_per_head(1000, 0), 0);  // no households
}

TEST(MarketRulesTest, InventoryRatioAndVacancyRate) {
  EXPECT_DOUBLE_EQ(inventory_ratio(30.0, 1.0, 20.0), 1.5);  // I/(ι·Dᵉ)
  EXPECT_DOUBLE_EQ(inventory_ratio(30.0, 2.0, 20.0), 0.75);
  EXPECT_EQ(inventory_ratio(0.0, 1.0, 20.0), 0.0);
  EXPECT_EQ(inventory_ratio(30.0, 0.0, 20.0), 1.0);  // no target: neutral
  EXPECT_EQ(inventory_ratio(30.0, 1.0, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(vacancy_rate(10.0, 8.0), 0.2);  // (10 − 8)/10
  EXPECT_EQ(vacancy_rate(10.0, 0.0), 1.0);
  EXPECT_EQ(vacancy_rate(10.0, 12.0), 0.0);  // overstaffed
  EXPECT_EQ(vacancy_rate(0.0, 0.0), 0.0);
}

TEST(MarketRulesTest, SettlementShipsOnlyWhatIsPaidFor) {
  // Cash enough: the allotment ships and is paid in full, with its duty.
  Purchase p = settle_purchase(1000, 5000, 2000, 2.0, 0.25, 1.25, 1000000);
  EXPECT_EQ(p.allotted, 1000);
  EXPECT_EQ(p.shipped, 1000);
  EXPECT_EQ(p.paid, 2000);
  EXPECT_EQ(p.duty, 500);
  EXPECT_EQ(p.delivered, 800);
  // Rationed: stock 500 over orders 1000 halves the order.
  p = settle_purchase(1000, 500, 1000, 2.0, 0.25, 1.25, 1000000);
  EXPECT_EQ(p.allotted, 500);
  EXPECT_EQ(p.shipped, 500);
  // Short of cash: 1250 pays for 500 goods at 2 with 25% duty, not the allotted 1000.
  p = settle_purchase(1000, 5000, 2000, 2.0, 0.25, 1.25, 1250);
  EXPECT_EQ(p.allotted, 1000);
  EXPECT_EQ(p.shipped, 500);
  EXPECT_EQ(p.paid, 1000);
  EXPECT_EQ(p.duty, 250);
  EXPECT_EQ(p.delivered, 400);
  // No cash: nothing moves.
  p = settle_purchase(1000, 5000, 2000, 2.0, 0.25, 1.25, 0);
  EXPECT_EQ(p.shipped, 0);
  EXPECT_EQ(p.paid + p.duty, 0);
}

TEST(MarketRulesTest, EveryGoodShippedIsPaidInFullAndCashNeverGoesNegative) {
  std::mt19937_64 gen(23);
  std::uniform_int_distribution<std::int64_t> quantity(0, std::int64_t{1} << 36),
      cash(0, std::int64_t{1} << 40);
  std::uniform_real_distribution<double> price(1e-3, 1e3), tariff(0.0, 2.0), iceberg(1.0, 3.0);
  int short_of_cash = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t q = quantity(gen), stock = quantity(gen), orders = q + quantity(gen);
    const std::int64_t held = i % 4 == 0 ? q / 7 : cash(gen);  // often far too little
    const double p = price(gen), t = tariff(gen), tau = iceberg(gen);
    const Purchase bought = settle_purchase(q, stock, orders, p, t, tau, held);
    ASSERT_LE(bought.shipped, bought.allotted);
    ASSERT_GE(bought.shipped, 0);
    // The goods shipped are paid at the price, with the duty on that payment: no good
    // moves for less than its price.
    ASSERT_EQ(bought.paid, payment_for(p, bought.shipped));
    ASSERT_EQ(bought.duty, duty_on(bought.paid, t));
    ASSERT_LE(bought.paid + bought.duty, held);
    ASSERT_EQ(bought.delivered, delivered_quantity(bought.shipped, tau));
    if (bought.shipped < bought.allotted) {
      ++short_of_cash;
      // Short only for want of cash: a few more goods (the truncation of bill and duty can
      // leave up to a few micro-units unspent) would not be affordable.
      const auto slack = static_cast<std::int64_t>(8.0 + 8.0 / (p * (1.0 + t)));
      const std::int64_t more = payment_for(p, bought.shipped + slack);
      ASSERT_GT(more + duty_on(more, t), held);
    }
  }
  EXPECT_GT(short_of_cash, 1000);  // the cases that matter were drawn
}

}  // namespace
}  // namespace entrepot
