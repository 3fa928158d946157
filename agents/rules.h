// Behaviour rules: pure host-device functions of plain values, written once and called
// from every kernel (DESIGN §2). This file holds production and household spending, and
// includes the rest by theme: prices and wages (agents/prices.h), trade costs, supplier
// choice and settlement (agents/trade.h), firms' accounts (agents/accounts.h). Quantities are in
// goods units (double) or int64 micro-units as named; money likewise. Equations in docs/model.md.
#pragma once

#include <cstdint>

#include "agents/accounts.h"
#include "agents/prices.h"
#include "agents/trade.h"
#include "base/backend.h"
#include "base/det_math.h"

namespace entrepot {

// Firm productivity φ: Pareto(α) with minimum 1, rescaled to mean 1 and capped at 50 so a
// single draw cannot swallow a block.
ENTREPOT_HD double pareto_productivity(double u, double shape) {
  const double raw = det_pow(1.0 - u, -1.0 / shape);
  const double mean = shape / (shape - 1.0);
  return clamp(raw / mean, 0.0, 50.0);
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

// Adaptive expectations Dᵉ ← Dᵉ + λ(D − Dᵉ).
ENTREPOT_HD double update_expectation(double expected, double observed, double weight) {
  return expected + weight * (observed - expected);
}

}  // namespace entrepot
