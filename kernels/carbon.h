// Emissions trading (docs/model.md §4.17): each step, before firms plan, every running carbon
// market issues its cap and clears its allowances on a call auction (kernels/auction.h)
// over the orders of all ranks' covered firms; after production the firms surrender an
// allowance per kg they emitted.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/carbon.h"
#include "base/records.h"
#include "kernels/economy.h"
#include "kernels/phases.h"
#include "kernels/ranks.h"
#include "kernels/tables.h"
#include "world/scenario.h"

namespace entrepot {

// A covered site's own abatement slope in market `market`, money per kg (agents/carbon.h
// firm_abatement_slope, its draw fixed per site).
ENTREPOT_HD double site_abatement_slope(const TablesView& t, const Philox& rng, std::uint64_t site,
                                        int market) {
  return firm_abatement_slope(t.abatement_slope[market], rng.uniform(site, 0, Draw::abatement, 0));
}

// What a step's auctions did, per market: allowances issued (the cap) and traded, micro-kg.
struct AllowanceTrade {
  std::vector<std::int64_t> issued, traded;
};

// Fixes, once the set-up has sized the firms, each block's market, each market's set-up
// emissions and the free allowances per site; every market's price starts at 0.
void set_up_carbon_markets(const Scenario& scenario, Economy& economy, const Ranks& ranks,
                           Tables& tables);

// Phase 3a: the running markets issue this step's cap and clear their auctions; each covered
// firm's allowances, cash and abated share are set, the governments take the proceeds, and
// the tables carry the new prices to the plan. Nothing to do without markets.
AllowanceTrade trade_allowances(const Scenario& scenario, const Setting& setting, Economy& economy,
                                const Ranks& ranks, Tables& tables, int step);

// The ad valorem charge of every border carbon adjustment in force, per exporter × importer ×
// sector (World::flow_cell): the importer's share of the gap between its allowance price and
// the exporter's, both in US$ per kg, times the exporter's kg per US$ of the sector's output
// at set-up (docs/model.md §4.17). Zero everywhere without one.
std::vector<double> border_carbon_rates(const Scenario& scenario, const World& world,
                                        const Economy& economy);

// The step's figures per market into `stats` (its prices, what was issued and traded, what
// the covered firms emitted and still hold), and the covered blocks' emissions summed firm
// by firm (their abatement differs).
void carbon_statistics(const Scenario& scenario, const Setting& setting, const Economy& economy,
                       const Ranks& ranks, const AllowanceTrade& trade, StepStatistics& stats);

}  // namespace entrepot
