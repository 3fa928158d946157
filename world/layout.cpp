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

AgentLayout agent_layout(const Scenario& sc) {
  const int nr = static_cast<int>(sc.regions.size()), ns = static_cast<int>(sc.sectors.size());
  // Firms by region ∝ workforce (a firm needs workers; a richer region's firms are more
  // productive, not more numerous per worker) and by sector within it ∝ value added.
  std::vector<double> block_weight(static_cast<std::size_t>(nr) * ns), people(nr);
  for (int r = 0; r < nr; ++r) {
    people[r] = sc.regions[r].population_m;
    for (int s = 0; s < ns; ++s) {
      block_weight[static_cast<std::size_t>(r) * ns + s] =
          sc.regions[r].population_m * sc.sectors[s].value_added_share;
    }
  }
  return AgentLayout{apportion(sc.firms, block_weight), apportion(sc.consumers, people)};
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
