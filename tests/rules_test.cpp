// The behaviour rules of agents/rules.h, one by one: hand-computed values, edge cases and
// properties over many random cases (fixed seeds, so every run checks the same cases).
#include "agents/rules.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace entrepot {
namespace {

constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

TEST(RulesTest, ParetoProductivityIsMonotoneCappedAndHasMeanOne) {
  for (double shape : {3.0, 4.0, 5.0}) {
    SCOPED_TRACE("shape " + std::to_string(shape));
    // u = 0 gives the Pareto minimum 1, rescaled by the mean α/(α−1).
    EXPECT_DOUBLE_EQ(pareto_productivity(0.0, shape), (shape - 1.0) / shape);
    EXPECT_EQ(pareto_productivity(1.0 - 1e-12, shape), 50.0);
    // A deterministic midpoint grid of u: monotone, within [min, 50], mean ≈ 1 (the cap at
    // 50 removes less than 1e-4 of the mean for α ≥ 3).
    const int n = 1000000;
    double previous = 0.0, sum = 0.0;
    for (int i = 0; i < n; ++i) {
      const double u = (i + 0.5) / n;
      const double phi = pareto_productivity(u, shape);
      ASSERT_GE(phi, previous) << "not monotone at u = " << u;
      ASSERT_LE(phi, 50.0);
      previous = phi;
      sum += phi;
    }
    EXPECT_NEAR(sum / n, 1.0, 2e-3);
  }
  // Hand-computed: α = 2, u = 0.75: (0.25)^(−1/2) = 2, mean 2 ⇒ 1.
  EXPECT_NEAR(pareto_productivity(0.75, 2.0), 1.0, 1e-15);
}

TEST(RulesTest, LandedCostIsPriceTimesTradeFactor) {
  EXPECT_DOUBLE_EQ(landed_cost(2.0, 1.25), 2.5);
  EXPECT_DOUBLE_EQ(landed_cost(3.0, 1.0), 3.0);
  EXPECT_DOUBLE_EQ(landed_cost(1.5, 1.1 * 1.2), 1.5 * 1.1 * 1.2);
  EXPECT_GE(landed_cost(1.0, 1e30), 1e30);  // banned: prohibitive, but finite
  EXPECT_TRUE(std::isfinite(landed_cost(1e6, 1e30)));
}

TEST(RulesTest, SupplierReviewsAreStaggeredAtTheSearchShare) {
  // ψ = 0.1: every slot reviews exactly once in each run of ten steps (evenly spaced), and
  // about a tenth of the buyers review in any one step.
  const auto rate = static_cast<std::uint32_t>(0.1 * 4294967296.0);
  for (std::uint64_t buyer = 0; buyer < 200; ++buyer) {
    for (std::uint32_t slot = 0; slot < 6; ++slot) {
      int reviews = 0, last = -100;
      for (int step = 1; step <= 1000; ++step) {
        if (!reviews_supplier(buyer, slot, step, rate)) continue;
        ++reviews;
        if (last > 0) {
          EXPECT_TRUE(step - last == 10 || step - last == 11) << step - last;
        }
        last = step;
      }
      EXPECT_GE(reviews, 99);
      EXPECT_LE(reviews, 101);
    }
  }
  for (int step = 1; step <= 20; ++step) {
    int reviewing = 0;
    for (std::uint64_t buyer = 0; buyer < 10000; ++buyer) {
      reviewing += reviews_supplier(buyer, 2, step, rate) ? 1 : 0;
    }
    EXPECT_NEAR(reviewing, 1000, 30) << "step " << step;
  }
  // ψ = 0: never.
  for (int step = 1; step <= 50; ++step) EXPECT_FALSE(reviews_supplier(7, 1, step, 0));
}

TEST(RulesTest, DesiredOutputFollowsTheInventoryGapAndIsNeverNegative) {
  EXPECT_DOUBLE_EQ(desired_output(10.0, 4.0, 1.0, 3.0), 12.0);   // 10 + (10 − 4)/3
  EXPECT_DOUBLE_EQ(desired_output(10.0, 10.0, 1.0, 3.0), 10.0);  // at target: expected sales
  EXPECT_DOUBLE_EQ(desired_output(10.0, 0.0, 2.0, 4.0), 15.0);   // 10 + 20/4
  EXPECT_DOUBLE_EQ(desired_output(10.0, 25.0, 1.0, 3.0), 5.0);   // 10 − 15/3
  EXPECT_EQ(desired_output(10.0, 100.0, 1.0, 3.0), 0.0);         // −20 → 0
  EXPECT_EQ(desired_output(0.0, 0.0, 1.0, 3.0), 0.0);
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> sales(0.0, 1e6), stock(0.0, 1e7), target(0.0, 3.0),
      steps(1.0, 12.0);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_GE(desired_output(sales(gen), stock(gen), target(gen), steps(gen)), 0.0);
  }
}

