// Behaviour rules: pure host-device functions of plain values, written once and called
// from every kernel (DESIGN §2). This file holds production and household spending, and
// includes the rest by theme: prices and wages (agents/prices.h), trade costs, supplier
// choice and settlement (agents/trade.h), firms' accounts (agents/accounts.h) and credit
// (agents/credit.h). Quantities are in goods units (double) or int64 micro-units as named;
// money likewise. Equations in docs/model.md.
#pragma once

#include <cstdint>

#include "agents/accounts.h"
#include "agents/credit.h"
#include "agents/prices.h"
#include "agents/trade.h"
#include "base/backend.h"
#include "base/det_math.h"
#include "base/records.h"

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

// What a seller could not sell of what was asked of it last step (`shipped` of `demand`), in
// 1/kUnmetScale-ths: 0 when it served every order, and at least 1 when it fell short at all,
// so that a seller that rationed is one whose share is not zero.
constexpr std::int32_t kUnmetScale = 65536;
ENTREPOT_HD std::int32_t unmet_share(std::int64_t shipped, std::int64_t demand) {
  if (demand <= 0 || shipped >= demand) return 0;
  const double gap = static_cast<double>(demand - shipped) / static_cast<double>(demand);
  const auto share = static_cast<std::int32_t>(gap * static_cast<double>(kUnmetScale));
  return share > 0 ? share : 1;
}

// Desired output Q* = Dᵉ + (ι·Dᵉ − I)/T, never negative.
ENTREPOT_HD double desired_output(double expected_sales, double inventory, double inventory_target,
                                  double adjust_steps) {
  const double q = expected_sales + (inventory_target * expected_sales - inventory) / adjust_steps;
  return q > 0.0 ? q : 0.0;
}

// Workers needed for `output`: Q / (φ·A) rounded to the nearest whole worker, and at least
// one for any output (rounding up would add half a worker per firm to the economy's labour
// demand, a few per cent of the workforce where firms are small).
ENTREPOT_HD std::int32_t workers_needed(double output, double productivity, double region_tfp) {
  const double per_worker = productivity * region_tfp;
  if (output <= 0.0 || per_worker <= 0.0) return 0;
  const double n = output / per_worker;
  if (!(n < 2.0e9)) return 2000000000;  // also catches infinity before any cast
  if (n < 1.0) return 1;
  return static_cast<std::int32_t>(n + 0.5);
}

// Input to order so the stock after this step's use is `stock_target` steps of expected
// need: a·Q* + θ·a·Dᵉ − X, never negative (goods delivered). The target follows expected
// sales, not the plan, so that rebuilding inventory does not multiply into input orders θ
// times over (the bullwhip of order-up-to rules, Sterman 1989).
ENTREPOT_HD double input_deficit(double amount_per_unit, double planned, double expected_sales,
                                 double stock, double stock_target) {
  const double d = amount_per_unit * (planned + stock_target * expected_sales) - stock;
  return d > 0.0 ? d : 0.0;
}

// Leontief production over labour and the critical inputs: min(φ·A·L, min_k X_k / a_k), never
// above the plan (goods).
ENTREPOT_HD double leontief_output(double labour_capacity, double input_capacity, double planned) {
  double q = labour_capacity < input_capacity ? labour_capacity : input_capacity;
  return q < planned ? q : planned;
}

// Whether an input limits production (Pichler et al. 2022): it is critical when a unit of
// output takes at least `critical_share` of it. A smaller input is used as far as its stock
// goes, but a firm short of it makes do for a while rather than stop.
ENTREPOT_HD bool critical_input(double amount_per_unit, double critical_share) {
  return amount_per_unit >= critical_share;
}

// Production capacity of `workers` workers: φ·A·L (goods per step).
ENTREPOT_HD double labour_capacity(double productivity, double region_tfp, double workers) {
  return productivity * region_tfp * workers;
}

// Output that a stock X of an input allows when each unit takes a of it: X / a (goods).
ENTREPOT_HD double input_capacity(double stock, double amount_per_unit) {
  return stock / amount_per_unit;
}

// Input capacity of production: the smallest X_k / a_k over the critical inputs of the
// `inputs` slots (goods); slots with a_k ≤ 0 are not in the recipe. 1e300 when none is
// critical, so labour and the plan alone set output.
ENTREPOT_HD double critical_input_capacity(const double* stock, const double* amount_per_unit,
                                           int inputs, double critical_share) {
  double capacity = 1e300;
  for (int k = 0; k < inputs; ++k) {
    const double a = amount_per_unit[k];
    if (!(a > 0.0) || !critical_input(a, critical_share)) continue;
    const double possible = input_capacity(stock[k], a);
    capacity = possible < capacity ? possible : capacity;
  }
  return capacity;
}

