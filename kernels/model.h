// One simulated economy and its step. A Model holds four things with four lifetimes
// (docs/architecture.md): the economy's lasting state (kernels/economy.h), the tables
// derived from the world and the policy (kernels/tables.h), the exchange with other ranks
// (kernels/ranks.h) and the scratch of the phases (kernels/scratch.h). The phases of a step
// (kernels/phases.h) read and write them.
#pragma once

#include <array>
#include <cstdint>

#include "agents/trade.h"
#include "base/records.h"
#include "base/rng.h"
#include "kernels/economy.h"
#include "kernels/phases.h"
#include "kernels/ranks.h"
#include "kernels/scratch.h"
#include "kernels/tables.h"
#include "world/comm.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

// The parts of a step timed apart: the phases of DESIGN §4, and the tables, prices and
// currency market the next step reads (entrepot bench prints each part's median).
enum StepPart {
  kPolicyPart,
  kSearchPart,
  kCarbonPart,
  kPlanPart,
  kLabourPart,
  kProducePart,
  kTradePart,
  kVenuesPart,
  kAccountsPart,
  kRelocationPart,
  kPricesPart,
  kStatisticsPart,
  kNextStepPart,
  kStepParts
};
inline constexpr std::array<const char*, kStepParts> kStepPartNames = {
    "policy", "search",   "carbon",     "plan",   "labour",     "produce",  "trade",
    "venues", "accounts", "relocation", "prices", "statistics", "next step"};

struct Model {
  // `comm`: the ranks this economy is stepped over; none (or one rank) steps it whole here.
  Model(const Scenario& scenario, World& world, const Comm* comm = nullptr);

  const Scenario& scenario;
  World& world;  // holds the policy in force
  Philox rng;

  Economy economy;  // lasting
  Tables tables;    // derived
  Ranks ranks;      // the exchange
  Scratch scratch;  // within a step

  // Buyers per thread of the trade's settling passes (0: one per buyer, no local table).
  // A speed setting only: every value gives the same bytes.
  std::size_t trade_chunk = kTradeChunk;

  StepStatistics stats;  // what the last step reports
  // Wall-clock seconds of each part of the last step on this rank (its kernels included:
  // Thrust's algorithms return when the device has finished them).
  std::array<double, kStepParts> part_seconds{};
  std::int64_t initial_money = 0;
  std::vector<std::int64_t> initial_country_money;  // per currency, in its units

  // What the phases read and none changes (kernels/phases.h).
  Setting setting() const {
    return Setting{scenario.behaviour, world, tables, rng, scenario.steps_per_year};
  }

  // Runs the nine phases of one step (kernels/step.cpp); steps count from 1.
  void step(int step);
  // Firm state for a snapshot.
  FirmSnapshot snapshot(int step) const;

  // Chooses each block's exporters for the year to come at output `supply` per block
  // (block_supply; kernels/exporters.cpp).
  void update_exporters(const std::vector<double>& supply);
  // Rebuilds trade_factor and duty_rate after the tariff or ban tables changed.
  void refresh_trade_costs();
  // Money in all currencies, each in its own units (constant), and per currency.
  std::int64_t total_money() const;
  std::vector<std::int64_t> country_money() const {
    return money_by_country(setting(), economy, ranks);
  }
};

}  // namespace entrepot