TEST(RulesTest, WorkersNeededRoundsToTheNearestWorker) {
  EXPECT_EQ(workers_needed(10.0, 2.0, 2.5), 2);   // exactly 2
  EXPECT_EQ(workers_needed(10.01, 2.0, 2.5), 2);  // nearest
  EXPECT_EQ(workers_needed(12.5, 2.0, 2.5), 3);   // half a worker rounds up
  EXPECT_EQ(workers_needed(0.1, 2.0, 2.5), 1);
  EXPECT_EQ(workers_needed(1.0, 1.0, 1.0), 1);
  EXPECT_EQ(workers_needed(std::nextafter(1.0, 2.0), 1.0, 1.0), 1);
  EXPECT_EQ(workers_needed(0.0, 2.0, 2.5), 0);
  EXPECT_EQ(workers_needed(-5.0, 2.0, 2.5), 0);
  EXPECT_EQ(workers_needed(10.0, 0.0, 2.5), 0);  // no productivity: none
  EXPECT_EQ(workers_needed(10.0, 2.0, 0.0), 0);
  EXPECT_EQ(workers_needed(1e12, 1.0, 1.0), 2000000000);  // capped, never overflows int32
  std::mt19937_64 gen(12);
  std::uniform_real_distribution<double> output(0.0, 1e6), phi(0.05, 50.0), tfp(0.1, 7.0);
  for (int i = 0; i < 100000; ++i) {
    const double q = output(gen), p = phi(gen), a = tfp(gen);
    const std::int32_t n = workers_needed(q, p, a);
    const double exact = q / (p * a);
    ASSERT_LE(std::abs(static_cast<double>(n) - exact), exact < 1.0 ? 1.0 : 0.5000001)
        << q << " " << p << " " << a;
    ASSERT_GE(n, q > 0.0 ? 1 : 0);
  }
}

// Output so large that Q/(φA) is beyond the int64 range (or infinite) must still give the
// cap, not a negative count.
TEST(RulesTest, WorkersNeededStaysCappedBeyondTheInt64Range) {
  volatile double huge = 1e19, infinite = INFINITY;
  EXPECT_EQ(workers_needed(huge, 1.0, 1.0), 2000000000);
  EXPECT_EQ(workers_needed(infinite, 1.0, 1.0), 2000000000);
}

TEST(RulesTest, InputDeficitReachesTheStockTarget) {
  EXPECT_DOUBLE_EQ(input_deficit(0.5, 10.0, 10.0, 3.0, 1.5), 9.5);  // 0.5·(10 + 1.5·10) − 3
  EXPECT_DOUBLE_EQ(input_deficit(0.2, 100.0, 50.0, 0.0, 0.0), 20.0);
  EXPECT_EQ(input_deficit(0.5, 10.0, 10.0, 12.5, 1.5), 0.0);  // exactly at target
  EXPECT_EQ(input_deficit(0.5, 10.0, 10.0, 20.0, 1.5), 0.0);  // above: never negative
  EXPECT_EQ(input_deficit(0.5, 0.0, 0.0, 0.0, 1.5), 0.0);
  EXPECT_EQ(input_deficit(0.0, 10.0, 10.0, 0.0, 1.5), 0.0);
  // A plan above expected sales (rebuilding inventory) adds its use this step only, not θ
  // steps of it: 0.5·(20 + 1.5·10) − 3.
  EXPECT_DOUBLE_EQ(input_deficit(0.5, 20.0, 10.0, 3.0, 1.5), 14.5);
}

TEST(RulesTest, LeontiefOutputIsTheSmallestCapacityAndNeverAboveThePlan) {
  EXPECT_EQ(leontief_output(10.0, 20.0, 30.0), 10.0);  // labour binds
  EXPECT_EQ(leontief_output(20.0, 10.0, 30.0), 10.0);  // inputs bind
  EXPECT_EQ(leontief_output(20.0, 30.0, 10.0), 10.0);  // the plan binds
  EXPECT_EQ(leontief_output(0.0, 30.0, 10.0), 0.0);
  EXPECT_EQ(leontief_output(5.0, 5.0, 5.0), 5.0);
  EXPECT_EQ(leontief_output(5.0, 1e300, 7.0), 5.0);  // no inputs in the recipe
}

