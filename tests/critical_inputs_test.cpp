// Critical and non-critical inputs in a whole run (docs/model.md §4.5): a components maker
// whose lithium, a tiny input, stops arriving keeps producing, while under strict Leontief
// (every input critical) it stops once its stock is used up.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "kernels/model.h"
#include "tests/device_required.h"
#include "world/generated.h"

namespace entrepot {
namespace {

constexpr int kLithium = 0, kComponents = 3, kRestOfWorld = 7;
constexpr int kBan = 21, kSteps = 36;

// The generated world with lithium mined in the rest of the world only and taking 0.5% of a
// unit of components; from step kBan on, with `ban`, none of it leaves.
Scenario lithium_world(bool ban, double critical_share) {
  Scenario sc = generated_world(40000, 11);
  sc.steps = kSteps;
  sc.burn_in = kBan - 1;
  sc.behaviour.critical_input_share = critical_share;
  for (int c = 0; c < static_cast<int>(sc.countries.size()); ++c) {
    if (c == kRestOfWorld) continue;
    sc.countries[c].specialisation.assign(sc.sectors.size(), 1.0);
    sc.countries[c].specialisation[kLithium] = 0.0;
  }
  for (RecipeEntry& entry : sc.recipe) {
    if (entry.input == kLithium && entry.output == kComponents) entry.amount = 0.005;
  }
  if (ban) {
    Event event;
    event.step = kBan;
    event.kind = EventKind::export_ban;
    event.exporter = kRestOfWorld;
    event.sectors = {kLithium};
    sc.events = {event};
  }
  return sc;
}

// Components made outside the rest of the world over the last ten steps, and the lithium
// those countries received.
struct Outcome {
  double components = 0.0, lithium_imports = 0.0;
};

Outcome run(const Scenario& sc) {
  World world(sc);
  Model model(sc, world);
  const int nc = world.countries(), ns = world.sectors();
  Outcome out;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    if (step <= sc.steps - 10) continue;
    for (int r = 0; r < world.regions(); ++r) {
      if (world.region_country[r] == kRestOfWorld) continue;
      out.components += static_cast<double>(model.stats.region_output[r * ns + kComponents]);
    }
    for (int i = 0; i < nc; ++i) {
      if (i == kRestOfWorld) continue;
      out.lithium_imports +=
          static_cast<double>(model.stats.trade_quantity[(kRestOfWorld * nc + i) * ns + kLithium]);
    }
  }
  return out;
}

TEST(CriticalInputs, AFirmWhoseTinyInputStopsArrivingKeepsProducing) {
  ENTREPOT_REQUIRE_DEVICE();
  const Outcome control = run(lithium_world(false, 0.01));
  const Outcome banned = run(lithium_world(true, 0.01));
  const Outcome strict = run(lithium_world(true, 0.0));
  ASSERT_GT(control.components, 0.0);
  ASSERT_GT(control.lithium_imports, 0.0);  // the makers did depend on the banned lithium
  EXPECT_EQ(banned.lithium_imports, 0.0);
  const double kept = banned.components / control.components;
  const double strict_kept = strict.components / control.components;
  std::cout << "components made outside the lithium exporter, last ten steps, against control: "
            << kept << " (every input critical: " << strict_kept << ")\n";
  EXPECT_GT(kept, 0.8) << "lithium is below the critical share: it does not limit output";
  EXPECT_LT(strict_kept, 0.2) << "under strict Leontief the makers stop without lithium";
}

}  // namespace
}  // namespace entrepot
