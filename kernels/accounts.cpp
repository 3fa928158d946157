// Phase 7: accounts. Firms pay wages (pro rata when cash is short), profit tax to their
// government and dividends to their region's owners; insolvent firms exit and their slot
// is reborn as an entrant financed by the owners. Owners pass dividends on to the
// region's households; governments pay unemployment benefit and return part of any
// surplus. Every transfer moves an exact int64 amount between two accounts.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <utility>

#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"
#include "kernels/retail.h"
#include "kernels/stockist.h"
#include "kernels/traders.h"

namespace entrepot {
namespace {

struct PayFirm {
  FirmStore::View f;
  const double* block_tfp;
  double profit_tax_rate, dividend_share, buffer_steps, loan_rate, credit_line;
  int patience;
  ENTREPOT_HD void operator()(std::size_t j) const {
    if (f.open[j] == 0) {  // a free site: no firm to pay, nor to go bankrupt
      f.wage_paid[j] = 0;
      f.exited[j] = 0;
      f.written_off[j] = 0;
      f.interest[j] = 0;
      f.tax[j] = 0;
      f.dividend[j] = 0;
      return;
    }
    const std::int64_t staff = f.employees[j];
    const std::int64_t per_worker = wage_per_worker(f.wage[j], f.cash[j], staff);
    const std::int64_t bill = per_worker * staff;
    f.cash[j] -= bill;
    f.wage_paid[j] = per_worker;
    const std::int64_t interest = charge_interest(f.loan[j], f.cash[j], loan_rate);
    const std::int64_t profit = profit_of(f.sales_value[j], f.input_cost[j], bill) - interest;
    const std::int64_t tax = profit_tax(profit, profit_tax_rate, f.cash[j]);
    f.cash[j] -= tax;
    const std::int64_t costs = running_costs(f.wage[j], f.productivity[j], block_tfp[f.block[j]],
                                             f.input_unit_cost[j], f.expected_sales[j]);
    // Cash above the target repays the loan before anything is paid out.
    repay_from_cash(f.loan[j], f.cash[j],
                    static_cast<std::int64_t>(buffer_steps * static_cast<double>(costs)));
    const std::int64_t dividend =
        dividend_payout(profit, tax, f.cash[j], costs, dividend_share, buffer_steps);
    // Illiquid only when neither cash nor the credit line can pay the next wage bill.
    const double room = credit_room(f.price[j] * f.expected_sales[j], credit_line, f.loan[j]);
    const double liquid = static_cast<double>(f.cash[j]) + (room > 0.0 ? room : 0.0);
    f.distress[j] = next_distress(
        f.distress[j], insolvent(f.sales_value[j], profit, liquid, f.wage[j], f.labour_demand[j]));
    f.exited[j] = exits(f.distress[j], patience) ? 1 : 0;
    const LoanSettlement settled = settle_loan(f.exited[j] != 0, f.loan[j], f.cash[j], dividend);
    f.written_off[j] = settled.written_off;
    f.interest[j] = interest;
    f.tax[j] = tax;
    f.dividend[j] = settled.dividend;
  }
};

// Per region: tax, dividends, exits, value added, interest, write-offs and loans left.
struct FirmPayouts {
  FirmStore::View f;
  ENTREPOT_HD Totals<7> operator()(std::size_t j) const {
    return Totals<7>{{f.tax[j], f.dividend[j], f.exited[j], f.sales_value[j] - f.input_cost[j],
                      f.interest[j], f.written_off[j], f.loan[j]}};
  }
};

struct Enter {
  TablesView t;
  FirmStore::View f;
  const std::int64_t* grant;  // start-up capital per entrant, by region
  const double* mean_wage;    // by region, money
  ENTREPOT_HD void operator()(std::size_t j) const {
    if (!f.exited[j]) return;
    const int region = f.block[j] / t.sectors;
    // The entrant takes over the plant, and with it the plant's productivity φ: the
    // distribution of φ stays the one drawn at set-up, so selection by exit cannot drift
    // the economy's productivity (and prices) for ever.
    f.cash[j] += grant[region];
    // The entrant offers the regional mean wage (kept from the slot where none was paid).
    f.wage[j] = entrant_wage(mean_wage[region], f.wage[j]);
    f.employees[j] = 0;
    f.distress[j] = 0;
    // The entrant prices at its own cost: (1+μ)·(w/(φA) + input cost).
    const int sector = f.block[j] % t.sectors;
    f.price[j] = cost_price(unit_cost(money_units(f.wage[j]), f.productivity[j],
                                      t.block_tfp[f.block[j]], f.input_unit_cost[j]),
                            t.markup[sector]);
    // It expects to sell what half a firm of average size in its region makes, so it hires
    // at once even when it starts with little cash (wages are paid after its sales).
    f.expected_sales[j] = entrant_expected_sales(
        f.productivity[j], t.block_tfp[f.block[j]],
        t.consumer_start[region + 1] - t.consumer_start[region],
        t.block_start[(region + 1) * t.sectors] - t.block_start[region * t.sectors]);
  }
};

struct ReceiveIncome {
  ConsumerStore::View h;
  Mirror wage_paid, exited;      // by employer, over the labour mirror's firms
  const std::int64_t* benefit;   // per unemployed household, by region
  const std::int64_t* transfer;  // per household (dividend + government transfer), by region
  ENTREPOT_HD void operator()(std::size_t n) const {
    const std::int32_t firm = h.employer[n];
    const int region = h.region[n];
    const std::int64_t income = (firm >= 0 ? wage_paid[firm] : benefit[region]) + transfer[region];
    h.cash[n] += income;
    h.income[n] = income;
    if (firm >= 0 && exited[firm] != 0) h.employer[n] = -1;
  }
};

// Banks book the interest charged and the loans written off, then pay the step's profit to
// the owners of their country's regions in proportion to the regions' households, out of
// equity above the capital requirement (the remainder of the division stays in equity).
void settle_banks(const Setting& setting, Economy& economy, const std::vector<Totals<7>>& payouts) {
  const World& world = setting.world;
  const Tables& tables = setting.tables;
  const int nc = world.countries();
  std::vector<std::int64_t> profit(nc, 0), loans(nc, 0), households(nc, 0);
  for (int r = 0; r < tables.regions; ++r) {
    const int c = world.region_country[r];
    profit[c] += payouts[r].v[4] - payouts[r].v[5];
    loans[c] += payouts[r].v[6];
    households[c] += tables.host.consumer_start[r + 1] - tables.host.consumer_start[r];
  }
  std::vector<std::int64_t> dividend(nc, 0);
  for (int c = 0; c < nc; ++c) {
    economy.bank_equity[c] += profit[c];
    dividend[c] = bank_dividend(profit[c], economy.bank_equity[c], loans[c],
                                setting.behaviour.bank_capital_ratio);
  }
  for (int r = 0; r < tables.regions; ++r) {
    const int c = world.region_country[r];
    if (households[c] <= 0) continue;
    const std::int64_t people = tables.host.consumer_start[r + 1] - tables.host.consumer_start[r];
    // D·H_r/H_c without overflow: D < 2⁶³ and H_r ≤ H_c.
    const auto share =
        static_cast<std::int64_t>(static_cast<__int128>(dividend[c]) * people / households[c]);
    economy.owners[r] += share;
    economy.bank_equity[c] -= share;
  }
}

// A firm's expected revenue per step, price × Dᵉ, money micro-units.
struct ExpectedRevenue {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const {
    return Totals<1>{{static_cast<std::int64_t>(f.price[j] * f.expected_sales[j] *
                                                static_cast<double>(kMoneyScale))}};
  }
};

}  // namespace

void open_banks(const Setting& setting, Economy& economy, const Ranks& ranks) {
  const Tables& tables = setting.tables;
  const World& world = setting.world;
  const FirmStore::ConstView f = std::as_const(economy.firms).view();
  auto revenue = totals_by_key<1>(f.size, tables.regions, FirmRegion{tables.sectors, f.block},
                                  ExpectedRevenue{f});
  ranks.sum_over_ranks(revenue);
  std::vector<double> by_country(world.countries(), 0.0);
  for (int r = 0; r < tables.regions; ++r) {
    by_country[world.region_country[r]] += static_cast<double>(revenue[r].v[0]);
  }
  economy.bank_equity.assign(world.countries(), 0);
  for (int c = 0; c < world.countries(); ++c) {
    economy.bank_equity[c] = starting_bank_equity(setting.behaviour.bank_capital_ratio,
                                                  setting.behaviour.credit_line, by_country[c]);
  }
}

Exits settle_accounts(const Setting& setting, Economy& economy, Ranks& ranks, LabourScratch& labour,
                      const std::vector<std::int64_t>& government_at_start) {
  const Behaviour& b = setting.behaviour;
  const World& world = setting.world;
  const Tables& tables = setting.tables;
  const int nr = tables.regions;
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + f.size,
      PayFirm{f, tables.view().block_tfp, b.profit_tax, b.dividend_share, b.cash_buffer_steps,
              b.loan_rate / static_cast<double>(setting.steps_per_year), b.credit_line,
              b.exit_patience});
  auto payouts = totals_by_key<7>(f.size, nr, FirmRegion{tables.sectors, f.block}, FirmPayouts{f});
  ranks.sum_over_ranks(payouts);
  // Retailers and traders pay interest, tax and dividends like firms, in their own region;
  // their margin is value added of the region. Their exits are counted apart: their
  // entrants are funded apart.
  std::vector<std::int64_t> stockist_entrants(nr, 0);
  const auto add_stockists = [&](const std::vector<Totals<kPayouts>>& stockists) {
    for (int r = 0; r < nr; ++r) {
      for (int x = 0; x < kPayouts; ++x) {
        if (x != 2) payouts[r].v[x] += stockists[r].v[x];
      }
      stockist_entrants[r] += stockists[r].v[2];
    }
  };
  if (tables.markets > 0) add_stockists(pay_stockists(setting, economy.retailers, ranks));
  if (tables.traders > 0) {
    add_stockists(pay_stockists(setting, economy.traders, ranks,
                                thrust::raw_pointer_cast(tables.trader_tax.data())));
    // Foreign-invested traders' dividends go abroad, in the hub's currency.
    if (world.scenario().traders.foreign_per_sector > 0) {
      const std::vector<Totals<1>> abroad = dividends_abroad(setting, economy, ranks);
      for (int r = 0; r < nr; ++r) {
        payouts[r].v[1] -= abroad[r].v[0];
        economy.foreign_held[world.region_country[r]] += abroad[r].v[0];
      }
    }
  }
  settle_banks(setting, economy, payouts);

