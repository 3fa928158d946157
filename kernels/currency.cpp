// The currency market that closes each step: each currency's rate moves with its excess
// supply from the step's payments across borders and the capital-flow rule, and a central
// bank that manages its rate holds it within its band from its reserves (agents/currency.h).
// Host arithmetic on replicated, all-rank totals: every rank finds the same rates.
#include "agents/currency.h"

#include "kernels/phases.h"

namespace entrepot {

void clear_currency_market(const Setting& setting, int reference, Economy& economy,
                           const TradeFlows& flows, const std::vector<std::int64_t>& money,
                           int step) {
  const Behaviour& b = setting.behaviour;
  const std::vector<Currency>& regimes = setting.world.currency;  // in force this step
  // The reference currency floats against all the others together: its excess supply (a
  // deficit, or foreigners selling what they hold of it) moves every other rate up alike.
  // Foreigners anchor it as they do the others, on its value against them, weighted by
  // each one's trade this step (1 at the start).
  double reference_move = 1.0;
  if (reference >= 0 && static_cast<std::size_t>(reference) < regimes.size()) {
    const std::size_t r = static_cast<std::size_t>(reference);
    double weighted = 0.0, weights = 0.0;
    for (std::size_t c = 0; c < regimes.size(); ++c) {
      const double w =
          static_cast<double>(flows.imports[c]) + static_cast<double>(flows.exports[c]);
      if (c == r || !(w > 0.0) || !(economy.exchange_rate[c] > 0.0)) continue;
      weighted += w / economy.exchange_rate[c];
      weights += w;
    }
    const double value = weights > 0.0 ? weighted / weights : 1.0;
    const std::int64_t net = flows.imports[r] - flows.exports[r];
    const std::int64_t held = economy.foreign_held[r] - net - economy.official_held[r];
    const double desired =
        desired_holdings(static_cast<double>(money[r]), value, 1.0, b.capital_anchor);
    const std::int64_t excess =
        currency_excess(flows.imports[r], flows.exports[r], held, desired, b.capital_horizon);
    reference_move = floating_rate(
        1.0, currency_pressure(excess, flows.imports[r], flows.exports[r]), b.exchange_response);
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
    // What foreigners hold privately from earlier steps: all they hold, less this step's
    // net payments and what the central bank bought back.
    const std::int64_t net = flows.imports[c] - flows.exports[c];
    const std::int64_t held = economy.foreign_held[c] - net - economy.official_held[c];
    // Foreigners expect the rate back at its parity: a managed currency's, else the start's 1.
    const double desired =
        desired_holdings(static_cast<double>(money[c]), rate, currency.parity, b.capital_anchor);
    const std::int64_t excess =
        currency_excess(flows.imports[c], flows.exports[c], held, desired, b.capital_horizon);
    const double pressure = currency_pressure(excess, flows.imports[c], flows.exports[c]);
    if (currency.regime == CurrencyRegime::floating) {
      rate = floating_rate(rate / reference_move, pressure, b.exchange_response);
      continue;
    }
    // A managed currency is held against the reference by its own central bank.
    const double floating = floating_rate(rate, pressure, b.exchange_response);
    if (setting.world.currency_since[c] == step) {
      // A new parity or band is announced, and the market trades at it from the next step
      // (a devaluation or revaluation): the rate moves into the band at once.
      rate = within_band(floating, currency.parity, currency.band);
      continue;
    }
    const Managed m =
        managed_rate(floating, currency.parity, currency.band, economy.reserves[c], excess);
    rate = m.rate;
    economy.reserves[c] = m.reserves;
    economy.official_held[c] += m.bought;
  }
}

}  // namespace entrepot