// Financing of a plan (after any credit drawn): inputs E are paid from cash M during trade, wages W
// at the end of the step from cash plus expected revenue S. The plan is scaled by α = min(1, M/E if
// E > M, (M+S)/(E+W) if E+W > M+S), with a margin 0.999·α when α < 1; 1 when the plan is
// affordable.
ENTREPOT_HD double financing_scale(double cash, double expected_revenue, double inputs_bill,
                                   double wage_bill) {
  const double spend = inputs_bill + wage_bill;
  double affordable = 1.0;
  if (inputs_bill > cash) affordable = cash / inputs_bill;
  if (spend > cash + expected_revenue) {
    const double limit = (cash + expected_revenue) / spend;
    affordable = limit < affordable ? limit : affordable;
  }
  return affordable < 1.0 ? 0.999 * affordable : 1.0;
}

// Input used to make `made` goods (micro-units): ⌈a·made⌉, never more than the stock.
ENTREPOT_HD std::int64_t input_used(double amount_per_unit, std::int64_t made, std::int64_t stock) {
  const double need = amount_per_unit * static_cast<double>(made);
  std::int64_t used = static_cast<std::int64_t>(need);
  if (static_cast<double>(used) < need) ++used;
  return used < stock ? used : stock;
}

// Share of a firm's staff L above its labour demand L*: (L − L*)/L when L > L*, else 0 (they
// separate on top of the quit rate).
ENTREPOT_HD double excess_staff(double staff, double wanted) {
  return staff > wanted && staff > 0.0 ? (staff - wanted) / staff : 0.0;
}

// Vacancies: labour demand above staff, max(0, L* − L).
ENTREPOT_HD std::int64_t vacancies(std::int64_t wanted, std::int64_t staff) {
  return wanted > staff ? wanted - staff : 0;
}

// Starting wage: regional productivity A in money, ⌊10⁶·A⌋ micro-units (labour then costs
// 1/φ a unit).
ENTREPOT_HD std::int64_t starting_wage(double region_tfp) {
  return static_cast<std::int64_t>(region_tfp * static_cast<double>(kMoneyScale));
}

// Starting stock of a good of which a unit of output takes `amount_per_unit` (1 for the
// firm's own output): `steps` steps of use at capacity y, ⌊10⁶·steps·a·y⌋ micro-units.
ENTREPOT_HD std::int64_t starting_stock(double steps, double amount_per_unit, double capacity) {
  return static_cast<std::int64_t>(steps * amount_per_unit * capacity *
                                   static_cast<double>(kGoodsScale));
}

// Starting cash of a firm: `buffer_steps` steps of its running costs (wage bill w·L and inputs
// 10⁶·c_in·y at capacity y) plus one wage, ⌊m_b(w·L + 10⁶·c_in·y)⌋ + w.
ENTREPOT_HD std::int64_t starting_cash(double buffer_steps, std::int64_t wage,
                                       std::int32_t employees, double input_unit_cost,
                                       double capacity) {
  const double costs = static_cast<double>(wage) * static_cast<double>(employees) +
                       input_unit_cost * capacity * static_cast<double>(kMoneyScale);
  return static_cast<std::int64_t>(buffer_steps * costs) + wage;
}

// Starting household income as in a steady state: the value added of its region's firms at
// capacity (what their output sells for less the inputs it takes) shared equally over the
// region's H households, ⌊VA/H⌋; 0 without households.
ENTREPOT_HD std::int64_t starting_income(std::int64_t region_value_added, std::int64_t households) {
  return households > 0 && region_value_added > 0 ? region_value_added / households : 0;
}

// Starting household cash: what a household keeps when its budget (household_budget) equals
// its income, c_Y·Y + c_W·(M − Y) = Y, so M = Y + (1 − c_Y)·Y/c_W rounded (3·Y at the
// defaults); at most 121·Y, ten years of income, where c_W is (almost) 0 and no such
// balance exists.
ENTREPOT_HD std::int64_t starting_household_cash(std::int64_t income, double consume_income,
                                                 double consume_wealth) {
  if (income <= 0) return 0;
  const double saved = (1.0 - consume_income) * static_cast<double>(income);
  const double cap = 120.0 * static_cast<double>(income);
  const double wealth = saved < cap * consume_wealth ? saved / consume_wealth : cap;
  return income + static_cast<std::int64_t>(wealth + 0.5);
}

// Weight of a firm in the first hiring: ∝ its labour need relative to its block's average
// firm × its block's labour need per firm h_b, in fixed point so the scan is exact,
// ⌊2²⁰·need·h_b⌋ + 1 (every firm can be drawn).
ENTREPOT_HD std::int64_t hiring_weight(double relative_need, double sector_weight) {
  const double w = relative_need * sector_weight;
  return static_cast<std::int64_t>(w * 1048576.0) + 1;
}

// Expected sales of an entrant: half what a firm of average size in its region makes,
// ½·φ·A·H/F with H the region's households and F its firms (at least 1), so it hires at
// once even when it starts with little cash.
ENTREPOT_HD double entrant_expected_sales(double productivity, double region_tfp,
                                          std::int64_t households, std::int64_t firms) {
  const double workforce = static_cast<double>(households);
  const double n = static_cast<double>(firms);
  return 0.5 * productivity * region_tfp * workforce / (n > 0.0 ? n : 1.0);
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
