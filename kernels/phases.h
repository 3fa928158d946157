// The nine phases of one step (DESIGN §4), each a composition of Thrust passes. A phase
// takes the parts of the model it reads and writes, and returns what it produces for
// later phases: the trade's flows, the accounts' exits, the step's statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "agents/trade.h"
#include "base/records.h"
#include "base/rng.h"
#include "kernels/economy.h"
#include "kernels/ranks.h"
#include "kernels/scratch.h"
#include "kernels/tables.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

// The trade cell through which a firm in `region` buys `input` from `seller` as the quotes
// hold it; −1 where the slot takes no input, has no seller or its flow is banned.
ENTREPOT_HD long long input_cell(const TablesView& t, int input, std::int32_t seller, int region,
                                 const Book<const Quote>& quotes) {
  if (input < 0 || seller < 0) return -1;
  const std::size_t cell = t.rrs(quotes[seller].origin, region, input);
  return is_banned(t.trade_factor[cell]) ? -1 : static_cast<long long>(cell);
}

// What every phase reads and none changes: the behaviour parameters, the world with the
// policy in force, the tables derived from both, and the run's random stream.
struct Setting {
  const Behaviour& behaviour;
  const World& world;
  const Tables& tables;
  Philox rng;
  int steps_per_year;
};

// The tables of `world` under `scenario` (kernels/tables.cpp).
void build_tables(const Scenario& scenario, const World& world, Tables& tables);
// The traders of `tables` (their seller ids set) placed on the ranks of `partition`
// (assign_traders, world/partition.h).
void place_traders(const Tables& tables, Partition& partition);
// Trade factors τ(1+t)·x, exchange and duty rates and regions' output per worker under the
// policy in force and the exchange rates (US$ per unit of each country's currency); again
// whenever the tariff, ban or capacity tables or the rates change.
// `carbon`: the border carbon adjustments' ad valorem rates (border_carbon_rates), added to
// the tariffs; none: no adjustment.
void refresh_trade_costs(const World& world, const std::vector<double>& exchange_rate,
                         Tables& tables, const std::vector<double>* carbon = nullptr);
// Search weights of origins from the economy's market presence and block prices.
void refresh_search(const Scenario& scenario, const World& world, const Economy& economy,
                    Tables& tables);
// Each block's CES price index from its sellers' prices (agents/trade.h price_index).
void update_block_prices(const Setting& setting, Economy& economy, const Ranks& ranks);
// Every firm's search weight (seller_weight at its block's price index), summed into the
// running total that the search draws sellers from, over all ranks.
void refresh_sellers(const Behaviour& behaviour, const Economy& economy, const Ranks& ranks,
                     Tables& tables);
// The market presence of each block (region × sector) at which every block's sellers meet
// demand equal to `supply` (their output value) at block prices `price`.
// Where households buy services at home, also each block's share of them it makes
// (RegionalSpending::home_share) into `home_share`; empty otherwise.
std::vector<double> calibrate_presence(const Scenario& scenario, const World& world,
                                       const Tables& tables, const std::vector<double>& supply,
                                       const std::vector<double>& price,
                                       std::vector<double>& home_share);
// Origin weights of destination d and sector s, over origins (agents/trade.h origin_weight).
void origin_weights(const Scenario& scenario, const World& world, const Tables& tables,
                    const std::vector<double>& presence, const std::vector<double>& price, int d,
                    int s, std::vector<double>& weight);
// Each region's spending per sector (per block d·S + s) at output `supply` and block prices,
// as households' budgets and the recipe make it, scaled so each sector's world market
// clears; and of it, what households buy in their own region (services, where they shop
// there: RetailSettings::households_local), at most what the region makes, and that as a
// share of what they buy of it (home_share; 0 where they buy none).
struct RegionalSpending {
  std::vector<double> all, at_home, home_share;
};
RegionalSpending regional_spending(const Scenario& scenario, const std::vector<double>& supply,
                                   const std::vector<double>& price, int regions, int sectors);
// Region d's spending on sector s split over origins (R entries into `by_origin`), as the
// searches make it at `presence`: households' part at home where the own block sells,
// the rest by origin_weights (`weight` is scratch).
void spending_by_origin(const Scenario& scenario, const World& world, const Tables& tables,
                        const std::vector<double>& presence, const std::vector<double>& price,
                        const RegionalSpending& spending, int d, int s, std::vector<double>& weight,
                        std::vector<double>& by_origin);
// Per block: the first id of its exporters (agents/exporting.h), from the foreign sales the
// search weights give it at `supply`, its firms' margin and the region's mean wage.
std::vector<std::int64_t> choose_exporters(const Scenario& scenario, const World& world,
                                           const Tables& tables, const Economy& economy,
                                           const std::vector<double>& supply);
// Per block: how many of its firms export (those from its export_first on).
std::vector<std::int64_t> exporter_counts(const Tables& tables, const Economy& economy);
// Per country, in its currency: deposits, banks' equity and foreigners' holdings less loans,
// all ranks: constant through the run (the money identity, agents/credit.h).
std::vector<std::int64_t> money_by_country(const Setting& setting, const Economy& economy,
                                           const Ranks& ranks);
// Per block: output value at capacity (firms' price × capacity), all ranks.
std::vector<double> block_supply(const Setting& setting, const Economy& economy,
                                 const Ranks& ranks);
