#include "world/layout.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace entrepot {

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  double sum = 0.0;
  for (double w : weights) sum += w;
  std::vector<std::int64_t> count(weights.size(), 0);
  std::vector<std::pair<double, std::size_t>> remainder;
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    const double exact = static_cast<double>(total) * weights[i] / sum;
    count[i] = std::max<std::int64_t>(1, static_cast<std::int64_t>(exact));
    assigned += count[i];
    remainder.push_back({exact - std::floor(exact), i});
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < total && !remainder.empty(); k = (k + 1) % remainder.size()) {
    ++count[remainder[k].second];
    ++assigned;
  }
  return count;
}

std::vector<double> block_shares(const Scenario& sc) {
  const int nr = static_cast<int>(sc.regions.size()), ns = static_cast<int>(sc.sectors.size());
  std::vector<double> share(static_cast<std::size_t>(nr) * ns, 0.0);
  for (int r = 0; r < nr; ++r) {
    const Country& country = sc.countries[sc.regions[r].country];
    double mix = 0.0;
    for (int s = 0; s < ns; ++s)
      mix += sc.sectors[s].value_added_share * country.specialisation_in(s);
    for (int s = 0; s < ns; ++s) {
      share[static_cast<std::size_t>(r) * ns + s] =
          mix > 0.0 ? sc.sectors[s].value_added_share * country.specialisation_in(s) / mix : 0.0;
    }
  }
  return share;
}

AgentLayout agent_layout(const Scenario& sc) {
  const int nr = static_cast<int>(sc.regions.size()), ns = static_cast<int>(sc.sectors.size());
  // Firms by region ∝ workforce (a firm needs workers; a richer region's firms are more
  // productive, not more numerous per worker) and by sector within it ∝ the region's share of
  // value added in the sector: the world's share times its country's specialisation, so
  // comparative advantage and resource endowments decide where sectors are (a factor of 0:
  // no firms there).
  const std::vector<double> share = block_shares(sc);
  std::vector<double> block_weight(share.size()), people(nr);
  for (int r = 0; r < nr; ++r) {
    people[r] = sc.regions[r].population_m;
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(r) * ns + s;
      block_weight[b] = sc.regions[r].population_m * share[b];
    }
  }
  return AgentLayout{apportion(sc.firms, block_weight), apportion(sc.consumers, people)};
}

std::vector<double> household_budget(const Scenario& sc, int region) {
  const Country& country = sc.countries[sc.regions[region].country];
  std::vector<double> share(sc.sectors.size(), 0.0);
  double total = 0.0;
  for (std::size_t s = 0; s < share.size(); ++s) {
    // A quarter of the world's mix at least: a country without the resource still buys it.
    const double lean = std::max(country.specialisation_in(static_cast<int>(s)), 0.25);
    share[s] = sc.sectors[s].consumer_share * lean;
    total += share[s];
  }
  for (double& x : share) x = total > 0.0 ? x / total : 0.0;
  return share;
}

std::vector<double> world_household_budget(const Scenario& sc) {
  std::vector<double> world(sc.sectors.size(), 0.0);
  double gdp = 0.0;
  for (std::size_t r = 0; r < sc.regions.size(); ++r) {
    const std::vector<double> share = household_budget(sc, static_cast<int>(r));
    for (std::size_t s = 0; s < world.size(); ++s) world[s] += sc.regions[r].gdp_musd * share[s];
    gdp += sc.regions[r].gdp_musd;
  }
  for (double& x : world) x = gdp > 0.0 ? x / gdp : 0.0;
  return world;
}

Partition partition_agents(const Scenario& sc, int ranks) {
  const AgentLayout layout = agent_layout(sc);
  return partition_regions(layout.firms_by_region(), layout.households, ranks);
}

std::vector<std::int64_t> AgentLayout::firms_by_region() const {
  const std::size_t nr = households.size();
  const std::size_t ns = nr > 0 ? firms.size() / nr : 0;
  std::vector<std::int64_t> out(nr, 0);
  for (std::size_t b = 0; b < firms.size(); ++b) out[b / ns] += firms[b];
  return out;
}

}  // namespace entrepot
