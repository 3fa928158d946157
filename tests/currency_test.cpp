// Currencies (agents/currency.h, kernels/currency.cpp): the rules on hand-worked numbers, and
// in the generated world a productivity shock that weakens the country's currency, central
// banks that hold a band or a peg from their reserves, and money conserved in every currency.
#include "agents/currency.h"

#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "kernels/model.h"
#include "tests/device_required.h"
#include "world/generated.h"

namespace entrepot {
namespace {

TEST(CurrencyRulesTest, CrossRateConvertsTheSellersPriceIntoTheBuyersCurrency) {
  EXPECT_EQ(cross_rate(1.0, 1.0), 1.0);
  // A seller's currency worth US$0.5, a buyer's worth US$2: a quarter unit of the buyer's.
  EXPECT_DOUBLE_EQ(cross_rate(0.5, 2.0), 0.25);
}

TEST(CurrencyRulesTest, ExcessSupplyIsNetPaymentsAbroadPlusAShareOfForeignHoldings) {
  EXPECT_EQ(currency_excess(1000, 600, 0, 0.0, 12.0), 400);
  EXPECT_EQ(currency_excess(1000, 600, 1200, 0.0, 12.0), 500);
  EXPECT_EQ(currency_excess(600, 1000, -2400, 0.0, 12.0), -600);
  // Holdings foreigners seek to keep are not offered; beyond them they buy.
  EXPECT_EQ(currency_excess(1000, 600, 1200, 600.0, 12.0), 450);
  EXPECT_EQ(currency_excess(1000, 600, 1200, 6000.0, 12.0), 0);
}

TEST(CurrencyRulesTest, ForeignersHoldMoreOfACurrencyTheFurtherItFellBelowParity) {
  EXPECT_EQ(desired_holdings(1e9, 1.0, 1.0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(desired_holdings(1e9, 0.5, 1.0, 0.5), 0.5e9);  // expects it to double
  EXPECT_DOUBLE_EQ(desired_holdings(1e9, 0.25, 1.0, 0.5), 1.5e9);
  EXPECT_DOUBLE_EQ(desired_holdings(1e9, 2.0, 1.0, 0.5), -0.25e9);  // above: expects a fall
  EXPECT_EQ(desired_holdings(1e9, 0.25, 1.0, 0.0), 0.0);            // φ = 0: no anchor
  EXPECT_DOUBLE_EQ(desired_holdings(1e9, 0.9, 0.9, 0.5), 0.0);      // at a managed parity
}

TEST(CurrencyRulesTest, PressureIsTheExcessOverTradeAndBounded) {
  EXPECT_DOUBLE_EQ(currency_pressure(400, 1000, 600), 0.25);
  EXPECT_DOUBLE_EQ(currency_pressure(-400, 600, 1000), -0.25);
  EXPECT_EQ(currency_pressure(5000, 100, 0), 1.0);
  EXPECT_EQ(currency_pressure(100, 0, 0), 0.0);  // no trade, no market
}

TEST(CurrencyRulesTest, AFloatingRateFallsWithExcessSupplyAndRisesWithExcessDemand) {
  EXPECT_DOUBLE_EQ(floating_rate(1.0, 0.25, 0.1), 0.975);
  EXPECT_DOUBLE_EQ(floating_rate(2.0, -0.5, 0.1), 2.1);
  EXPECT_EQ(floating_rate(1.3, 0.0, 0.1), 1.3);
}

TEST(CurrencyRulesTest, ACentralBankHoldsItsBandWhileItsReservesLast) {
  // Inside the band the market rate stands.
  Managed m = managed_rate(0.99, 1.0, 0.02, 5000.0, 300);
  EXPECT_EQ(m.rate, 0.99);
  EXPECT_EQ(m.reserves, 5000.0);
  EXPECT_EQ(m.bought, 0);
  // Below it: the bank buys the excess 300 at the weak edge 0.98, paying 294 of reserves.
  m = managed_rate(0.97, 1.0, 0.02, 5000.0, 300);
  EXPECT_EQ(m.rate, 0.98);
  EXPECT_DOUBLE_EQ(m.reserves, 5000.0 - 300 * 0.98);
  EXPECT_EQ(m.bought, 300);
  // Above it: the bank sells its currency for reserves at the strong edge.
  m = managed_rate(1.05, 1.0, 0.02, 5000.0, -400);
  EXPECT_EQ(m.rate, 1.02);
  EXPECT_DOUBLE_EQ(m.reserves, 5000.0 + 400 * 1.02);
  EXPECT_EQ(m.bought, -400);
  // Without the reserves for the weak edge the currency floats.
  m = managed_rate(0.97, 1.0, 0.02, 100.0, 300);
  EXPECT_EQ(m.rate, 0.97);
  EXPECT_EQ(m.reserves, 100.0);
  EXPECT_EQ(m.bought, 0);
  // Below the band but in demand again: the market brings it back, the bank stays out.
  m = managed_rate(0.9, 1.0, 0.02, 5000.0, -50);
  EXPECT_EQ(m.rate, 0.9);
  EXPECT_EQ(m.bought, 0);
  // A peg: band 0 holds the parity exactly.
  m = managed_rate(1.01, 1.0, 0.0, 5000.0, -10);
  EXPECT_EQ(m.rate, 1.0);
}

constexpr int kJapan = 3, kJapanRegion = 6, kChina = 0;
constexpr int kShock = 13, kSteps = 60;

struct Rates {
  std::vector<StepStatistics> steps;
};

Scenario generated(const std::vector<Event>& events) {
  Scenario sc = generated_world(20000, 11);
  sc.steps = kSteps;
  sc.burn_in = kShock - 1;
  sc.events = events;
  return sc;
}

// Runs the scenario, checking each currency's money against its start every step (the step
// itself throws when one differs; this states it in the test).
Rates run(const Scenario& sc) {
  World world(sc);
  Model model(sc, world);
  Rates out;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    EXPECT_EQ(model.stats.country_money, model.initial_country_money) << "step " << step;
    out.steps.push_back(model.stats);
  }
  return out;
}

double mean_rate(const Rates& r, int country, int first, int last) {
  double total = 0.0;
  for (int step = first; step <= last; ++step) total += r.steps[step - 1].exchange_rate[country];
  return total / (last - first + 1);
}

// A region's output per worker halved from kShock to the end of the run.
Event halved(int region) {
  Event shock;
  shock.step = kShock;
  shock.kind = EventKind::capacity;
  shock.region = region;
  shock.factor = 0.5;
  shock.duration = kSteps - kShock + 1;
  return shock;
}

// Japan's output per worker halves for the rest of the run: its goods cost more, it sells less
// abroad and buys more there, and its currency weakens against the control run's.
TEST(CurrencyTest, AProductivityShockWeakensTheCountrysCurrency) {
  ENTREPOT_REQUIRE_DEVICE();
  const Rates control = run(generated({})), shocked = run(generated({halved(kJapanRegion)}));
  EXPECT_EQ(shocked.steps[kShock - 1].exchange_rate, control.steps[kShock - 1].exchange_rate)
      << "the same rates until the shock has traded for a step";
  const double before = mean_rate(control, kJapan, kSteps - 11, kSteps);
  const double after = mean_rate(shocked, kJapan, kSteps - 11, kSteps);
  std::cout << "yen over the last year: control " << before << ", shocked " << after << "\n";
  EXPECT_LT(after, before * 0.97);
  // The weaker yen follows from more of it offered abroad.
  EXPECT_GT(shocked.steps.back().foreign_held[kJapan], control.steps.back().foreign_held[kJapan]);
  // The reference currency stays 1.
  for (const StepStatistics& st : shocked.steps) EXPECT_EQ(st.exchange_rate[1], 1.0);
}

// The United States' output per worker halves: the reference currency is then offered abroad
// more than it is asked for, and it weakens against all the others, so the floating euro and
// yen rise against it while its own rate stays 1.
TEST(CurrencyTest, AShockToTheReferenceCountryRaisesTheOtherRates) {
  ENTREPOT_REQUIRE_DEVICE();
  constexpr int kUnitedStates = 1, kEurope = 2;
  const Rates control = run(generated({})), shocked = run(generated({halved(3), halved(4)}));
  for (int country : {kEurope, kJapan}) {
    const double before = mean_rate(control, country, kSteps - 11, kSteps);
    const double after = mean_rate(shocked, country, kSteps - 11, kSteps);
    std::cout << "country " << country << " over the last year: control " << before
              << ", US shocked " << after << "\n";
    EXPECT_GT(after, before * 1.03);
  }
  EXPECT_GT(shocked.steps.back().foreign_held[kUnitedStates],
            control.steps.back().foreign_held[kUnitedStates]);
  for (const StepStatistics& st : shocked.steps) EXPECT_EQ(st.exchange_rate[kUnitedStates], 1.0);
}

// China's managed renminbi stays within ±2% of its parity, and a peg holds it exactly, paid
// for from reserves that move.
TEST(CurrencyTest, ManagedCurrenciesStayInTheirBandFromReserves) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = generated({});
  ASSERT_EQ(sc.countries[kChina].currency.regime, CurrencyRegime::managed);
  sc.countries[kChina].currency.band = 0.005;
  sc.countries[kJapan].currency = Currency{CurrencyRegime::managed, 1.0, 0.0, 60.0};
  const Rates r = run(sc);
  bool china_intervened = false;
  for (const StepStatistics& st : r.steps) {
    EXPECT_GE(st.exchange_rate[kChina], 0.995 - 1e-12) << "step " << st.step;
    EXPECT_LE(st.exchange_rate[kChina], 1.005 + 1e-12) << "step " << st.step;
    EXPECT_EQ(st.exchange_rate[kJapan], 1.0) << "step " << st.step;
    EXPECT_GT(st.reserves[kJapan], 0.0);
    china_intervened = china_intervened || st.reserves[kChina] != r.steps[0].reserves[kChina];
  }
  EXPECT_TRUE(china_intervened);
  EXPECT_NE(r.steps.back().reserves[kJapan], r.steps[0].reserves[kJapan]);
}

// A devaluation: Japan pegs its floating yen at 0.9 US$ from the shock on. The rate is 0.9
// from the next step, held there by the central bank (selling yen for reserves when the
// market would have it stronger, while it has reserves for the other side).
TEST(CurrencyTest, ACurrencyEventDevaluesTheYen) {
  ENTREPOT_REQUIRE_DEVICE();
  Event devaluation;
  devaluation.step = kShock;
  devaluation.kind = EventKind::currency;
  devaluation.country = kJapan;
  devaluation.currency = Currency{CurrencyRegime::managed, 0.9, 0.0, 0.0};
  const Rates r = run(generated({devaluation}));
  EXPECT_NE(r.steps[kShock - 1].exchange_rate[kJapan], 0.9) << "floating until the event";
  std::size_t held = 0;
  for (int step = kShock + 1; step <= kSteps; ++step) {
    held += r.steps[step - 1].exchange_rate[kJapan] == 0.9 ? 1 : 0;
  }
  EXPECT_EQ(r.steps[kShock].exchange_rate[kJapan], 0.9) << "the new parity at once";
  std::cout << "steps at the peg after the devaluation: " << held << " of " << kSteps - kShock
            << "\n";
  EXPECT_GT(held, static_cast<std::size_t>((kSteps - kShock) / 2));
}

}  // namespace
}  // namespace entrepot
