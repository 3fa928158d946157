// Firms that move between regions (docs/model.md §4.14). Capital is footloose and
// follows profit per firm (the footloose-capital model of Martin & Rogers 1995; Baldwin et al.
// 2003, ch. 3): a firm that weighs a move compares how its block's profit per firm changed
// with how that of the same sector in another region did, both smoothed over a year and in
// US$, and moves when the difference over its horizon pays the move's cost net of any
// subsidy. Moves are lumpy and
// costly (sunk relocation costs; Pellenbarg, van Wissen & van Dijk 2002 on firm migration),
// so a region's firms leave a little at a time, as the gap persists.
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/records.h"

namespace entrepot {

// Whether site k of a block's m sites starts free, `free` of them spread evenly over the
// block's productivity ranks, so that the firms keep the block's distribution of φ and a
// firm moving in finds a free site near its own rank (world/layout.h, reserve_sites).
ENTREPOT_HD bool starts_free(std::int64_t k, std::int64_t m, std::int64_t free) {
  return m > 0 && ((k + 1) * free) / m > (k * free) / m;
}

// The smoothing weight of this step's profit per firm: a running mean over the first year,
// then a year's exponential memory.
ENTREPOT_HD double profit_memory(int step, int steps_per_year) {
  const int n = step < steps_per_year ? step : steps_per_year;
  return 1.0 / static_cast<double>(n > 0 ? n : 1);
}

ENTREPOT_HD double smoothed(double previous, double now, double weight) {
  return previous + weight * (now - previous);
}

// A block's profit per firm as it changed since the economy settled (the end of the
// burn-in), a share of its sales per firm then: (π − π₀)/S₀. Moves answer changes, not the
// levels the calibration left: the starting spread of firms is taken as an equilibrium of
// what the model does not hold (amenities, institutions, sunk plant), as quantitative spatial
// models do with their calibrated fundamentals (Redding & Rossi-Hansberg 2017), and as
// counterfactuals in changes do (Dekle, Eaton & Kortum 2007). 0 where the block had no sales.
ENTREPOT_HD double profit_change(double profit, double settled_profit, double settled_sales) {
  return settled_sales > 0.0 ? (profit - settled_profit) / settled_sales : 0.0;
}

// Whether a move pays: the gain in profit per unit of sales, the destination's change less the
// home's (profit_change), over `horizon_steps`, beats the cost, `cost_years` years of sales,
// of which the destination's government pays `subsidy`. Size-neutral: a firm's gain and cost
// both scale with its sales.
ENTREPOT_HD bool move_pays(double home_change, double away_change, double horizon_steps,
                           double cost_years, int steps_per_year, double subsidy) {
  const double gain = horizon_steps * (away_change - home_change);
  const double cost = (1.0 - subsidy) * cost_years * static_cast<double>(steps_per_year);
  return gain > cost;
}

// A firm's cost of moving, money: `cost_years` years of its sales at its price and expected
// sales (goods per step).
ENTREPOT_HD std::int64_t move_cost(double price, double expected_sales, double cost_years,
                                   int steps_per_year) {
  const double cost = price * expected_sales * cost_years * static_cast<double>(steps_per_year) *
                      static_cast<double>(kMoneyScale);
  return cost > 0.0 ? static_cast<std::int64_t>(cost) : 0;
}

// The part of a cost its payer bears where `subsidy` of it is paid by a government.
ENTREPOT_HD std::int64_t unsubsidised(std::int64_t cost, double subsidy) {
  return cost - static_cast<std::int64_t>(subsidy * static_cast<double>(cost));
}

// Whether a firm can finance its move: it repays its loan at home and pays its part of the
// cost from what cash is left (no bank lends for a move).
ENTREPOT_HD bool finances_move(std::int64_t cash, std::int64_t loan, std::int64_t own_cost) {
  return cash - loan >= own_cost && cash > loan;
}

}  // namespace entrepot
