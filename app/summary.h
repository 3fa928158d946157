// The short table `entrepot run` prints at the end of a run.
#pragma once

#include <ostream>

#include "kernels/model.h"

namespace entrepot {

// `steps_run`: the steps this process stepped (fewer than the last step's number when resumed).
void print_summary(std::ostream& out, const Scenario& sc, const World& world, const Model& model,
                   double setup_seconds, double run_seconds, int steps_run);

}  // namespace entrepot
