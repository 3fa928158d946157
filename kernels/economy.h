// The economy's lasting state: exactly what carries from one step to the next, and so
// exactly what a checkpoint saves. Everything else a Model holds is rebuilt from the
// scenario and the world (tables, the rank exchange) or lives within one phase (scratch).
// The policy in force (tariffs, bans, phase-ins under way) is the World's (world/world.h).
#pragma once

#include <cstdint>
#include <vector>

#include "agents/stores.h"

namespace entrepot {

struct Economy {
  FirmStore firms;
  ConsumerStore consumers;
  RetailerStore retailers;  // none unless the scenario has retail markets
  TraderStore traders;      // none unless the scenario has traders
  // Accounts of governments (per country) and owners (per region), money.
  std::vector<std::int64_t> government, owners;
  // Equity of each country's bank, money (its loans are the firms' `loan`).
  std::vector<std::int64_t> bank_equity;
  // Per country's currency (agents/currency.h): its rate (US$ per unit), what foreigners
  // hold of it (the currency market's account, money micro-units), the part of that its
  // central bank bought back, and the central bank's reserves (US$ micro-units).
  std::vector<double> exchange_rate;
  std::vector<std::int64_t> foreign_held, official_held;
  std::vector<double> reserves;
  // Regional conditions from the previous step, read by this step's rules: unemployment
  // rate, mean wage paid (money micro-units), and the CPI base (region × household slot).
  std::vector<double> unemployment_rate, mean_wage, base_unit_value;
  // Per block (region × sector): the market presence of its sellers, calibrated at set-up,
  // and their mean price last step; together they weight where buyers search.
  std::vector<double> presence, block_price;
  // Per block, where households buy services in their own region: the share of what they
  // buy of the sector that the region makes, and so where they find it (household_cdf).
  std::vector<double> home_share;
  // Per block: its traders' mean price last step (0 where it has none), which weights where
  // firms and retailers search with the producers' (refresh_search).
  std::vector<double> trader_price;
  // Per block: the first (global) id of its exporters, its most productive firms, chosen at
  // set-up and at the start of each year (agents/exporting.h); only they are found by
  // buyers in other countries.
  std::vector<std::int64_t> export_first;
  // Per block, where firms may move (agents/relocation.h): its firms' profit and sales per
  // firm, US$ per step, smoothed over a year, and both as they stood when the burn-in ended;
  // empty where firms never move.
  std::vector<double> block_profit, block_sales, settled_profit, settled_sales;
  // Per carbon market: its last clearing price, micro-money per tonne (kernels/carbon.h).
  std::vector<std::int64_t> allowance_price;
  // Per carbon market: allowances its government offered and did not sell, micro-kg.
  std::vector<std::int64_t> unsold_allowances;
  // Per venue book (venue × sector, kernels/venues.h): its last clearing price, micro-money of
  // the venue's currency per unit of goods (agents/venues.h). For price leadership: its last
  // price in US$ and last return, and per ordered pair of books of one sector the running sums
  // of the correlation of the first's return a step earlier with the second's,
  // [(a·B + b)·6 + k]: n, Σx, Σy, Σx², Σy², Σxy.
  std::vector<std::int64_t> venue_price;
  std::vector<std::int64_t> venue_volume;  // per book: what it traded last step, goods
  std::vector<double> venue_dollar_price, venue_return, venue_lead;
  int step = 0;  // steps completed
};

}  // namespace entrepot
