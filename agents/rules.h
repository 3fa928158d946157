// Behaviour rules: pure host-device functions of plain values, written once and called
// from every kernel (DESIGN §2). Quantities are in goods units (double) or int64 micro-units
// as named; money likewise. Equations in docs/model.md.
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/det_math.h"

namespace entrepot {

ENTREPOT_HD double clamp(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

// Firm productivity φ: Pareto(α) with minimum 1, rescaled to mean 1 and capped at 50 so a
// single draw cannot swallow a block.
ENTREPOT_HD double pareto_productivity(double u, double shape) {
  const double raw = det_pow(1.0 - u, -1.0 / shape);
  const double mean = shape / (shape - 1.0);
  return clamp(raw / mean, 0.0, 50.0);
}

// Cost to the buyer of one delivered unit: price at origin × iceberg × (1 + tariff);
// `trade_factor` = τ(1+t), infinite when the flow is banned.
ENTREPOT_HD double landed_cost(double price, double trade_factor) {
  return price * trade_factor;
}

// Staggered supplier reviews: slot `slot` of buyer `buyer` reviews its supplier in `step`
// when its 32-bit phase (golden-ratio spread over buyers and slots) wraps around after
// adding `rate` = ⌊ψ·2^32⌋ per step; each slot then reviews a share ψ of the steps, evenly
// spaced, with the reviews of one step spread evenly over buyers.
ENTREPOT_HD bool reviews_supplier(std::uint64_t buyer, std::uint32_t slot, int step,
                                  std::uint32_t rate) {
  const std::uint32_t phase = static_cast<std::uint32_t>(buyer) * 0x9e3779b9u + slot * 0x7f4a7c15u;
  return phase + static_cast<std::uint32_t>(step) * rate < rate;
}

// Relationship stickiness: change supplier only for a saving above the switching cost.
ENTREPOT_HD bool should_switch(double current, double candidate, double switching_cost) {
  return candidate < current * (1.0 - switching_cost);
}

// Desired output Q* = Dᵉ + (ι·Dᵉ − I)/T, never negative.
ENTREPOT_HD double desired_output(double expected_sales, double inventory, double inventory_target,
                                  double adjust_steps) {
  const double q = expected_sales + (inventory_target * expected_sales - inventory) / adjust_steps;
  return q > 0.0 ? q : 0.0;
}

// Workers needed for `output`: ⌈Q / (φ·A)⌉.
ENTREPOT_HD std::int32_t workers_needed(double output, double productivity, double region_tfp) {
  const double per_worker = productivity * region_tfp;
  if (output <= 0.0 || per_worker <= 0.0) return 0;
  const double n = output / per_worker;
  if (!(n < 2.0e9)) return 2000000000;  // also catches infinity before any cast
  const double whole = static_cast<double>(static_cast<std::int64_t>(n));
  return static_cast<std::int32_t>(whole < n ? whole + 1.0 : whole);
}

// Input to order so the stock after this step's use is `stock_target` steps of need:
// (θ + 1)·a·Q* − X, never negative (goods delivered).
ENTREPOT_HD double input_deficit(double amount_per_unit, double planned, double stock,
                                 double stock_target) {
  const double d = (stock_target + 1.0) * amount_per_unit * planned - stock;
  return d > 0.0 ? d : 0.0;
}

// Leontief production: min(φ·A·L, min_k X_k / a_k), never above the plan (goods).
ENTREPOT_HD double leontief_output(double labour_capacity, double input_capacity, double planned) {
  double q = labour_capacity < input_capacity ? labour_capacity : input_capacity;
  return q < planned ? q : planned;
}

// Rationing: an order q from a seller with inventory I and total demand D gets
// ⌊q·I/D⌋ when D > I (so the shipped total never exceeds I), else q.
ENTREPOT_HD std::int64_t filled_quantity(std::int64_t order, std::int64_t inventory,
                                         std::int64_t demand) {
  if (demand <= inventory) return order;
  if (inventory <= 0) return 0;
  const __int128 q = static_cast<__int128>(order) * inventory / demand;
  return static_cast<std::int64_t>(q);
}

// Goods that arrive after iceberg melt: ⌊q/τ⌋.
ENTREPOT_HD std::int64_t delivered_quantity(std::int64_t shipped, double iceberg) {
  return static_cast<std::int64_t>(static_cast<double>(shipped) / iceberg);
}

// Money for goods (both in micro-units, price in units per unit), truncated.
ENTREPOT_HD std::int64_t payment_for(double price, std::int64_t quantity) {
  return static_cast<std::int64_t>(price * static_cast<double>(quantity));
}

ENTREPOT_HD std::int64_t duty_on(std::int64_t payment, double tariff) {
  return static_cast<std::int64_t>(static_cast<double>(payment) * tariff);
}

// Household spending this step: a share of last income plus a share of wealth, never
// more than cash.
ENTREPOT_HD std::int64_t household_budget(std::int64_t income, std::int64_t cash,
                                          double consume_income, double consume_wealth) {
  const double wealth = static_cast<double>(cash - income > 0 ? cash - income : 0);
  const double want =
      consume_income * static_cast<double>(income > 0 ? income : 0) + consume_wealth * wealth;
  const std::int64_t budget = static_cast<std::int64_t>(want);
  if (cash <= 0) return 0;
  return budget < cash ? (budget > 0 ? budget : 0) : cash;
}

// Price: moves a share κ of the way to (1+μ)·unit cost, then up by η when the firm
// rationed its buyers or down by up to η when it holds more stock than its target; never
// below unit cost.
ENTREPOT_HD double adjust_price(double price, double unit_cost, double markup, double pass_through,
                                double speed, bool rationed, double inventory_ratio) {
  double next = price + pass_through * ((1.0 + markup) * unit_cost - price);
  if (rationed) {
    next = next * (1.0 + speed);
  } else if (inventory_ratio > 1.0) {
    next = next * (1.0 - speed * clamp(inventory_ratio - 1.0, 0.0, 1.0));
  }
  // Never below unit cost, nor below a millionth of a money unit (a price of zero would
  // make every order infinite).
  const double floor = unit_cost > 1e-6 ? unit_cost : 1e-6;
  return next > floor ? next : floor;
}

// Adaptive expectations Dᵉ ← Dᵉ + λ(D − Dᵉ).
ENTREPOT_HD double update_expectation(double expected, double observed, double weight) {
  return expected + weight * (observed - expected);
}

// Wage: follows regional unemployment around its normal rate, and the firm's unfilled
// vacancies when labour is scarce; rises up to 5% a step, cuts at most `cut_limit` (downward
// stickiness).
ENTREPOT_HD std::int64_t adjust_wage(std::int64_t wage, double vacancy_rate, double unemployment,
                                     double target_unemployment, double speed, double cut_limit) {
  // Unfilled vacancies push wages up only where labour is scarce.
  const double scarcity = unemployment < target_unemployment ? vacancy_rate : 0.0;
  const double change =
      clamp(speed * (scarcity - (unemployment - target_unemployment)), -cut_limit, 0.05);
  const std::int64_t next = static_cast<std::int64_t>(static_cast<double>(wage) * (1.0 + change));
  return next > 1 ? next : 1;
}

}  // namespace entrepot

namespace entrepot {

// A household's order for one sector: its budget share β·B buys β·B/(p·(1+t)) goods at
// origin (of which 1/τ arrive), so the bill including duty never exceeds β·B.
ENTREPOT_HD std::int64_t household_order(std::int64_t budget, double share, double price,
                                         double tariff) {
  return static_cast<std::int64_t>(share * static_cast<double>(budget) / (price * (1.0 + tariff)));
}

}  // namespace entrepot
