// Firms' accounts at the end of a step (phase 7): wages, profit tax, dividends, distress
// and exit. Every amount is int64 money and never more than the firm holds, so each
// payment moves an exact amount between two accounts. Equations in docs/model.md §4.7.
#pragma once

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// Wage paid per worker: the offered wage, or pro rata what the cash covers when it is
// short (every worker is paid alike).
ENTREPOT_HD std::int64_t wage_per_worker(std::int64_t wage, std::int64_t cash, std::int64_t staff) {
  if (staff <= 0) return 0;
  const std::int64_t affordable = cash / staff;
  return wage < affordable ? wage : affordable;
}

// Profit of the step: sales less inputs (duty included) less the wage bill.
ENTREPOT_HD std::int64_t profit_of(std::int64_t sales, std::int64_t input_cost,
                                   std::int64_t wage_bill) {
  return sales - input_cost - wage_bill;
}

// Profit tax at `rate` on a positive profit, never more than the cash left.
ENTREPOT_HD std::int64_t profit_tax(std::int64_t profit, double rate, std::int64_t cash) {
  const std::int64_t tax =
      profit > 0 ? static_cast<std::int64_t>(static_cast<double>(profit) * rate) : 0;
  return tax < cash ? tax : cash;
}

// Running costs of a firm per step at its expected sales Dᵉ: (w/(φ·A) + unit input cost)·Dᵉ,
// money micro-units (the wage in micro-units, the input cost in whole units per good).
ENTREPOT_HD std::int64_t running_costs(std::int64_t wage, double productivity, double region_tfp,
                                       double input_unit_cost, double expected_sales) {
  const double per_worker = productivity * region_tfp;
  const double labour = per_worker > 0.0 ? static_cast<double>(wage) / per_worker : 0.0;
  const double costs =
      (labour + input_unit_cost * 1e6) * (expected_sales > 0.0 ? expected_sales : 0.0);
  return costs < 9e18 ? static_cast<std::int64_t>(costs) : std::int64_t{9000000000000000000};
}

// Dividends: a share of profit after tax, plus a tenth of the gap between cash and the
// target the firm keeps, `buffer_steps` steps of its running costs: above the target the
// excess is paid out, below it profit is retained. Between 0 and the cash.
ENTREPOT_HD std::int64_t dividend_payout(std::int64_t profit, std::int64_t tax, std::int64_t cash,
                                         std::int64_t costs, double share, double buffer_steps) {
  const std::int64_t target = static_cast<std::int64_t>(buffer_steps * static_cast<double>(costs));
  const std::int64_t earned = profit - tax > 0 ? profit - tax : 0;
  const std::int64_t dividend =
      static_cast<std::int64_t>(share * static_cast<double>(earned)) + (cash - target) / 10;
  if (dividend <= 0) return 0;
  return dividend < cash ? dividend : cash;
}

// Insolvent this step: no sales at all, or losing money and unable to pay one more step of
// the wanted wage bill (at least one worker's) from its cash and what its credit line
// still allows (`liquid`, money micro-units).
ENTREPOT_HD bool insolvent(std::int64_t sales, std::int64_t profit, double liquid,
                           std::int64_t wage, std::int32_t labour_demand) {
  const std::int64_t next_bill =
      wage * static_cast<std::int64_t>(labour_demand > 0 ? labour_demand : 1);
  return sales == 0 || (profit < 0 && liquid < static_cast<double>(next_bill));
}

// Consecutive insolvent steps (capped so the count never wraps), reset by a solvent one.
ENTREPOT_HD std::uint8_t next_distress(std::uint8_t distress, bool insolvent_now) {
  if (!insolvent_now) return 0;
  return static_cast<std::uint8_t>(distress < 250 ? distress + 1 : 250);
}

// A firm exits after `patience` insolvent steps in a row; its cash goes to the owners.
ENTREPOT_HD bool exits(std::uint8_t distress, int patience) {
  return distress >= patience;
}

// Start-up grant per entrant, from the owners of its region: 20 regional mean wages ⌊20·w̄⌋,
// capped by the owners' balance shared over the entrants ⌊O/E⌋; never negative, 0 without
// entrants.
ENTREPOT_HD std::int64_t startup_grant(double mean_wage, std::int64_t owners,
                                       std::int64_t entrants) {
  if (entrants <= 0) return 0;
  const auto startup = static_cast<std::int64_t>(20.0 * mean_wage);
  const std::int64_t share = owners / entrants;
  const std::int64_t each = startup < share ? startup : share;
  return each > 0 ? each : 0;
}

// The entrant's wage: the regional mean wage w̄ (truncated) where wages were paid (w̄ ≥ 1
// micro-unit), else the wage the slot had.
ENTREPOT_HD std::int64_t entrant_wage(double mean_wage, std::int64_t wage) {
  return mean_wage >= 1.0 ? static_cast<std::int64_t>(mean_wage) : wage;
}

// The government's budget rule: it spends what it collected this step (profit tax and
// duty), plus the allowed deficit, plus a share γ of the balance it started the step with (a
// surplus is returned, a debt paid down). What benefits leave of that is transferred
// equally to the country's H households, ⌊pool/H⌋; 0 when nothing is left or H = 0.
ENTREPOT_HD std::int64_t transfer_per_household(std::int64_t revenue, std::int64_t deficit,
                                                double share, std::int64_t balance_at_start,
                                                std::int64_t benefits, std::int64_t households) {
  if (households <= 0) return 0;
  const std::int64_t pool =
      revenue + deficit + static_cast<std::int64_t>(share * static_cast<double>(balance_at_start)) -
      benefits;
  return pool > 0 ? pool / households : 0;
}

// Unemployment benefit: a share b of the regional mean wage w̄, ⌊b·w̄⌋, whatever the
// government's balance.
ENTREPOT_HD std::int64_t unemployment_benefit(double rate, double mean_wage) {
  return static_cast<std::int64_t>(rate * mean_wage);
}

// Owners' dividend per head: their balance shared equally over the region's H households,
// ⌊O/H⌋ (the remainder stays with the owners); 0 without households.
ENTREPOT_HD std::int64_t dividend_per_head(std::int64_t owners, std::int64_t people) {
  return people > 0 ? owners / people : 0;
}

}  // namespace entrepot