TEST(RulesTest, CapacitiesAreLabourTimesProductivityAndStockPerUnit) {
  EXPECT_DOUBLE_EQ(labour_capacity(2.0, 1.5, 10.0), 30.0);  // φ·A·L
  EXPECT_EQ(labour_capacity(2.0, 1.5, 0.0), 0.0);           // no staff, no output
  EXPECT_DOUBLE_EQ(input_capacity(10.0, 4.0), 2.5);         // X/a
  EXPECT_EQ(input_capacity(0.0, 4.0), 0.0);
  // The input capacity binds Leontief production when it is the smallest.
  EXPECT_DOUBLE_EQ(
      leontief_output(labour_capacity(2.0, 1.5, 10.0), input_capacity(10.0, 4.0), 100.0), 2.5);
}

TEST(RulesTest, InputsBelowTheCriticalShareDoNotLimitOutput) {
  // The threshold itself is critical; a share of 0 makes every input in the recipe critical.
  EXPECT_TRUE(critical_input(0.01, 0.01));
  EXPECT_FALSE(critical_input(0.0035, 0.01));
  EXPECT_TRUE(critical_input(0.0035, 0.0));
  // Labour allows 30; slot 0 (a = 0.5, stock 10) allows 20; slot 1 is a tiny input (a =
  // 0.0035) with no stock; slot 2 is not in the recipe; slot 3 (a = 0.2, stock 8) allows 40.
  const double amount[4] = {0.5, 0.0035, 0.0, 0.2};
  const double stock[4] = {10.0, 0.0, 0.0, 8.0};
  const double labour = labour_capacity(2.0, 1.5, 10.0);
  // Non-critical and out of stock: the critical inputs and labour set output.
  EXPECT_DOUBLE_EQ(critical_input_capacity(stock, amount, 4, 0.01), 20.0);
  EXPECT_DOUBLE_EQ(leontief_output(labour, critical_input_capacity(stock, amount, 4, 0.01), 100.0),
                   20.0);
  const double plenty[4] = {100.0, 0.0, 0.0, 100.0};
  EXPECT_DOUBLE_EQ(leontief_output(labour, critical_input_capacity(plenty, amount, 4, 0.01), 100.0),
                   30.0);
  // The same input critical (strict Leontief): no stock, no output.
  EXPECT_EQ(critical_input_capacity(stock, amount, 4, 0.0), 0.0);
  EXPECT_EQ(leontief_output(labour, critical_input_capacity(stock, amount, 4, 0.0), 100.0), 0.0);
  EXPECT_EQ(leontief_output(labour, critical_input_capacity(stock, amount, 4, 0.001), 100.0), 0.0);
  // A critical input out of stock stops production whatever the threshold below it.
  const double no_main_input[4] = {0.0, 5.0, 0.0, 8.0};
  EXPECT_EQ(critical_input_capacity(no_main_input, amount, 4, 0.01), 0.0);
  // No critical input (threshold above every amount): labour and the plan alone.
  EXPECT_EQ(critical_input_capacity(stock, amount, 4, 1.0), 1e300);
  EXPECT_DOUBLE_EQ(leontief_output(labour, critical_input_capacity(stock, amount, 4, 1.0), 100.0),
                   30.0);
  // What is made still draws the tiny input as far as its stock goes: none here, all of
  // ⌈a·made⌉ with stock.
  EXPECT_EQ(input_used(0.0035, 20000000, 0), 0);
  EXPECT_EQ(input_used(0.0035, 20000000, 1000000), 70000);
}