  // Taxes to governments, dividends to owners; owners fund the entrants of their region.
  std::vector<std::int64_t> grant(nr, 0);
  std::int64_t exits = 0;
  for (int r = 0; r < nr; ++r) {
    economy.government[world.region_country[r]] += payouts[r].v[0];
    economy.owners[r] += payouts[r].v[1];
    const std::int64_t entrants = payouts[r].v[2];
    exits += entrants;
    if (entrants > 0) {
      grant[r] = startup_grant(economy.mean_wage[r], economy.owners[r], entrants);
      economy.owners[r] -= grant[r] * entrants;
    }
  }
  thrust::device_vector<std::int64_t> grant_device(grant.begin(), grant.end());
  thrust::device_vector<double> wage_device(economy.mean_wage.begin(), economy.mean_wage.end());
  thrust::for_each(first, first + f.size,
                   Enter{tables.view(), f, thrust::raw_pointer_cast(grant_device.data()),
                         thrust::raw_pointer_cast(wage_device.data())});
  // Then the stockists' entrants, each up to its share of what the owners have left.
  std::int64_t stockist_exits = 0;
  std::vector<std::int64_t> cap(nr, 0);
  for (int r = 0; r < nr; ++r) {
    stockist_exits += stockist_entrants[r];
    if (stockist_entrants[r] > 0 && economy.owners[r] > 0) {
      cap[r] = economy.owners[r] / stockist_entrants[r];
    }
  }
  if (stockist_exits > 0) {
    const thrust::device_vector<std::int64_t> cap_device(cap.begin(), cap.end());
    for (const auto& granted : {enter_stockists(setting, economy.retailers, ranks, cap_device),
                                enter_stockists(setting, economy.traders, ranks, cap_device)}) {
      for (int r = 0; r < nr; ++r) economy.owners[r] -= granted[r].v[0];
    }
  }

