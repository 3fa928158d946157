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
  std::vector<std::int64_t> firms;       // per block b = region·S + sector, its sites
  std::vector<std::int64_t> households;  // per region
  std::vector<std::int64_t> free_sites;  // per block: of its sites, those that start free
  std::vector<std::int64_t> firms_by_region() const;
};

// Households by region ∝ population; firms by block ∝ population × the sector's value-added
// share, with the floors and the cut below. Largest-remainder rounding, so the counts add up
// to the scenario's totals. Where firms may move (relocation), each block of a sector that
// may move has free sites on top (agents/relocation.h, reserve_sites).
AgentLayout agent_layout(const Scenario& scenario);

// The free sites of a block of n firms where firms may move: a share `reserve` of them,
// rounded up (none at 0).
std::int64_t reserve_sites(std::int64_t n, double reserve);

// Per block r·S + s: the region's share of its value added in sector s (the world's share
// times the country's specialisation, normalised within the region).
std::vector<double> block_shares(const Scenario& scenario);

// Households' budget shares in a region, per sector: the sectors' consumer_share weighted
// by the country's specialisation and normalised to sum to 1, so that what a country's
// households buy leans the way its output does (an economy of services spends more on
// services), and trade between sectors comes from inputs and resources.
std::vector<double> household_budget(const Scenario& scenario, int region);

// The world's household budget shares: the regions' weighted by their GDP.
std::vector<double> world_household_budget(const Scenario& scenario);

// The partition of this scenario's agents over `ranks` ranks (world/partition.h).
Partition partition_agents(const Scenario& scenario, int ranks);

// A block's firms at the least, kMinBlockFirms, where its work (its share of its region's
// value added times the region's households) gives each kMinFirmWork households' worth; fewer
// where it does not. A sector of one or two firms stops with its first exit, and its buyers
// with it, since inputs are Leontief. A block with less than kMinBlockWork households' worth
// has no firms, unless it is among its sector's kMinBlockFirms largest: the world is too
// small to hold it, and a firm there would be a worker or two making many times what its
// buyers order.
inline constexpr std::int64_t kMinBlockFirms = 4;
inline constexpr double kMinFirmWork = 2.0;
inline constexpr double kMinBlockWork = 1.0;

// Splits `total` over `weights` by largest remainder, each positive weight getting at least
// its floor (at least 1), or 1 each where the floors add up to more than `total`.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights,
                                    std::vector<std::int64_t> floors);
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights);

}  // namespace entrepot
