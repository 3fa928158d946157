// Phase 7: accounts. Firms pay wages (pro rata when cash is short), profit tax to their
// government and dividends to their region's owners; insolvent firms exit and their slot
// is reborn as an entrant financed by the owners. Owners pass dividends on to the
// region's households; governments pay unemployment benefit and return part of any
// surplus. Every transfer moves an exact int64 amount between two accounts.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"

namespace entrepot {
namespace {

struct PayFirm {
  FirmStore::View f;
  const double* region_tfp;
  int sectors;
  double profit_tax_rate, dividend_share, buffer_steps;
  int patience;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const std::int64_t staff = f.employees[j];
    const std::int64_t per_worker = wage_per_worker(f.wage[j], f.cash[j], staff);
    const std::int64_t bill = per_worker * staff;
    f.cash[j] -= bill;
    f.wage_paid[j] = per_worker;
    const std::int64_t profit = profit_of(f.sales_value[j], f.input_cost[j], bill);
    const std::int64_t tax = profit_tax(profit, profit_tax_rate, f.cash[j]);
    f.cash[j] -= tax;
    const std::int64_t costs =
        running_costs(f.wage[j], f.productivity[j], region_tfp[f.block[j] / sectors],
                      f.input_unit_cost[j], f.expected_sales[j]);
    std::int64_t dividend =
        dividend_payout(profit, tax, f.cash[j], costs, dividend_share, buffer_steps);
    f.distress[j] = next_distress(f.distress[j], insolvent(f.sales_value[j], profit, f.cash[j],
                                                           f.wage[j], f.labour_demand[j]));
    f.exited[j] = exits(f.distress[j], patience) ? 1 : 0;
    if (f.exited[j]) dividend = f.cash[j];  // what is left goes back to the owners
    f.cash[j] -= dividend;
    f.tax[j] = tax;
    f.dividend[j] = dividend;
  }
};

struct FirmPayouts {
  FirmStore::View f;
  ENTREPOT_HD Totals<4> operator()(std::size_t j) const {
    return Totals<4>{{f.tax[j], f.dividend[j], f.exited[j], f.sales_value[j] - f.input_cost[j]}};
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
                                      t.region_tfp[region], f.input_unit_cost[j]),
                            t.markup[sector]);
    // It expects to sell what half a firm of average size in its region makes, so it hires
    // at once even when it starts with little cash (wages are paid after its sales).
    f.expected_sales[j] = entrant_expected_sales(
        f.productivity[j], t.region_tfp[region],
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

}  // namespace

std::int64_t settle_accounts(const Setting& setting, Economy& economy, Ranks& ranks,
                             LabourScratch& labour,
                             const std::vector<std::int64_t>& government_at_start) {
  const Behaviour& b = setting.behaviour;
  const World& world = setting.world;
  const Tables& tables = setting.tables;
  const int nr = tables.regions;
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + f.size,
                   PayFirm{f, tables.view().region_tfp, tables.sectors, b.profit_tax,
                           b.dividend_share, b.cash_buffer_steps, b.exit_patience});
  auto payouts = totals_by_key<4>(f.size, nr, FirmRegion{tables.sectors, f.block}, FirmPayouts{f});
  ranks.sum_over_ranks(payouts);

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
  return exits;
}

}  // namespace entrepot
