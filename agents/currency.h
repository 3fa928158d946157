// Currencies: how a country's exchange rate moves in the currency market, and how a
// central bank that manages its rate intervenes. The rules of the currency market that
// closes each step (kernels/currency.cpp). Rates are US$ per unit of the currency, 1 for
// every currency at the start. Equations in docs/model.md §4.8.
#pragma once

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// Units of the buyer's currency per unit of the seller's: what one unit of a price in the
// seller's currency costs the buyer. Exactly 1 between two currencies at the same rate.
ENTREPOT_HD double cross_rate(double seller_rate, double buyer_rate) {
  return seller_rate / buyer_rate;
}

// What foreigners seek to hold of a currency, in its micro-units: a portfolio balance
// (Branson 1977) with regressive expectations (Dornbusch 1976). Below its parity x̄ they
// expect the rate to return and hold the share φ of its money stock M for each unit of
// that expected appreciation, φ·M·(x̄/x − 1); above it they hold less, or owe it.
ENTREPOT_HD double desired_holdings(double money, double rate, double parity, double anchor) {
  return anchor * money * (parity / rate - 1.0);
}

// The excess supply of a currency in one step: what the country's buyers sold of it to pay
// abroad (`imports`) less what its sellers were paid in it from abroad (`exports`), plus the
// share 1/H of what foreigners hold from earlier steps (`held`) beyond what they seek to
// hold (`desired`): they sell the difference off, or buy it in, over about H steps.
// In the currency's micro-units; negative: excess demand.
ENTREPOT_HD std::int64_t currency_excess(std::int64_t imports, std::int64_t exports,
                                         std::int64_t held, double desired, double horizon) {
  const double flow = (static_cast<double>(held) - desired) / horizon;
  const double bounded = flow > 9e18 ? 9e18 : (flow < -9e18 ? -9e18 : flow);
  return imports - exports + static_cast<std::int64_t>(bounded);
}

// The pressure on a currency, in [−1, 1]: its excess supply relative to the step's trade in
// it (imports + exports). Positive: more of it is offered than asked for.
ENTREPOT_HD double currency_pressure(std::int64_t excess, std::int64_t imports,
                                     std::int64_t exports) {
  const double volume = static_cast<double>(imports) + static_cast<double>(exports);
  if (!(volume > 0.0)) return 0.0;
  const double p = static_cast<double>(excess) / volume;
  return p > 1.0 ? 1.0 : (p < -1.0 ? -1.0 : p);
}

// A floating rate after one step: e·(1 − κ·pressure), a tâtonnement on the currency's excess
// supply (κ ≤ 0.5 keeps it positive).
ENTREPOT_HD double floating_rate(double rate, double pressure, double response) {
  return rate * (1.0 - response * pressure);
}

// What a managed currency does in one step: the rate, the reserves left (US$ micro-units)
// and what the central bank bought of its own currency (negative: sold).
struct Managed {
  double rate;
  double reserves;
  std::int64_t bought;
};

// A central bank keeps its rate within parity·(1 ± band): where the market rate `floating`
// would leave the band it holds the edge by taking the step's whole excess supply of its
// currency at the edge's rate, paying with reserves at the weak edge and adding to them at
// the strong edge. Without the reserves to hold the weak edge it lets the currency float; a
// rate outside the band that is moving back towards it is left to the market.
ENTREPOT_HD Managed managed_rate(double floating, double parity, double band, double reserves,
                                 std::int64_t excess) {
  const double low = parity * (1.0 - band), high = parity * (1.0 + band);
  const bool weak = floating < low && excess > 0, strong = floating > high && excess < 0;
  if (!weak && !strong) return Managed{floating, reserves, 0};
  const double edge = weak ? low : high;
  const double cost = static_cast<double>(excess) * edge;  // US$ micro-units
  if (cost > reserves) return Managed{floating, reserves, 0};
  return Managed{edge, reserves - cost, excess};
}

// The nearest rate to `rate` within parity·(1 ± band).
ENTREPOT_HD double within_band(double rate, double parity, double band) {
  const double low = parity * (1.0 - band), high = parity * (1.0 + band);
  return rate < low ? low : (rate > high ? high : rate);
}

}  // namespace entrepot
