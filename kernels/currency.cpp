// The currency market that closes each step: each currency's rate moves with its excess
// supply from the step's payments across borders and the capital-flow rule, and a central
// bank that manages its rate holds it within its band from its reserves (agents/currency.h).
// Host arithmetic on replicated, all-rank totals: every rank finds the same rates.
#include "agents/currency.h"

#include "kernels/phases.h"

namespace entrepot {
namespace {

struct Market {
  std::int64_t excess;  // excess supply of the currency this step (micro-units)
  double pressure;      // the excess over the step's trade in it, in [−1, 1]
};

// Currency c's market this step, where foreigners anchor it at `anchor` and it stands at
// `value`: net payments abroad, plus 1/H of what foreigners hold privately from earlier steps
// (all they hold, less this step's net payments and what the central bank bought back)
// beyond what they seek to hold.
Market market_of(std::size_t c, double value, double anchor, const Behaviour& b,
                 const Economy& economy, const TradeFlows& flows,
                 const std::vector<std::int64_t>& money) {
  const std::int64_t net = flows.imports[c] - flows.exports[c];
  const std::int64_t held = economy.foreign_held[c] - net - economy.official_held[c];
  const double desired =
      desired_holdings(static_cast<double>(money[c]), value, anchor, b.capital_anchor);
  const std::int64_t excess =
      currency_excess(flows.imports[c], flows.exports[c], held, desired, b.capital_horizon);
  return Market{excess, currency_pressure(excess, flows.imports[c], flows.exports[c])};
}

// The reference currency's value against all the others, 1/e_c weighted by each one's trade
// this step (1 at the start, and where nobody trades).
double reference_value(std::size_t reference, const std::vector<double>& rates,
                       const TradeFlows& flows) {
  double weighted = 0.0, weights = 0.0;
  for (std::size_t c = 0; c < rates.size(); ++c) {
    const double w = static_cast<double>(flows.imports[c]) + static_cast<double>(flows.exports[c]);
    if (c == reference || !(w > 0.0) || !(rates[c] > 0.0)) continue;
    weighted += w / rates[c];
    weights += w;
  }
  return weights > 0.0 ? weighted / weights : 1.0;
}

}  // namespace

void clear_currency_market(const Setting& setting, int reference, Economy& economy,
                           const TradeFlows& flows, const std::vector<std::int64_t>& money,
                           int step) {
  const Behaviour& b = setting.behaviour;
  const std::vector<Currency>& regimes = setting.world.currency;  // in force this step
  // The reference currency floats against all the others together: its excess supply (a
  // deficit, or foreigners selling what they hold of it) moves every other rate up alike.
  // Foreigners anchor it as they do the others, on its value against them, at 1.
  double reference_move = 1.0;
  if (reference >= 0 && static_cast<std::size_t>(reference) < regimes.size()) {
    const std::size_t r = static_cast<std::size_t>(reference);
    const double value = reference_value(r, economy.exchange_rate, flows);
    reference_move = floating_rate(1.0, market_of(r, value, 1.0, b, economy, flows, money).pressure,
                                   b.exchange_response);
  }
  for (std::size_t c = 0; c < regimes.size(); ++c) {
    const Currency& currency = regimes[c];
    double& rate = economy.exchange_rate[c];
    // The reference currency's market is the mirror of all the others': its rate stays 1.
    if (static_cast<int>(c) == reference) continue;
    // Reserves are set at the first step from what the country then imports.
    if (step == 1) {
      economy.reserves[c] = setting.world.scenario().countries[c].currency.reserve_months *
                            setting.steps_per_year / 12.0 * static_cast<double>(flows.imports[c]) *
                            rate;
    }
    // Foreigners expect the rate back at its parity: a managed currency's, else the start's 1.
    const Market market = market_of(c, rate, currency.parity, b, economy, flows, money);
    if (currency.regime == CurrencyRegime::floating) {
      rate = floating_rate(rate / reference_move, market.pressure, b.exchange_response);
      continue;
    }
    // A managed currency is held against the reference by its own central bank.
    const double floating = floating_rate(rate, market.pressure, b.exchange_response);
    if (setting.world.currency_since[c] == step) {
      // A new parity or band is announced, and the market trades at it from the next step
      // (a devaluation or revaluation): the rate moves into the band at once.
      rate = within_band(floating, currency.parity, currency.band);
      continue;
    }
    const Managed m =
        managed_rate(floating, currency.parity, currency.band, economy.reserves[c], market.excess);
    rate = m.rate;
    economy.reserves[c] = m.reserves;
    economy.official_held[c] += m.bought;
  }
}

}  // namespace entrepot
