// What each region spends on each sector at the starting state and where it buys it (the
// set-up's calibration of presence and the exporters' choice read them; kernels/phases.h).
#include <algorithm>
#include <vector>

#include "agents/trade.h"
#include "kernels/model.h"
#include "world/layout.h"

namespace entrepot {

// Origin weights of destination d and sector s (origin_weight, agents/trade.h).
void origin_weights(const Scenario& scenario, const World& world, const Tables& tables,
                    const std::vector<double>& presence, const std::vector<double>& price, int d,
                    int s, std::vector<double>& weight) {
  const int nr = world.regions(), ns = world.sectors();
  weight.assign(nr, 0.0);
  for (int o = 0; o < nr; ++o) {
    const std::size_t block = static_cast<std::size_t>(o) * ns + s;
    weight[o] =
        origin_weight(presence[block], price[block], tables.host.trade_factor[world.rrs(o, d, s)],
                      scenario.behaviour.trade_elasticity);
  }
}

// What each region spends on each sector at the starting state, as the step's rules make it:
// households spend the region's value added by the budget shares, and firms buy the inputs
// their output needs by the recipe, valued at the sectors' mean prices. Then each sector's
// spending is scaled to its world output, so that the world market clears; where sectors
// are specialised (Scenario's specialisation) this is inter-industry trade.
RegionalSpending regional_spending(const Scenario& scenario, const std::vector<double>& supply,
                                   const std::vector<double>& price, int nr, int ns) {
  std::vector<double> sector_price(ns, 0.0), sector_supply(ns, 0.0);
  for (int r = 0; r < nr; ++r) {
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(r) * ns + s;
      sector_price[s] += supply[b] * price[b];
      sector_supply[s] += supply[b];
    }
  }
  for (int s = 0; s < ns; ++s) {
    sector_price[s] = sector_supply[s] > 0.0 ? sector_price[s] / sector_supply[s] : 1.0;
  }
  RegionalSpending out;
  std::vector<double>& spending = out.all;
  std::vector<double>& at_home = out.at_home;
  std::vector<double>& home_share = out.home_share;
  spending.assign(supply.size(), 0.0);
  at_home.assign(supply.size(), 0.0);
  home_share.assign(supply.size(), 0.0);
  std::vector<double> total(ns, 0.0);
  for (int d = 0; d < nr; ++d) {
    double value_added = 0.0;
    for (int s = 0; s < ns; ++s) value_added += supply[static_cast<std::size_t>(d) * ns + s];
    for (const RecipeEntry& e : scenario.recipe) {
      const double inputs = supply[static_cast<std::size_t>(d) * ns + e.output] * e.amount *
                            sector_price[e.input] / sector_price[e.output];
      spending[static_cast<std::size_t>(d) * ns + e.input] += inputs;
      value_added -= inputs;
    }
    const std::vector<double> budget = household_budget(scenario, d);
    for (int s = 0; s < ns; ++s) {
      const double spent = budget[s] * (value_added > 0.0 ? value_added : 0.0);
      spending[static_cast<std::size_t>(d) * ns + s] += spent;
      if (scenario.retail.households_local() && scenario.sectors[s].kind == SectorKind::service) {
        at_home[static_cast<std::size_t>(d) * ns + s] = spent;
      }
    }
  }
  for (std::size_t b = 0; b < spending.size(); ++b) total[b % ns] += spending[b];
  for (int d = 0; d < nr; ++d) {
    double output = 0.0, world = 0.0;
    for (int s = 0; s < ns; ++s) output += supply[static_cast<std::size_t>(d) * ns + s];
    for (double v : sector_supply) world += v;
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(d) * ns + s;
      // A sector nobody's rules demand still sells: spread by the regions' output.
      spending[b] = total[s] > 0.0 ? spending[b] * sector_supply[s] / total[s]
                                   : (world > 0.0 ? sector_supply[s] * output / world : 0.0);
      const double wanted = total[s] > 0.0 ? at_home[b] * sector_supply[s] / total[s] : 0.0;
      // What the region makes of a service its households buy there; the rest they buy
      // where others do.
      at_home[b] = std::min(wanted, supply[b]);
      home_share[b] = wanted > 0.0 ? at_home[b] / wanted : 0.0;
    }
  }
  return out;
}

void spending_by_origin(const Scenario& scenario, const World& world, const Tables& tables,
                        const std::vector<double>& presence, const std::vector<double>& price,
                        const RegionalSpending& spending, int d, int s, std::vector<double>& weight,
                        std::vector<double>& by_origin) {
  const int nr = world.regions(), ns = world.sectors();
  const std::size_t b = static_cast<std::size_t>(d) * ns + s;
  by_origin.assign(static_cast<std::size_t>(nr), 0.0);
  double rest = spending.all[b];
  // The household_cdf rule (refresh_search): at home where the own block has presence.
  if (spending.at_home[b] > 0.0 && presence[b] > 0.0) {
    by_origin[static_cast<std::size_t>(d)] = spending.at_home[b];
    rest -= spending.at_home[b];
  }
  origin_weights(scenario, world, tables, presence, price, d, s, weight);
  double total = 0.0;
  for (double x : weight) total += x;
  if (total <= 0.0) return;
  for (int o = 0; o < nr; ++o) by_origin[static_cast<std::size_t>(o)] += rest * weight[o] / total;
}

}  // namespace entrepot
