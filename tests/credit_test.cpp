// Credit: the rules of agents/credit.h on hand-worked numbers, and the money identity
// (deposits + bank equity − loans = constant) through a run where firms borrow and default.
#include "agents/credit.h"

#include <gtest/gtest.h>

#include <numeric>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"
#include "world/world.h"

namespace entrepot {
namespace {

TEST(CreditRulesTest, TheGapIsWhatInputsAndWagesNeedBeyondCashAndRevenue) {
  // Inputs 30 from cash 10: 20 short; wages 50 from the rest plus revenue 40: 30 short.
  EXPECT_DOUBLE_EQ(financing_gap(10.0, 40.0, 30.0, 50.0), 30.0);
  EXPECT_DOUBLE_EQ(financing_gap(10.0, 100.0, 30.0, 50.0), 20.0);  // inputs bind
  EXPECT_DOUBLE_EQ(financing_gap(100.0, 0.0, 30.0, 50.0), 0.0);    // financed
}

TEST(CreditRulesTest, CreditIsDrawnWithinTheLineLessWhatIsOwed) {
  // Line 2 steps × revenue 10 = 20 units; 5 owed: room 15, so a gap of 8 is drawn in full
  // and a gap of 30 is cut to 15.
  EXPECT_EQ(credit_drawn(8.0, 10.0, 2.0, 5 * kMoneyScale, 1.0), 8 * kMoneyScale);
  EXPECT_EQ(credit_drawn(30.0, 10.0, 2.0, 5 * kMoneyScale, 1.0), 15 * kMoneyScale);
  // A bank at half its capital requirement halves the room.
  EXPECT_EQ(credit_drawn(30.0, 10.0, 2.0, 5 * kMoneyScale, 0.5), 7500000);
  // Nothing beyond the line, without a line, or without a gap.
  EXPECT_EQ(credit_drawn(30.0, 10.0, 2.0, 25 * kMoneyScale, 1.0), 0);
  EXPECT_EQ(credit_drawn(30.0, 10.0, 0.0, 0, 1.0), 0);
  EXPECT_EQ(credit_drawn(0.0, 10.0, 2.0, 0, 1.0), 0);
}

TEST(CreditRulesTest, InterestRepaymentAndTheBank) {
  EXPECT_EQ(interest_due(1200000, 0.05 / 12), 5000);
  EXPECT_EQ(interest_due(0, 0.05), 0);
  // Cash 150 above a target of 100: 50 repays a loan of 80 in part, all of a loan of 30.
  EXPECT_EQ(loan_repayment(80, 150, 100), 50);
  EXPECT_EQ(loan_repayment(30, 150, 100), 30);
  EXPECT_EQ(loan_repayment(80, 90, 100), 0);
  // A firm that owes its bank pays it from the dividend first: all of a dividend of 20 on a
  // loan of 80; 30 of a dividend of 50 on a loan of 30; nothing without loan or dividend.
  EXPECT_EQ(repaid_before_dividend(80, 20), 20);
  EXPECT_EQ(repaid_before_dividend(30, 50), 30);
  EXPECT_EQ(repaid_before_dividend(0, 50), 0);
  EXPECT_EQ(repaid_before_dividend(80, 0), 0);
  // Capital ratio 0.1: equity 10 covers loans of 100; equity 5 lends at half; none at 0.
  EXPECT_DOUBLE_EQ(bank_lending(10, 100, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(bank_lending(5, 100, 0.1), 0.5);
  EXPECT_DOUBLE_EQ(bank_lending(-3, 100, 0.1), 0.0);
  EXPECT_DOUBLE_EQ(bank_lending(0, 0, 0.1), 1.0);
  // Dividends: the profit, out of equity above ⌊k·L⌋ + 1 only; nothing from a loss.
  EXPECT_EQ(bank_dividend(7, 100, 500, 0.1), 7);
  EXPECT_EQ(bank_dividend(70, 100, 500, 0.1), 49);
  EXPECT_EQ(bank_dividend(-7, 100, 500, 0.1), 0);
  EXPECT_EQ(bank_dividend(7, 40, 500, 0.1), 0);
  EXPECT_EQ(starting_bank_equity(0.1, 2.0, 1e9), 200000000);
}

std::int64_t sum_of(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

// A world whose firms start short of cash and pay dear inputs: they borrow, some default,
// and every step the identity holds and the books agree with the firms.
TEST(CreditRulesTest, AtExitTheBankTakesTheCashAndWritesOffTheRestElseTheLoanIsServedFirst) {
  std::int64_t loan = 100, cash = 30;
  LoanSettlement s = settle_loan(true, loan, cash, 10);
  EXPECT_EQ(s.written_off, 70);
  EXPECT_EQ(s.dividend, 0);
  EXPECT_EQ(loan, 0);
  EXPECT_EQ(cash, 0);
  loan = 20, cash = 50;  // exits solvent: the rest of the cash is the owners'
  s = settle_loan(true, loan, cash, 5);
  EXPECT_EQ(s.written_off, 0);
  EXPECT_EQ(s.dividend, 30);
  EXPECT_EQ(cash, 0);
  loan = 20, cash = 50;  // stays: the dividend serves the loan first
  s = settle_loan(false, loan, cash, 25);
  EXPECT_EQ(s.written_off, 0);
  EXPECT_EQ(s.dividend, 5);
  EXPECT_EQ(loan, 0);
  EXPECT_EQ(cash, 25);
}

TEST(CreditTest, LoansDefaultsAndTheMoneyIdentityHoldEveryStep) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = testing::small_world(20000, 2000);
  sc.behaviour.cash_buffer_steps = 0.2;
  sc.behaviour.credit_line = 3.0;
  sc.behaviour.loan_rate = 0.3;
  World world(sc);
  Model m(sc, world);
  std::int64_t drawn = 0, written_off = 0;
  for (int step = 1; step <= 36; ++step) {
    m.step(step);
    const StepStatistics& st = m.stats;
    EXPECT_EQ(sum_of(st.money), m.initial_money) << step;
    const std::vector<std::int64_t> loan = to_host(m.economy.firms.loan);
    EXPECT_EQ(sum_of(st.loans), sum_of(loan)) << step;
    EXPECT_EQ(st.money[5], -sum_of(loan)) << step;
    EXPECT_EQ(st.bank_equity, m.economy.bank_equity) << step;
    for (std::int64_t owed : loan) ASSERT_GE(owed, 0) << step;
    drawn += sum_of(st.lending);
    written_off += sum_of(st.write_offs);
  }
  EXPECT_GT(drawn, 0) << "no firm borrowed";
  EXPECT_GT(sum_of(m.stats.interest), 0);
  EXPECT_GT(written_off, 0) << "no loan was written off";
}

// Without a credit line nobody borrows, and the banks keep the equity they started with.
TEST(CreditTest, NoLineNoLoans) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = testing::small_world(20000, 2000);
  sc.behaviour.credit_line = 0.0;
  World world(sc);
  Model m(sc, world);
  for (int step = 1; step <= 12; ++step) m.step(step);
  EXPECT_EQ(sum_of(to_host(m.economy.firms.loan)), 0);
  EXPECT_EQ(sum_of(m.economy.bank_equity), 0);
}

}  // namespace
}  // namespace entrepot
