// A step taken phase by phase (kernels/step.cpp's order) up to its trade, for the tests that
// look between phases; and the stores the trader tests compare.
#pragma once

#include <string>
#include <vector>

#include "kernels/model.h"
#include "tests/same_bytes.h"

namespace entrepot::testing {

// Steps 1 to step − 1, then step `step` up to trade. Returns the step's setting.
inline Setting up_to_trade(Model& m, int step) {
  for (int past = 1; past < step; ++past) m.step(past);
  if (m.world.apply_policy(step)) m.refresh_trade_costs();
  const Setting set = m.setting();
  search_suppliers(set, m.economy, m.ranks, m.scratch.search, step,
                   m.scenario.behaviour.search_probability);
  plan(m.scenario, set, m.economy, m.ranks, m.scratch.search);
  labour_market(set, m.economy, m.ranks, m.scratch.labour, step);
  produce(set, m.economy.firms, m.ranks);
  return set;
}

// The fields of two models' traders' and firms' stores that differ.
inline std::vector<std::string> differing_traders(const Model& a, const Model& b) {
  std::vector<std::string> out;
  add_differing_fields(a.economy.traders, b.economy.traders, "traders", out);
  add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  return out;
}

}  // namespace entrepot::testing
