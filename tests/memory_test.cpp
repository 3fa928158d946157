// The memory estimate of a run (app/memory.h): from the stores' per-agent bytes, linear in
// the agents, refusing a world that cannot fit.
#include "app/memory.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "agents/stores.h"
#include "tests/load_fixtures.h"
#include "world/comm.h"
#include "world/load.h"

namespace entrepot::load_testing {
namespace {

TEST(Memory, TheEstimateComesFromTheStoresAndScalesLinearly) {
  const Scenario small =
      parse_scenario(kTiny, "t.yaml", {"agents.consumers=100000", "agents.firms=10000"});
  const Scenario large =
      parse_scenario(kTiny, "t.yaml", {"agents.consumers=1000000", "agents.firms=100000"});
  const MemoryEstimate a = estimate_memory(small), b = estimate_memory(large);
  EXPECT_DOUBLE_EQ(a.stores, 100000.0 * ConsumerStore::bytes_per_agent() +
                                 10000.0 * FirmStore::bytes_per_agent());
  EXPECT_NEAR((b.stores + b.scratch + b.copies) / (a.stores + a.scratch + a.copies), 10.0, 1e-9);
  EXPECT_GT(a.scratch, 0.0);
  EXPECT_DOUBLE_EQ(a.tables, b.tables);  // the world is the same
  EXPECT_GT(a.host() + a.device(), a.stores);
  // Over two ranks each holds its share.
  const MemoryEstimate r0 = estimate_memory(large, 2, 0), r1 = estimate_memory(large, 2, 1);
  EXPECT_EQ(r0.households + r1.households, 1000000);
  EXPECT_EQ(r0.firms + r1.firms, 100000);
}

TEST(Memory, AnImpossibleWorldIsRefusedWithTheEstimate) {
  const Scenario huge = parse_scenario(
      kTiny, "t.yaml", {"allow_implausible=[agents]", "agents.consumers=1000000000000"});
  try {
    require_memory(huge, Comm::world());
    FAIL() << "a world of 10^12 households was not refused";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("not enough"), std::string::npos) << message;
    EXPECT_NE(message.find("1000000000000 households"), std::string::npos) << message;
    EXPECT_NE(message.find("TiB"), std::string::npos) << message;
    EXPECT_NE(message.find("agents.consumers"), std::string::npos) << message;
  }
  EXPECT_NO_THROW(require_memory(parse_scenario(kTiny, "t.yaml"), Comm::world()));
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(3.5 * 1024 * 1024 * 1024), "3.5 GiB");
}

}  // namespace
}  // namespace entrepot::load_testing
