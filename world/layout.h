// How many agents of each kind live where: the layout every store follows (firms sorted by
// (region, sector) block, households by region). It depends on the scenario alone, so the
// partition over ranks can be computed before any agent exists.
#pragma once

#include <cstdint>
#include <vector>

#include "world/partition.h"
#include "world/scenario.h"

namespace entrepot {

struct AgentLayout {
  std::vector<std::int64_t> firms;       // per block b = region·S + sector
  std::vector<std::int64_t> households;  // per region
  std::vector<std::int64_t> firms_by_region() const;
};

// Households by region ∝ population; firms by block ∝ population × the sector's value-added
// share. Largest-remainder rounding, so the counts add up to the scenario's totals.
AgentLayout agent_layout(const Scenario& scenario);

// The partition of this scenario's agents over `ranks` ranks (world/partition.h).
Partition partition_agents(const Scenario& scenario, int ranks);

// Splits `total` over `weights` by largest remainder, each positive weight getting ≥ 1.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights);

}  // namespace entrepot
