// Cheap checks of the economy after each step (docs/output.md, Health): on the statistics
// the step already reports, summed over ranks, so every rank decides alike and the checks
// add no pass over the agents. Past a warning the step is flagged in /series/health; past a
// limit the run stops and its result is marked failed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/records.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

// Bits of /series/health.
inline constexpr std::int64_t kHealthUnemployment = 1;  // a country's unemployment
inline constexpr std::int64_t kHealthPriceLevel = 2;    // a region's consumer price level
inline constexpr std::int64_t kHealthOutput = 4;        // world output against step 1's
inline constexpr std::int64_t kHealthBrokenPrice = 8;   // a price at zero or not finite

struct HealthVerdict {
  std::int64_t flags = 0;
  struct Warning {
    std::int64_t flag;
    std::string what;
  };
  std::vector<Warning> warnings;  // the first of each flag raised
  std::string failure;            // why the run must stop; empty when it may go on
};

class HealthCheck {
 public:
  // `output_at_start`: the world's output at step 1 (the sum of /series/produced), or 0
  // when step 1 is yet to come (it is then taken from the first step checked).
  HealthCheck(const Scenario& scenario, const World& world, std::int64_t output_at_start);
  HealthVerdict check(const StepStatistics& stats);

 private:
  const Scenario& scenario_;
  const World& world_;
  std::vector<std::int64_t> households_;  // per country
  std::int64_t output_at_start_ = 0;
};

}  // namespace entrepot