TEST(RulesTest, FinancingScaleIsOneWhenAffordableAndScalesToCashOtherwise) {
  // Inputs 40 ≤ cash 100, inputs + wages 100 ≤ cash + sales 150: affordable.
  EXPECT_EQ(financing_scale(100.0, 50.0, 40.0, 60.0), 1.0);
  // Exactly affordable on both counts: no scaling (strict comparisons).
  EXPECT_EQ(financing_scale(100.0, 0.0, 100.0, 0.0), 1.0);
  EXPECT_EQ(financing_scale(100.0, 50.0, 40.0, 110.0), 1.0);
  EXPECT_EQ(financing_scale(0.0, 0.0, 0.0, 0.0), 1.0);  // nothing to pay
  // Inputs beyond cash: α = 50/100, with the 0.999 margin.
  EXPECT_DOUBLE_EQ(financing_scale(50.0, 1000.0, 100.0, 0.0), 0.4995);
  // Wages beyond cash plus sales: α = (100 + 50)/(50 + 250) = 0.5.
  EXPECT_DOUBLE_EQ(financing_scale(100.0, 50.0, 50.0, 250.0), 0.4995);
  // Both short: the tighter, min(60/100, 60/200) = 0.3.
  EXPECT_DOUBLE_EQ(financing_scale(60.0, 0.0, 100.0, 100.0), 0.2997);
  EXPECT_DOUBLE_EQ(financing_scale(60.0, 0.0, 100.0, 10.0), 0.999 * 0.5454545454545454);
  // No cash and no sales: nothing can be financed.
  EXPECT_EQ(financing_scale(0.0, 0.0, 10.0, 10.0), 0.0);
  std::mt19937_64 gen(21);
  std::uniform_real_distribution<double> money(0.0, 1e6);
  for (int i = 0; i < 100000; ++i) {
    const double m = money(gen), s = money(gen), e = money(gen), w = money(gen);
    const double a = financing_scale(m, s, e, w);
    ASSERT_GE(a, 0.0);
    ASSERT_LE(a, 1.0);
    // The scaled inputs fit in cash and the scaled bills in cash plus sales.
    ASSERT_LE(a * e, m);
    if (a < 1.0) {
      ASSERT_LE(a * (e + w), m + s);
    }
  }
}

TEST(RulesTest, InputUsedRoundsUpAndIsCappedByTheStock) {
  EXPECT_EQ(input_used(2.5, 3, 100), 8);  // ⌈7.5⌉
  EXPECT_EQ(input_used(2.0, 3, 100), 6);  // exact
  EXPECT_EQ(input_used(0.3, 1000000, std::int64_t{1} << 40), 300000);
  EXPECT_EQ(input_used(2.5, 3, 5), 5);  // stock cap
  EXPECT_EQ(input_used(2.5, 3, 8), 8);  // the stock just covers it
  EXPECT_EQ(input_used(2.5, 3, 0), 0);
  EXPECT_EQ(input_used(2.5, 0, 100), 0);  // nothing made, nothing used
}

TEST(RulesTest, ExcessStaffAndVacanciesFollowLabourDemand) {
  EXPECT_DOUBLE_EQ(excess_staff(10.0, 8.0), 0.2);  // (10 − 8)/10
  EXPECT_EQ(excess_staff(10.0, 0.0), 1.0);         // nobody wanted
  EXPECT_EQ(excess_staff(8.0, 10.0), 0.0);
  EXPECT_EQ(excess_staff(8.0, 8.0), 0.0);
  EXPECT_EQ(excess_staff(0.0, 0.0), 0.0);
  EXPECT_EQ(vacancies(10, 7), 3);
  EXPECT_EQ(vacancies(7, 10), 0);
  EXPECT_EQ(vacancies(7, 7), 0);
  EXPECT_EQ(vacancies(5, 0), 5);
}

