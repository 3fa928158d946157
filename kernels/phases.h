// The nine phases of one step (DESIGN §4), each a composition of Thrust passes.
#pragma once

#include "kernels/model.h"

namespace entrepot {

void build_tables(Model& model);  // kernels/tables.cpp
void populate(Model& model);      // kernels/population.cpp: the synthetic population

// 2: search and switching; returns the number of switches (probability 1 at set-up).
std::int64_t search_suppliers(Model& model, int step, double probability);
void plan_production(Model& model);            // 3: output, labour and input plans
void labour_market(Model& model, int step);    // 4: separations and hiring
void recount_staff(Model& model);              // employees from the households that name them
std::int64_t produce(Model& model);            // 5: Leontief production; returns the inputs used
TradeFlows trade(Model& model, int step);      // 6: orders, rationing, shipping, payments
void settle_accounts(Model& model, int step);  // 7: wages, taxes, dividends, benefits, exit
void adjust_prices(Model& model);              // 8: prices, wages, expectations
// 9: int64 reductions of the agents and of the trade's flows into the series.
void collect_statistics(Model& model, int step, const TradeFlows& flows);

}  // namespace entrepot