  // Households: wages, or benefit when unemployed, plus dividends and transfers.
  auto unemployed = totals_by_key<1>(h.size, nr, HouseholdRegion{h.region}, Unemployed{h.employer});
  ranks.sum_over_ranks(unemployed);
  std::vector<std::int64_t> benefit(nr, 0), transfer(nr, 0), households_in(world.countries(), 0);
  for (int r = 0; r < nr; ++r) {
    households_in[world.region_country[r]] +=
        tables.host.consumer_start[r + 1] - tables.host.consumer_start[r];
  }
  // Benefits first, whatever the balance; then the budget rule sets the transfers.
  const int nc = world.countries();
  std::vector<std::int64_t> benefits_in(nc, 0), value_added_in(nc, 0), per_household(nc, 0);
  for (int r = 0; r < nr; ++r) {
    const int country = world.region_country[r];
    benefit[r] = unemployment_benefit(b.unemployment_benefit, economy.mean_wage[r]);
    benefits_in[country] += benefit[r] * unemployed[r].v[0];
    value_added_in[country] += payouts[r].v[3];
  }
  for (int c = 0; c < nc; ++c) {
    const std::int64_t revenue = economy.government[c] - government_at_start[c];
    const std::int64_t deficit =
        value_added_in[c] > 0 ? static_cast<std::int64_t>(b.government_deficit *
                                                          static_cast<double>(value_added_in[c]))
                              : 0;
    per_household[c] =
        transfer_per_household(revenue, deficit, b.government_transfer, government_at_start[c],
                               benefits_in[c], households_in[c]);
    economy.government[c] -= benefits_in[c] + per_household[c] * households_in[c];
  }
  for (int r = 0; r < nr; ++r) {
    const std::int64_t people = tables.host.consumer_start[r + 1] - tables.host.consumer_start[r];
    const std::int64_t dividend = dividend_per_head(economy.owners[r], people);
    economy.owners[r] -= dividend * people;
    transfer[r] = dividend + per_household[world.region_country[r]];
  }
  thrust::device_vector<std::int64_t> benefit_device(benefit.begin(), benefit.end());
  thrust::device_vector<std::int64_t> transfer_device(transfer.begin(), transfer.end());
  // Employers in the other part of a split region pay too.
  mirror_firms(ranks, Widen<std::int64_t>{f.wage_paid}, labour.wage_paid);
  mirror_firms(ranks, Widen<std::uint8_t>{f.exited}, labour.exited);
  thrust::for_each(
      first, first + h.size,
      ReceiveIncome{h, mirror_of(ranks, labour.wage_paid), mirror_of(ranks, labour.exited),
                    thrust::raw_pointer_cast(benefit_device.data()),
                    thrust::raw_pointer_cast(transfer_device.data())});
  return Exits{exits, stockist_exits};
}

}  // namespace entrepot