// What the first pass of the set-up learns of the flows, for the second to size firms by.
struct StartingFlows {
  std::vector<double> iceberg;        // per sector: the mean iceberg cost of its trade
  std::vector<double> overhead;       // per region: workers exporters employ for the fixed cost
  std::vector<double> foreign_share;  // per block: the share of its goods sold abroad
};
// From the flows the search weights give at `supply`, in one pass over them: each sector's
// mean iceberg cost τ (value-weighted: what a unit bought loses on its way) and each block's
// share of its goods (losses included) that go to buyers in other countries. Leaves
// `start.overhead` as it is.
void learn_flows(const Scenario& scenario, const World& world, const Tables& tables,
                 const Economy& economy, const std::vector<double>& supply, StartingFlows& start);
// The synthetic population of this rank's domain, before any buyer has a seller
// (kernels/population.cpp).
// `start`: what a first pass of the set-up found of the flows (empty on the first pass).
void populate(const Scenario& scenario, const Setting& setting, Economy& economy, Ranks& ranks,
              Scratch& scratch, const StartingFlows& start);
// Once every buyer has its sellers: each firm's price covers its unit cost at what its own
// suppliers charge, and first jobs go again in proportion to the labour what each firm's
// buyers order of it takes, so that every firm starts staffed for its own customers and
// not only for its block's average (kernels/population.cpp).
void staff_by_orders(const Scenario& scenario, const Setting& setting, Economy& economy,
                     Ranks& ranks, Scratch& scratch, const StartingFlows& start);

// Each country's bank, with the equity that backs its firms' credit lines at the start.
void open_banks(const Setting& setting, Economy& economy, const Ranks& ranks);

// 2: search and switching; returns the number of switches (probability 1 at set-up).
std::int64_t search_suppliers(const Setting& setting, Economy& economy, Ranks& ranks,
                              SearchScratch& scratch, int step, double probability);
// The quotes of the firms' suppliers afresh, as search and plan read them, after set-up
// moved prices without a search.
void quote_suppliers(const Setting& setting, Economy& economy, Ranks& ranks,
                     SearchScratch& scratch);
// 3: output, labour and input plans, at the suppliers' prices the search saw; firms draw
// on their credit lines what the plan needs beyond their cash.
void plan_production(const Setting& setting, Economy& economy, const Ranks& ranks,
                     const SearchScratch& search, const double* lending);
// 3 for all: firms', retailers' and traders' plans, each borrower seeing its bank as it stood
// at the start of the step.
void plan(const Scenario& scenario, const Setting& setting, Economy& economy, const Ranks& ranks,
          const SearchScratch& search);
// Per region: the lending factor of its country's bank (agents/credit.h bank_lending), from
// the banks' equity and all ranks' loans (firms', retailers' and traders').
std::vector<double> lending_by_region(const Setting& setting, const Economy& economy,
                                      const Ranks& ranks);
// 4: separations and hiring.
void labour_market(const Setting& setting, Economy& economy, Ranks& ranks, LabourScratch& scratch,
                   int step);
// Employees from the households that name them.
void recount_staff(Economy& economy, const Ranks& ranks);
// 5: Leontief production; returns the inputs used (all ranks).
std::int64_t produce(const Setting& setting, FirmStore& firms, const Ranks& ranks);
// 6: orders, rationing, shipping, payments. `chunk`: buyers per settling thread
// (Model::trade_chunk).
TradeFlows trade(const Setting& setting, Economy& economy, Ranks& ranks, TradeScratch& scratch,
                 std::size_t chunk, int step);
// 7: wages, interest, taxes, repayments, dividends, benefits, exit and default; returns the firms
// and the retailers and traders that exited (all ranks). `government_at_start`: the balances
// when the step began (the budget rule spends what was collected since).
struct Exits {
  std::int64_t firms = 0, stockists = 0;
};
Exits settle_accounts(const Setting& setting, Economy& economy, Ranks& ranks,
                      LabourScratch& scratch, const std::vector<std::int64_t>& government_at_start);
// 7b: relocation (kernels/relocation.cpp): firms weigh moves and move; per step, the moves
// by origin × destination region.
struct Relocations {
  std::vector<std::int64_t> by_route;  // firms moved, [o·R + d]
};
Relocations relocate_firms(const Scenario& scenario, const Setting& setting, Economy& economy,
                           Ranks& ranks, Tables& tables, int step);
// Every rank's firms' sites, open or free, into tables.site_open (where firms may move), and
// the economy's block figures sized: at set-up and after a restart.
void share_sites(Economy& economy, const Ranks& ranks, Tables& tables);
// 8: prices, wages, expectations.
void adjust_prices(const Setting& setting, FirmStore& firms,
                   const std::vector<double>& unemployment_rate);
// After the trade: each currency's rate for the next step from its market, quoted in the
// currency of country `reference`, and the interventions of central banks that manage
// theirs under the regimes in force (World::currency; kernels/currency.cpp). `money`: each
// currency's money stock, the scale of what foreigners seek to hold of it.
void clear_currency_market(const Setting& setting, int reference, Economy& economy,
                           const TradeFlows& flows, const std::vector<std::int64_t>& money,
                           int step);
// 9: int64 reductions of the agents and of the trade's flows into the series; carries the
// regional conditions the next step's rules read (unemployment, mean wage, CPI base).
StepStatistics collect_statistics(const Setting& setting, Economy& economy, const Ranks& ranks,
                                  int step, const TradeFlows& flows);

}  // namespace entrepot
