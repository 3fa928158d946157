// Costs, prices and wages: the rules of phase 8, and of every place that sets a price
// (founding, entry). Equations in docs/model.md §4.8.
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/records.h"

namespace entrepot {

ENTREPOT_HD double clamp(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

// A wage of int64 micro-units as money units.
ENTREPOT_HD double money_units(std::int64_t money) {
  return static_cast<double>(money) / static_cast<double>(kMoneyScale);
}

// Unit cost c = w/(φ·A) + Σ_k a_k·(landed cost of input k): labour at wage w (money per
// worker and step) with productivity φ in a region of total factor productivity A, plus
// the inputs a unit takes.
ENTREPOT_HD double unit_cost(double wage, double productivity, double region_tfp,
                             double input_unit_cost) {
  return wage / (productivity * region_tfp) + input_unit_cost;
}

// The price that covers unit cost with the sector's markup μ: (1+μ)·c.
ENTREPOT_HD double cost_price(double unit_cost, double markup) {
  return (1.0 + markup) * unit_cost;
}

// Price: moves a share κ of the way to (1+μ)·unit cost, then by up to η against the
// market's signal x (market_signal): down when x > 1, up when x < 1; never below unit cost.
// The response is continuous in the signal, so small imbalances move prices a little
// (Dawid & Delli Gatti 2018 survey such quantity-signal rules).
ENTREPOT_HD double adjust_price(double price, double unit_cost, double markup, double pass_through,
                                double speed, double signal) {
  double next = price + pass_through * (cost_price(unit_cost, markup) - price);
  next = next * (1.0 - speed * clamp(signal - 1.0, -1.0, 1.0));
  // Never below unit cost, nor below a millionth of a money unit (a price of zero would
  // make every order infinite).
  const double floor = unit_cost > 1e-6 ? unit_cost : 1e-6;
  return next > floor ? next : floor;
}

// Stock relative to its target: x = I/(ι·Dᵉ) (goods), 1 when the target ι·Dᵉ is not positive.
ENTREPOT_HD double inventory_ratio(double inventory, double inventory_target, double expected) {
  const double target_stock = inventory_target * expected;
  return target_stock > 0.0 ? inventory / target_stock : 1.0;
}

// How much harder than its shortfall a seller that could not serve every order presses its
// price: x = 1 − g·(1 − Q/D), so a shortfall of a third or more moves the price by the full η.
inline constexpr double kShortageGain = 3.0;

// The signal a firm prices by: its excess demand when it could not serve every order,
// x = 1 − g·(1 − Q/D) with Q/D the share of its orders it served (tâtonnement: a seller that
// served 95% of its orders raises its price by 0.15·η, not by η); its stock relative to
// target otherwise.
ENTREPOT_HD double market_signal(double shipped, double demand, double stock_ratio) {
  if (!(shipped < demand)) return stock_ratio;
  return 1.0 - kShortageGain * (1.0 - shipped / demand);
}

// Vacancy rate of a firm: unfilled labour demand as a share of it, (L* − L)/L* when both are
// positive, else 0.
ENTREPOT_HD double vacancy_rate(double wanted, double staff) {
  const double open = wanted - staff;
  return wanted > 0.0 && open > 0.0 ? open / wanted : 0.0;
}

// Wage: a regional wage Phillips curve around the normal unemployment rate u* (Blanchard &
// Katz 1999), g = −η_w·(u − u*), plus the firm's unfilled vacancies where labour is scarce;
// rises at most 5% a step, cuts at most `cut_limit` (downward stickiness).
ENTREPOT_HD std::int64_t adjust_wage(std::int64_t wage, double vacancy_rate, double unemployment,
                                     double target_unemployment, double speed, double cut_limit) {
  // Unfilled vacancies push wages up only where labour is scarce, and by at most the gap
  // to normal unemployment (a firm short of staff bids for them; a tight region, for all).
  const double gap = target_unemployment - unemployment;
  const double scarcity = gap > 0.0 ? (vacancy_rate < 1.0 ? vacancy_rate : 1.0) * gap : 0.0;
  const double change = clamp(speed * (gap + scarcity), -cut_limit, 0.05);
  const std::int64_t next = static_cast<std::int64_t>(static_cast<double>(wage) * (1.0 + change));
  return next > 1 ? next : 1;
}

}  // namespace entrepot
