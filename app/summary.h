// The short table `entrepot run` prints at the end of a run.
#pragma once

#include <ostream>

#include "kernels/model.h"

namespace entrepot {

void print_summary(std::ostream& out, const Scenario& sc, const World& world, const Model& model,
                   double setup_seconds, double run_seconds);

}  // namespace entrepot
