// One economy and its step: the nine phases of DESIGN §4 in order, with the money check.
#include <thrust/reduce.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/host_copy.h"
#include "kernels/phases.h"
#include "world/layout.h"

namespace entrepot {

namespace {

// The region of the agent `id` given the starts of its groups (blocks or regions).
int group_of(const std::vector<std::int64_t>& start, std::int64_t id) {
  return static_cast<int>(std::upper_bound(start.begin() + 1, start.end(), id) -
                          (start.begin() + 1));
}

// The agents a rank owns, and the firms of every region it holds agents of: a region split
// between ranks has one labour market, spanning all its firms.
Domain domain_of(const RankShare& mine, const std::vector<std::int64_t>& block_start,
                 const std::vector<std::int64_t>& consumer_start, int sectors) {
  Domain d;
  d.firm_first = mine.firm_begin;
  d.firm_total = block_start.back();
  d.household_first = mine.household_begin;
  d.household_total = consumer_start.back();
  int low = static_cast<int>(consumer_start.size()), high = -1;
  if (mine.firm_end > mine.firm_begin) {
    low = std::min(low, group_of(block_start, mine.firm_begin) / sectors);
    high = std::max(high, group_of(block_start, mine.firm_end - 1) / sectors);
  }
  if (mine.household_end > mine.household_begin) {
    low = std::min(low, group_of(consumer_start, mine.household_begin));
    high = std::max(high, group_of(consumer_start, mine.household_end - 1));
  }
  d.labour_first =
      high >= 0 ? block_start[static_cast<std::size_t>(low) * sectors] : mine.firm_begin;
  d.labour_end =
      high >= 0 ? block_start[static_cast<std::size_t>(high + 1) * sectors] : mine.firm_end;
  return d;
}

}  // namespace

Model::Model(const Scenario& sc, World& w, const Comm* c)
    : scenario(sc), world(w), rng{sc.seed}, comm(c) {
  build_tables(*this);
  const int rank = comm != nullptr ? comm->rank() : 0;
  partition = partition_agents(sc, comm != nullptr ? comm->size() : 1);
  const RankShare& mine = partition.ranks[rank];
  domain = domain_of(mine, block_start, consumer_start, tables.sectors);
  if (distributed()) {
#if defined(ENTREPOT_BACKEND_CUDA)
    exchange_in_place = comm->cuda_aware();
#else
    exchange_in_place = !comm->staged();
#endif
    quote_exchange = std::make_unique<SellerExchange>(*comm, partition);
    offer_exchange = std::make_unique<SellerExchange>(*comm, partition);
    spill_exchange = std::make_unique<SellerExchange>(*comm, partition);
    round_two_exchange = std::make_unique<SellerExchange>(*comm, partition);
    labour_exchange = std::make_unique<SellerExchange>(*comm, partition);
    std::vector<std::int64_t> others;
    for (std::int64_t id = domain.labour_first; id < domain.labour_end; ++id) {
      if (id < mine.firm_begin || id >= mine.firm_end) others.push_back(id);
    }
    labour_exchange->ask(others);
  }
  const int nr = tables.regions, ns = tables.sectors;
  flows.assign(static_cast<std::size_t>(nr) * nr * ns * kFlows, 0);
  household_flows.assign(static_cast<std::size_t>(nr) * tables.consumer_slots * 2, 0);
  government.assign(world.countries(), 0);
  owners.assign(nr, 0);
  unemployment_rate.assign(nr, sc.behaviour.target_unemployment);
  mean_wage.resize(nr);
  for (int r = 0; r < nr; ++r) {
    mean_wage[r] = sc.regions[r].productivity * static_cast<double>(kMoneyScale);
  }
  unemployment_device.assign(unemployment_rate.begin(), unemployment_rate.end());
  base_unit_value.assign(static_cast<std::size_t>(nr) * tables.consumer_slots, 0.0);
  populate(*this);
  initial_money = total_money();
}

SellerIndex Model::seller_index(const Ghosts& ghosts) const {
  return ghosts.index(domain.firm_first, static_cast<std::int64_t>(firms.size));
}

void Model::sum_over_ranks(std::int64_t* values, std::size_t count) const {
  if (distributed()) comm->sum(values, count);
}

std::int64_t Model::sum_over_ranks(std::int64_t value) const {
  sum_over_ranks(&value, 1);
  return value;
}

std::int64_t Model::total_money() const {
  std::int64_t total = thrust::reduce(firms.cash.begin(), firms.cash.end(), std::int64_t{0});
  total += thrust::reduce(consumers.cash.begin(), consumers.cash.end(), std::int64_t{0});
  total = sum_over_ranks(total);
  for (std::int64_t g : government) total += g;
  for (std::int64_t o : owners) total += o;
  return total;
}

void Model::step(int step) {
  if (world.apply_policy(step)) refresh_trade_costs();     // 1. policy
  stats.supplier_switches = search_suppliers(*this, step,  // 2. search
                                             scenario.behaviour.search_probability);
  plan_production(*this);           // 3. plan
  labour_market(*this, step);       // 4. labour market
  stats.used = produce(*this);      // 5. produce
  trade(*this, step);               // 6. trade
  settle_accounts(*this, step);     // 7. accounts
  adjust_prices(*this);             // 8. prices, expectations
  collect_statistics(*this, step);  // 9. statistics

  std::int64_t money = 0;
  for (std::int64_t held : stats.money) money += held;
  if (money != initial_money) {
    throw std::logic_error("step " + std::to_string(step) + ": money is not conserved (" +
                           std::to_string(money) + " held, " + std::to_string(initial_money) +
                           " at the start)");
  }
}

FirmSnapshot Model::snapshot(int step) const {
  FirmSnapshot s;
  s.step = step;
  const std::vector<std::int32_t> block = to_host(firms.block);
  s.region.resize(block.size());
  s.sector.resize(block.size());
  for (std::size_t j = 0; j < block.size(); ++j) {
    s.region[j] = block[j] / tables.sectors;
    s.sector[j] = block[j] % tables.sectors;
  }
  s.productivity = to_host(firms.productivity);
  s.employees = to_host(firms.employees);
  s.output = to_host(firms.output);
  s.sales_value = to_host(firms.sales_value);
  s.export_value = to_host(firms.export_value);
  s.cash = to_host(firms.cash);
  s.price = to_host(firms.price);
  return s;
}

}  // namespace entrepot
