// Which firms export (agents/exporting.h): per block, its most productive firms, as many as
// cover the fixed cost of serving abroad from the block's foreign sales; and the iceberg
// losses of the calibrated flows. Host-side, from block aggregates, so every rank agrees.
#include <utility>
#include <vector>

#include "agents/exporting.h"
#include "agents/relocation.h"
#include "kernels/phases.h"

namespace entrepot {

namespace {

// Calls visit(o, d, s, value) for every flow the search weights give at `supply`: each
// region's spending on a sector (regional_spending) split over origins (spending_by_origin).
template <class Visit>
void for_each_flow(const Scenario& scenario, const World& world, const Tables& tables,
                   const Economy& economy, const std::vector<double>& supply, Visit visit) {
  const int nr = world.regions(), ns = world.sectors();
  const RegionalSpending spending =
      regional_spending(scenario, supply, economy.block_price, nr, ns);
  std::vector<double> weight, by_origin;
  for (int d = 0; d < nr; ++d) {
    for (int s = 0; s < ns; ++s) {
      spending_by_origin(scenario, world, tables, economy.presence, economy.block_price, spending,
                         d, s, weight, by_origin);
      for (int o = 0; o < nr; ++o) {
        if (by_origin[o] > 0.0) visit(o, d, s, by_origin[o]);
      }
    }
  }
}

}  // namespace

void learn_flows(const Scenario& scenario, const World& world, const Tables& tables,
                 const Economy& economy, const std::vector<double>& supply, StartingFlows& start) {
  const int ns = world.sectors();
  std::vector<double> lost(ns, 0.0), bought(ns, 0.0);
  std::vector<double> abroad(supply.size(), 0.0), sold(supply.size(), 0.0);
  for_each_flow(scenario, world, tables, economy, supply, [&](int o, int d, int s, double flow) {
    const double iceberg = tables.host.iceberg[world.rrs(o, d, s)];
    lost[s] += flow * iceberg;
    bought[s] += flow;
    const std::size_t block = static_cast<std::size_t>(o) * ns + s;
    sold[block] += flow * iceberg;
    if (world.region_country[o] != world.region_country[d]) abroad[block] += flow * iceberg;
  });
  for (int s = 0; s < ns; ++s) lost[s] = bought[s] > 0.0 ? lost[s] / bought[s] : 1.0;
  for (std::size_t b = 0; b < sold.size(); ++b)
    abroad[b] = sold[b] > 0.0 ? abroad[b] / sold[b] : 0.0;
  start.iceberg = std::move(lost);
  start.foreign_share = std::move(abroad);
}

std::vector<std::int64_t> exporter_counts(const Tables& tables, const Economy& economy) {
  const std::vector<std::int64_t>& start = tables.host.block_start;
  const std::vector<std::int64_t>& free = tables.host.free_sites;
  const std::vector<std::uint8_t>& open = tables.host.site_open;
  std::vector<std::int64_t> count(start.size() - 1, 0);
  for (std::size_t b = 0; b < count.size() && b < economy.export_first.size(); ++b) {
    if (free.empty() || free[b] == 0) {
      count[b] = start[b + 1] - economy.export_first[b];
      continue;
    }
    // Where firms may move, the exporters' ranks hold free sites too: only firms count, as
    // the sites say once the economy is set up, and as they start before.
    const std::int64_t m = start[b + 1] - start[b];
    for (std::int64_t id = economy.export_first[b]; id < start[b + 1]; ++id) {
      const bool works = open.empty() ? !starts_free(id - start[b], m, free[b])
                                      : open[static_cast<std::size_t>(id)] != 0;
      count[b] += works ? 1 : 0;
    }
  }
  return count;
}

std::vector<std::int64_t> choose_exporters(const Scenario& scenario, const World& world,
                                           const Tables& tables, const Economy& economy,
                                           const std::vector<double>& supply) {
  const int nr = world.regions(), ns = world.sectors();
  const Behaviour& b = scenario.behaviour;
  // Sales abroad per block: what buyers in other countries spend, split by the search weights.
  std::vector<double> foreign(supply.size(), 0.0);
  for_each_flow(scenario, world, tables, economy, supply, [&](int o, int d, int s, double flow) {
    if (world.region_country[o] != world.region_country[d]) {
      foreign[static_cast<std::size_t>(o) * ns + s] += flow;
    }
  });
  const std::vector<std::int64_t>& start = tables.host.block_start;
  std::vector<std::int64_t> first(supply.size());
  for (int o = 0; o < nr; ++o) {
    // The fixed cost in money: f_x workers at the region's mean wage.
    const double cost = b.export_cost * economy.mean_wage[o] / static_cast<double>(kMoneyScale);
    for (int s = 0; s < ns; ++s) {
      const std::size_t block = static_cast<std::size_t>(o) * ns + s;
      const double markup = scenario.sectors[s].markup;
      const std::int64_t n = start[block + 1] - start[block];
      first[block] =
          start[block + 1] - exporters_in_block(n, foreign[block], markup / (1 + markup), cost,
                                                b.productivity_shape, b.variety_elasticity);
    }
  }
  return first;
}

}  // namespace entrepot