TEST(RulesTest, StartingValuesAreThoseOfASteadyState) {
  // Wage: A in micro-units.
  EXPECT_EQ(starting_wage(1.5), 1500000);
  EXPECT_EQ(starting_wage(0.8), 800000);
  // Stocks: ι·y of output, θ·a·y of an input, truncated to micro-units.
  EXPECT_EQ(starting_stock(1.0, 1.0, 12.5), 12500000);
  EXPECT_EQ(starting_stock(2.0, 0.25, 12.5), 6250000);
  EXPECT_EQ(starting_stock(1.0, 1.0, 2.0000004), 2000000);
  EXPECT_EQ(starting_stock(1.5, 0.0, 12.5), 0);  // input not in the recipe
  EXPECT_EQ(starting_stock(1.0, 1.0, 0.0), 0);   // no staff
  // Cash: m_b·(w·L + 10⁶·c_in·y) + w = 2·(10⁷ + 10⁷) + 10⁶.
  EXPECT_EQ(starting_cash(2.0, 1000000, 10, 0.5, 20.0), 41000000);
  EXPECT_EQ(starting_cash(2.0, 1000000, 0, 0.5, 0.0), 1000000);  // no staff: one wage
  EXPECT_EQ(starting_cash(1.5, 3, 1, 0.0, 0.0), 7);              // ⌊4.5⌋ + 3
  // Households: their region's value added at capacity shared equally, and three times
  // that in cash.
  EXPECT_EQ(starting_income(18750000, 10), 1875000);
  EXPECT_EQ(starting_income(10, 3), 3);  // ⌊10/3⌋
  EXPECT_EQ(starting_income(1000, 0), 0);
  EXPECT_EQ(starting_income(-5, 2), 0);
  EXPECT_EQ(starting_household_cash(1875000, 0.9, 0.05), 5625000);  // 3·Y at the defaults
  EXPECT_EQ(starting_household_cash(0, 0.9, 0.05), 0);
  // The budget then equals the income, whatever the propensities.
  for (double c_y : {0.5, 0.8, 1.0}) {
    for (double c_w : {0.01, 0.05, 0.5}) {
      const std::int64_t cash = starting_household_cash(1000000, c_y, c_w);
      EXPECT_NEAR(static_cast<double>(household_budget(1000000, cash, c_y, c_w)), 1e6, 1.0)
          << c_y << " " << c_w;
    }
  }
  // No balance where nothing of wealth is spent: ten years of income beyond the month's.
  EXPECT_EQ(starting_household_cash(1000, 0.9, 0.0), 121000);
  // First hiring weight ⌊2²⁰·need·h⌋ + 1: never 0, so every firm can be drawn.
  EXPECT_EQ(hiring_weight(1.0, 1.0), 1048577);
  EXPECT_EQ(hiring_weight(2.0, 0.75), 1572865);
  EXPECT_EQ(hiring_weight(0.5, 0.0), 1);
  EXPECT_EQ(hiring_weight(1e-7, 1.0), 1);  // 0.10 → 0, plus 1
}

TEST(RulesTest, EntrantExpectsHalfTheOutputOfAnAverageFirm) {
  // ½·φ·A·H/F = ½·2·1.5·1000/100.
  EXPECT_DOUBLE_EQ(entrant_expected_sales(2.0, 1.5, 1000, 100), 15.0);
  EXPECT_DOUBLE_EQ(entrant_expected_sales(1.0, 1.0, 30, 4), 3.75);
  EXPECT_DOUBLE_EQ(entrant_expected_sales(2.0, 1.5, 1000, 0), 1500.0);  // firms at least 1
  EXPECT_EQ(entrant_expected_sales(2.0, 1.5, 0, 100), 0.0);             // no workforce
}

TEST(RulesTest, FilledQuantityRationsProportionally) {
  EXPECT_EQ(filled_quantity(30, 100, 100), 30);  // D = I: no rationing
  EXPECT_EQ(filled_quantity(30, 100, 60), 30);   // D < I
  EXPECT_EQ(filled_quantity(30, 50, 100), 15);   // half
  EXPECT_EQ(filled_quantity(10, 2, 3), 6);       // 10·2/3 = 6.67 → 6
  EXPECT_EQ(filled_quantity(7, 0, 10), 0);       // nothing in stock
  EXPECT_EQ(filled_quantity(7, -5, 10), 0);
  EXPECT_EQ(filled_quantity(0, 5, 10), 0);
  // Near 2^62 the product q·I overflows int64; it must not.
  const std::int64_t a = 3 * (kTwo62 / 4), b = kTwo62 / 4;  // D = 2^62
  const std::int64_t stock = kTwo62 / 2 + 12345;
  EXPECT_EQ(filled_quantity(a, stock, kTwo62), 3 * (kTwo62 / 8) + 9258);  // 3·12345/4 = 9258.75
  EXPECT_EQ(filled_quantity(b, stock, kTwo62), kTwo62 / 8 + 3086);        // 12345/4 = 3086.25
  EXPECT_EQ(filled_quantity(kTwo62 / 2, kTwo62 - 1, kTwo62), kTwo62 / 2 - 1);
  EXPECT_EQ(filled_quantity(std::numeric_limits<std::int64_t>::max(), kTwo62,
                            std::numeric_limits<std::int64_t>::max()),
            kTwo62);
}

