#include "world/layout.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace entrepot {

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights,
                                    std::vector<std::int64_t> floors) {
  std::vector<std::int64_t> count(weights.size(), 0);
  std::vector<bool> fixed(weights.size(), false);
  std::int64_t wanted = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    floors[i] = weights[i] > 0.0 ? std::max<std::int64_t>(1, floors[i]) : 0;
    wanted += floors[i];
  }
  // Too few to give every positive weight its floor: one each.
  if (wanted > total) {
    for (std::size_t i = 0; i < weights.size(); ++i) floors[i] = weights[i] > 0.0 ? 1 : 0;
  }
  // Weights whose share falls below their floor get the floor; the rest share what is left,
  // in rounds, since taking out the small ones raises the others' shares.
  std::int64_t left = total;
  double sum = 0.0;
  for (double w : weights) sum += w > 0.0 ? w : 0.0;
  for (bool changed = sum > 0.0; changed;) {
    changed = false;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] <= 0.0 || fixed[i]) continue;
      if (static_cast<double>(left) * weights[i] / sum < static_cast<double>(floors[i])) {
        fixed[i] = true;
        count[i] = floors[i];
        left -= floors[i];
        sum -= weights[i];
        changed = sum > 0.0;
      }
    }
  }
  std::vector<std::pair<double, std::size_t>> remainder;
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0 || fixed[i]) continue;
    const double exact = static_cast<double>(left) * weights[i] / sum;
    count[i] = static_cast<std::int64_t>(exact);
    assigned += count[i];
    remainder.push_back({exact - std::floor(exact), i});
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < left && !remainder.empty(); k = (k + 1) % remainder.size()) {
    ++count[remainder[k].second];
    ++assigned;
  }
  return count;
}

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  return apportion(total, weights, std::vector<std::int64_t>(weights.size(), 1));
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

std::int64_t reserve_sites(std::int64_t n, double reserve) {
  if (n <= 0 || !(reserve > 0.0)) return 0;
  const double want = reserve * static_cast<double>(n);
  auto sites = static_cast<std::int64_t>(want);
  if (static_cast<double>(sites) < want) ++sites;
  return sites;
}

AgentLayout agent_layout(const Scenario& sc) {
  const int nr = static_cast<int>(sc.regions.size()), ns = static_cast<int>(sc.sectors.size());
  // Firms by region ∝ workforce (a firm needs workers; a richer region's firms are more
  // productive, not more numerous per worker) and by sector within it ∝ the region's share of
  // value added in the sector: the world's share times its country's specialisation, so
  // comparative advantage and resource endowments decide where sectors are (a factor of 0:
  // no firms there). Blocks too small for the world's size are left out (below, layout.h).
  const std::vector<double> share = block_shares(sc);
  std::vector<double> people(nr);
  for (int r = 0; r < nr; ++r) people[r] = sc.regions[r].population_m;
  const std::vector<std::int64_t> households = apportion(sc.consumers, people);
  // A block's work in households: its share of its region's value added times the region's
  // households. A sector's kMinBlockFirms largest blocks stay however small, so that in a
  // small world a sector is still made in a few places.
  std::vector<double> work(share.size());
  for (std::size_t b = 0; b < share.size(); ++b) {
    work[b] = share[b] * static_cast<double>(households[b / ns]);
  }
  const auto among_largest = [&](std::size_t b) {
    std::int64_t larger = 0;
    for (int r = 0; r < nr; ++r) {
      const std::size_t other = static_cast<std::size_t>(r) * ns + b % ns;
      larger += work[other] > work[b] || (work[other] == work[b] && other < b) ? 1 : 0;
    }
    return larger < kMinBlockFirms;
  };
  std::vector<double> weight(share.size());
  std::vector<std::int64_t> floors(share.size(), 1);
  for (std::size_t b = 0; b < share.size(); ++b) {
    const bool resolved = work[b] >= kMinBlockWork || among_largest(b);
    weight[b] = resolved ? people[b / ns] * share[b] : 0.0;
    floors[b] = std::clamp<std::int64_t>(static_cast<std::int64_t>(work[b] / kMinFirmWork), 1,
                                         kMinBlockFirms);
  }
  std::vector<std::int64_t> firms = apportion(sc.firms, weight, floors);
  std::vector<std::int64_t> free_sites(firms.size(), 0);
  if (sc.relocation.on()) {
    const std::vector<int>& mobile = sc.relocation.sectors;
    for (std::size_t b = 0; b < firms.size(); ++b) {
      const int sector = static_cast<int>(b % ns);
      if (!mobile.empty() && std::find(mobile.begin(), mobile.end(), sector) == mobile.end()) {
        continue;
      }
      free_sites[b] = reserve_sites(firms[b], sc.relocation.reserve);
      firms[b] += free_sites[b];
    }
  }
  return AgentLayout{firms, households, free_sites};
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
  return partition_regions(layout.firms_by_region(), layout.households, ranks, 0.05,
                           sc.retail.households_per_market);
}

std::vector<std::int64_t> AgentLayout::firms_by_region() const {
  const std::size_t nr = households.size();
  const std::size_t ns = nr > 0 ? firms.size() / nr : 0;
  std::vector<std::int64_t> out(nr, 0);
  for (std::size_t b = 0; b < firms.size(); ++b) out[b / ns] += firms[b];
  return out;
}

}  // namespace entrepot
