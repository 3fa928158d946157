// One economy and its step: the nine phases of DESIGN §4 in order, with the money check.
#include <thrust/reduce.h>

#include <stdexcept>
#include <string>

#include "kernels/host_copy.h"
#include "kernels/phases.h"

namespace entrepot {

Model::Model(const Scenario& sc, World& w) : scenario(sc), world(w), rng{sc.seed} {
  build_tables(*this);
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

std::int64_t Model::total_money() const {
  std::int64_t total = thrust::reduce(firms.cash.begin(), firms.cash.end(), std::int64_t{0});
  total += thrust::reduce(consumers.cash.begin(), consumers.cash.end(), std::int64_t{0});
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