// Σ filled never exceeds the stock, each order gets at most its quantity, and rounding
// loses less than one unit per order; with enough stock every order is filled in full.
void check_rationing(std::mt19937_64& gen, std::int64_t max_order) {
  std::uniform_int_distribution<int> count(1, 60);
  std::uniform_int_distribution<std::int64_t> size(0, max_order);
  std::vector<std::int64_t> orders(static_cast<std::size_t>(count(gen)));
  std::int64_t demand = 0;
  for (std::int64_t& q : orders) {
    q = size(gen);
    demand += q;
  }
  std::uniform_int_distribution<std::int64_t> stock_of(0, demand < kTwo62 ? 2 * demand : demand);
  const std::int64_t stock = stock_of(gen);
  std::int64_t filled = 0;
  for (std::int64_t q : orders) {
    const std::int64_t f = filled_quantity(q, stock, demand);
    ASSERT_GE(f, 0);
    ASSERT_LE(f, q);
    if (demand <= stock) {
      ASSERT_EQ(f, q);
    }
    filled += f;
  }
  ASSERT_LE(filled, stock) << orders.size() << " orders, demand " << demand;
  if (demand > stock) {
    ASSERT_GT(filled, stock - static_cast<std::int64_t>(orders.size()));
  }
}

TEST(RulesTest, FilledQuantityNeverShipsMoreThanTheStock) {
  std::mt19937_64 gen(20240601);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_NO_FATAL_FAILURE(check_rationing(gen, 1000));
    ASSERT_NO_FATAL_FAILURE(check_rationing(gen, std::int64_t{1} << 40));
    ASSERT_NO_FATAL_FAILURE(check_rationing(gen, kTwo62 / 64));  // Σ up to 2^62 − …
  }
}

TEST(RulesTest, DeliveredQuantityMeltsByTheIceberg) {
  EXPECT_EQ(delivered_quantity(1000, 1.25), 800);
  EXPECT_EQ(delivered_quantity(1000, 1.0), 1000);
  EXPECT_EQ(delivered_quantity(999, 1.5), 666);
  EXPECT_EQ(delivered_quantity(0, 1.3), 0);
  std::mt19937_64 gen(13);
  std::uniform_int_distribution<std::int64_t> shipped(0, std::int64_t{1} << 50);
  std::uniform_real_distribution<double> iceberg(1.0, 3.0);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t q = shipped(gen);
    const std::int64_t d = delivered_quantity(q, iceberg(gen));
    ASSERT_GE(d, 0);
    ASSERT_LE(d, q);
  }
}

TEST(RulesTest, PaymentAndDutyAreTruncated) {
  EXPECT_EQ(payment_for(2.5, 1000), 2500);
  EXPECT_EQ(payment_for(1.5, 3), 4);  // 4.5 → 4
  EXPECT_EQ(payment_for(0.999, 1), 0);
  EXPECT_EQ(payment_for(3.0, 0), 0);
  EXPECT_EQ(payment_for(1.0, std::int64_t{1} << 52), std::int64_t{1} << 52);
  EXPECT_EQ(duty_on(1000, 0.05), 50);
  EXPECT_EQ(duty_on(999, 0.1), 99);  // 99.9 → 99
  EXPECT_EQ(duty_on(1000, 0.0), 0);
  EXPECT_EQ(duty_on(0, 0.25), 0);
  EXPECT_EQ(duty_on(400, 0.25), 100);
}

TEST(RulesTest, HouseholdBudgetIsNeverAboveCashNorNegative) {
  EXPECT_EQ(household_budget(1000, 3000, 0.9, 0.05), 1000);  // 900 + 0.05·2000
  EXPECT_EQ(household_budget(1000, 500, 0.9, 0.05), 500);    // capped at cash
  EXPECT_EQ(household_budget(0, 10000, 0.9, 0.05), 500);     // wealth only
  EXPECT_EQ(household_budget(-100, 1000, 0.9, 0.05), 55);    // no negative income spent
  EXPECT_EQ(household_budget(1000, 0, 0.9, 0.05), 0);
  EXPECT_EQ(household_budget(1000, 3000, 0.0, 0.0), 0);
  std::mt19937_64 gen(14);
  std::uniform_int_distribution<std::int64_t> income(-(std::int64_t{1} << 40),
                                                     std::int64_t{1} << 40);
  std::uniform_int_distribution<std::int64_t> cash(0, std::int64_t{1} << 42);
  std::uniform_real_distribution<double> share(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t m = cash(gen);
    const std::int64_t b = household_budget(income(gen), m, share(gen), share(gen));
    ASSERT_GE(b, 0);
    ASSERT_LE(b, m);
  }
}

