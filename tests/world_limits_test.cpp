// The model's size limits are checked when the world is built, so `validate` reports them
// and `run` fails before it writes anything.
#include <gtest/gtest.h>

#include <string>

#include "world/generated.h"
#include "world/world.h"

namespace entrepot {
namespace {

std::string error_of(const Scenario& sc) {
  try {
    World world(sc);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(WorldLimits, TooManyRegionsIsAConfigError) {
  Scenario sc = generated_world(1000);
  while (sc.regions.size() <= static_cast<std::size_t>(kMaxRegions)) {
    sc.regions.push_back(sc.regions.back());
  }
  const std::string message = error_of(sc);
  EXPECT_NE(message.find("regions; allowed: at most 64"), std::string::npos) << message;
}

TEST(WorldLimits, TooManyHouseholdSectorsIsAConfigError) {
  Scenario sc = generated_world(1000);
  for (Sector& s : sc.sectors) s.consumer_share = 0.1;  // all ten sectors
  const std::string message = error_of(sc);
  EXPECT_NE(message.find("consumer_share above 0; allowed: at most 6"), std::string::npos)
      << message;
}

TEST(WorldLimits, TheShippedWorldsFit) {
  EXPECT_EQ(error_of(generated_world(1000)), "");
}

}  // namespace
}  // namespace entrepot
