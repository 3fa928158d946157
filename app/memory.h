// What a run will need in memory, from the sizes of what it stores per agent, before any
// agent is allocated: a run that cannot fit is refused with the estimate and what the
// machine has, instead of failing part-way with an allocation error.
#pragma once

#include <cstdint>
#include <string>

#include "world/comm.h"
#include "world/scenario.h"

namespace entrepot {

struct MemoryEstimate {
  std::int64_t firms = 0, households = 0;  // on this rank
  double stores = 0;                       // the agent stores (FirmStore, ConsumerStore)
  double scratch = 0;  // what the phases of a step size by agents (quotes, offers, search)
  double tables = 0;   // world tables and trade flows, by regions and sectors
  double copies = 0;   // host copies for snapshots and checkpoints
  // Where the kernels run: all of it on the host (omp); stores, scratch and tables on the
  // GPU and only the copies on the host (cuda).
  double host() const;
  double device() const;
};

// The estimate for rank `rank` of `ranks` (its share of the partition).
MemoryEstimate estimate_memory(const Scenario& scenario, int ranks = 1, int rank = 0);

// "3.2 GiB", "840 MiB".
std::string format_bytes(double bytes);

// One line for `entrepot validate`: the estimate and what this machine has.
std::string describe_memory(const Scenario& scenario);

// Throws std::runtime_error, naming the estimate, what is available and what to change,
// when this rank's share does not fit into its share of the node's memory (or its GPU's).
void require_memory(const Scenario& scenario, const Comm& comm);

}  // namespace entrepot