TEST(RulesTest, HouseholdOrderBillIncludingDutyStaysWithinItsShare) {
  EXPECT_EQ(household_order(1000, 0.5, 2.0, 0.0), 250);
  EXPECT_EQ(household_order(1000, 0.5, 2.0, 0.25), 200);  // 500 / 2.5
  EXPECT_EQ(household_order(1000, 0.3, 7.0, 0.1), 38);    // 300 / 7.7 = 38.96
  EXPECT_EQ(household_order(0, 0.5, 2.0, 0.1), 0);
  std::mt19937_64 gen(15);
  std::uniform_int_distribution<std::int64_t> budget(0, std::int64_t{1} << 40);
  std::uniform_real_distribution<double> share(0.01, 1.0), log_price(-7.0, 7.0), tariff(0.0, 1.0);
  for (int i = 0; i < 300000; ++i) {
    const std::int64_t b = budget(gen);
    const double s = share(gen), p = std::exp(log_price(gen)), t = i % 3 == 0 ? 0.0 : tariff(gen);
    const std::int64_t q = household_order(b, s, p, t);
    const std::int64_t pay = payment_for(p, q);
    const std::int64_t bill = pay + duty_on(pay, t);
    const double allowed = s * static_cast<double>(b);
    ASSERT_GE(q, 0);
    ASSERT_LE(static_cast<double>(bill), allowed) << "budget " << b << " share " << s << " price "
                                                  << p << " tariff " << t << " quantity " << q;
    // And it spends the share: one more unit would not fit.
    ASSERT_GT(p * (1.0 + t) * static_cast<double>(q + 1), allowed * (1.0 - 1e-12));
  }
}

TEST(RulesTest, AdjustPriceMovesTowardMarkupAndRespondsToPressure) {
  // Target (1+μ)·c = 1.25·8 = 10: a price at the target stays.
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 1.0), 10.0);
  // Half the way from 12 to 10.
  EXPECT_DOUBLE_EQ(adjust_price(12.0, 8.0, 0.25, 0.5, 0.05, 1.0), 11.0);
  // Nothing to sell at all: up by η.
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 0.0), 10.5);
  // Overstocked by half the target: down by η/2; by twice or more: down by η.
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 1.5), 9.75);
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 2.0), 9.5);
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 50.0), 9.5);
  // Short by 80%: up by 0.8·η.
  EXPECT_DOUBLE_EQ(adjust_price(10.0, 8.0, 0.25, 0.5, 0.05, 0.2), 10.4);
  // Floor at unit cost.
  EXPECT_EQ(adjust_price(5.0, 8.0, 0.0, 0.0, 0.05, 1.0), 8.0);
  EXPECT_EQ(adjust_price(8.0, 8.0, 0.0, 1.0, 0.05, 2.0), 8.0);  // 7.6 → 8
  std::mt19937_64 gen(16);
  std::uniform_real_distribution<double> price(0.01, 100.0), markup(0.0, 0.5), share(0.0, 1.0),
      speed(0.0, 0.2), ratio(0.0, 4.0);
  for (int i = 0; i < 100000; ++i) {
    const double p = price(gen), c = price(gen), mu = markup(gen), k = share(gen), eta = speed(gen);
    const double r = ratio(gen), lower = r * share(gen);
    const double plain = adjust_price(p, c, mu, k, eta, 1.0);
    const double pressed = adjust_price(p, c, mu, k, eta, r);
    ASSERT_GE(pressed, c);
    ASSERT_GE(plain, c);
    // Monotone: a weaker signal never gives a lower price.
    ASSERT_GE(adjust_price(p, c, mu, k, eta, lower), pressed);
    if (r >= 1.0) {
      ASSERT_LE(pressed, plain);
    } else {
      ASSERT_GE(pressed, plain);
    }
  }
}

TEST(RulesTest, MarketSignalIsTheShortfallWhenShortAndTheStockRatioOtherwise) {
  // A seller that served 90 of 100 ordered units: x = 1 − 3·0.1 = 0.7, whatever its (empty)
  // stock says; short by a third or more, x ≤ 0: the full η.
  EXPECT_NEAR(market_signal(90.0, 100.0, 0.0), 0.7, 1e-12);
  EXPECT_NEAR(market_signal(50.0, 100.0, 0.0), -0.5, 1e-12);
  EXPECT_DOUBLE_EQ(market_signal(0.0, 100.0, 0.0), -2.0);
  // Every order served: the stock relative to its target decides.
  EXPECT_DOUBLE_EQ(market_signal(100.0, 100.0, 1.5), 1.5);
  EXPECT_DOUBLE_EQ(market_signal(0.0, 0.0, 2.0), 2.0);
  // Serving 90% presses the price up 0.3 as hard as serving nothing, two thirds or less as hard.
  const auto up = [](double served) {
    return adjust_price(10.0, 8.0, 0.25, 0.0, 0.05, market_signal(served, 100.0, 0.0)) - 10.0;
  };
  EXPECT_NEAR(up(0.0), 0.5, 1e-12);
  EXPECT_NEAR(up(90.0), 0.15, 1e-12);
  EXPECT_NEAR(up(60.0), 0.5, 1e-12);
  for (double served = 0.0; served + 0.5 < 100.0; served += 0.5)
    ASSERT_LE(up(served + 0.5), up(served));
}

