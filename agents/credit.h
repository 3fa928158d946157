// Working-capital credit: firms borrow from their country's bank what their plan needs beyond
// their cash, pay interest every step, repay from cash above their target, and default when
// they exit; banks write defaults off against their equity and lend less when their equity
// falls below the capital requirement. A loan creates the deposit it pays with, so the
// money identity is deposits + bank equity − loans = constant. Equations in docs/model.md
// §credit; the literature is there too (Delli Gatti et al. 2010; Assenza et al. 2015).
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/records.h"

namespace entrepot {

// The plan's financing gap: what its inputs E (paid from cash M during trade) and wages W
// (paid at the end of the step from cash plus expected revenue S) need beyond what the firm
// has, max(0, E − M, E + W − M − S), money units.
ENTREPOT_HD double financing_gap(double cash, double expected_revenue, double inputs_bill,
                                 double wage_bill) {
  double gap = inputs_bill - cash;
  const double beyond = inputs_bill + wage_bill - cash - expected_revenue;
  gap = beyond > gap ? beyond : gap;
  return gap > 0.0 ? gap : 0.0;
}

// What a firm may still draw (money micro-units, double): its credit line of `line_steps`
// steps of expected revenue S (money units) less what it owes; negative when it owes more.
ENTREPOT_HD double credit_room(double expected_revenue, double line_steps, std::int64_t loan) {
  const double line = line_steps * (expected_revenue > 0.0 ? expected_revenue : 0.0) *
                      static_cast<double>(kMoneyScale);
  return line - static_cast<double>(loan);
}

// New credit drawn (money micro-units): the gap (money units), within the credit room scaled
// by the bank's lending factor; never negative.
ENTREPOT_HD std::int64_t credit_drawn(double gap, double expected_revenue, double line_steps,
                                      std::int64_t loan, double lending) {
  const double room = credit_room(expected_revenue, line_steps, loan) * lending;
  const double wanted = gap * static_cast<double>(kMoneyScale);
  const double drawn = wanted < room ? wanted : room;
  if (!(drawn >= 1.0)) return 0;
  return drawn < 9e18 ? static_cast<std::int64_t>(drawn) : std::int64_t{9000000000000000000};
}

// Interest due on a loan this step, ⌊r·L⌋ with r the rate per step.
ENTREPOT_HD std::int64_t interest_due(std::int64_t loan, double rate_per_step) {
  return loan > 0 ? static_cast<std::int64_t>(rate_per_step * static_cast<double>(loan)) : 0;
}

// Interest charged in full, interest_due: the cash pays what it can and the rest is added to
// the loan. Returns the interest charged.
ENTREPOT_HD std::int64_t charge_interest(std::int64_t& loan, std::int64_t& cash,
                                         double rate_per_step) {
  const std::int64_t interest = interest_due(loan, rate_per_step);
  const std::int64_t paid = interest < cash ? interest : cash;
  cash -= paid;
  loan += interest - paid;
  return interest;
}

// Principal repaid: cash above the firm's target goes to the loan first, min(L, max(0, M − M*)).
ENTREPOT_HD std::int64_t loan_repayment(std::int64_t loan, std::int64_t cash, std::int64_t target) {
  const std::int64_t spare = cash - target;
  if (spare <= 0 || loan <= 0) return 0;
  return spare < loan ? spare : loan;
}

// Repays the loan from cash above `target` (loan_repayment).
ENTREPOT_HD void repay_from_cash(std::int64_t& loan, std::int64_t& cash, std::int64_t target) {
  const std::int64_t repaid = loan_repayment(loan, cash, target);
  cash -= repaid;
  loan -= repaid;
}

// What a firm that still owes its bank pays it out of the dividend it would pay, min(L, D):
// debt is served before owners (Myers & Majluf 1984's pecking order; in Assenza et al. 2015
// dividends come out of profit net of debt service), so a loan taken in a bad step is repaid
// from the good ones instead of lasting while the firm pays out its profit.
ENTREPOT_HD std::int64_t repaid_before_dividend(std::int64_t loan, std::int64_t dividend) {
  if (loan <= 0 || dividend <= 0) return 0;
  return dividend < loan ? dividend : loan;
}

// The loan's settlement once the dividend D is decided: a firm that exits pays its bank from
// its cash, min(L, M), the bank writes off the rest, and all cash then left is the owners';
// one that stays serves the loan from D first (repaid_before_dividend). Updates the loan and
// the cash, less the dividend returned; `written_off` is the loan written off.
struct LoanSettlement {
  std::int64_t dividend, written_off;
};
ENTREPOT_HD LoanSettlement settle_loan(bool exiting, std::int64_t& loan, std::int64_t& cash,
                                       std::int64_t dividend) {
  LoanSettlement out{dividend, 0};
  if (exiting) {
    const std::int64_t settled = loan < cash ? loan : cash;
    cash -= settled;
    out.written_off = loan - settled;
    loan = 0;
    out.dividend = cash;
  } else {
    const std::int64_t served = repaid_before_dividend(loan, dividend);
    cash -= served;
    loan -= served;
    out.dividend -= served;
  }
  cash -= out.dividend;
  return out;
}

// A bank's lending factor: 1 while its equity E covers the capital requirement k·L on its
// loans, E/(k·L) below it, 0 without equity.
ENTREPOT_HD double bank_lending(std::int64_t equity, std::int64_t loans, double capital_ratio) {
  const double required = capital_ratio * static_cast<double>(loans);
  if (static_cast<double>(equity) >= required) return 1.0;
  if (equity <= 0) return 0.0;
  return static_cast<double>(equity) / required;
}

// A bank's dividend: its profit of the step (interest less write-offs), paid only out of
// equity above the capital requirement, max(0, min(Π, E − ⌈k·L⌉)).
ENTREPOT_HD std::int64_t bank_dividend(std::int64_t profit, std::int64_t equity, std::int64_t loans,
                                       double capital_ratio) {
  const std::int64_t required =
      static_cast<std::int64_t>(capital_ratio * static_cast<double>(loans)) + 1;
  const std::int64_t free = equity - required;
  const std::int64_t dividend = profit < free ? profit : free;
  return dividend > 0 ? dividend : 0;
}

// A bank's starting equity: the capital requirement on the credit lines of its country's
// firms, ⌊k·ℓ·V⌋ with V their expected revenue per step (money micro-units), so that at the
// start it can lend every line in full.
ENTREPOT_HD std::int64_t starting_bank_equity(double capital_ratio, double line_steps,
                                              double expected_revenue) {
  const double equity = capital_ratio * line_steps * expected_revenue;
  return equity > 0.0 ? static_cast<std::int64_t>(equity) : 0;
}

}  // namespace entrepot