TEST(RulesTest, UpdateExpectationIsAdaptive) {
  EXPECT_DOUBLE_EQ(update_expectation(10.0, 20.0, 0.3), 13.0);
  EXPECT_DOUBLE_EQ(update_expectation(10.0, 0.0, 0.5), 5.0);
  EXPECT_EQ(update_expectation(10.0, 20.0, 0.0), 10.0);
  EXPECT_EQ(update_expectation(10.0, 20.0, 1.0), 20.0);
  EXPECT_EQ(update_expectation(7.0, 7.0, 0.3), 7.0);
}

TEST(RulesTest, AdjustWageFollowsUnemploymentAndVacancies) {
  const std::int64_t w = 1000000;
  // At the normal rate nothing moves, and vacancies do not matter there.
  EXPECT_EQ(adjust_wage(w, 0.0, 0.05, 0.05, 0.1, 0.01), w);
  EXPECT_EQ(adjust_wage(w, 0.5, 0.05, 0.05, 0.1, 0.01), w);
  // Scarce labour: the regional rise 0.1·0.02 = 0.2%, and a firm with 20% of its jobs open
  // 20% more, 0.1·0.02·1.2 = 0.24%.
  EXPECT_NEAR(adjust_wage(w, 0.2, 0.03, 0.05, 0.1, 0.01), 1002400, 1);
  EXPECT_NEAR(adjust_wage(w, 0.0, 0.03, 0.05, 0.1, 0.01), 1002000, 1);
  EXPECT_NEAR(adjust_wage(w, 3.0, 0.03, 0.05, 0.1, 0.01), 1004000, 1);  // at most twice
  // Rises stop at 5%.
  EXPECT_EQ(adjust_wage(w, 1.0, 0.0, 0.05, 10.0, 0.01), 1050000);
  // Slack: a small cut, 0.1·0.05 = 0.5%, vacancies ignored.
  EXPECT_NEAR(adjust_wage(w, 0.0, 0.10, 0.05, 0.1, 0.01), 995000, 1);
  EXPECT_EQ(adjust_wage(w, 0.9, 0.10, 0.05, 0.1, 0.01), adjust_wage(w, 0.0, 0.10, 0.05, 0.1, 0.01));
  // Deep slack: the cut stops at cut_limit.
  EXPECT_EQ(adjust_wage(w, 0.0, 0.50, 0.05, 1.0, 0.01), 990000);
  EXPECT_EQ(adjust_wage(w, 0.0, 0.50, 0.05, 1.0, 0.03), 970000);
  // Never below one micro-unit.
  EXPECT_EQ(adjust_wage(1, 0.0, 0.5, 0.05, 1.0, 0.5), 1);
  std::mt19937_64 gen(17);
  std::uniform_int_distribution<std::int64_t> wage(1, std::int64_t{1} << 40);
  std::uniform_real_distribution<double> rate(0.0, 1.0), speed(0.0, 2.0), cut(0.0, 0.1);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t w0 = wage(gen);
    const double v = rate(gen), u = rate(gen) * 0.3, target = rate(gen) * 0.1, k = speed(gen);
    const double limit = cut(gen);
    const std::int64_t next = adjust_wage(w0, v, u, target, k, limit);
    const double w0d = static_cast<double>(w0);
    ASSERT_LE(static_cast<double>(next), std::max(1.0, std::floor(w0d * 1.05) + 1.0));
    ASSERT_GE(static_cast<double>(next), std::floor(w0d * (1.0 - limit)) - 1.0);
    ASSERT_GE(next, 1);
    if (u >= target) {
      ASSERT_EQ(next, adjust_wage(w0, 0.0, u, target, k, limit)) << "vacancies counted";
    } else {
      ASSERT_GE(next, adjust_wage(w0, v / 2, u, target, k, limit)) << "more vacancies, lower wage";
    }
  }
}

}  // namespace
}  // namespace entrepot
