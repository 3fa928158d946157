#include "app/memory.h"

#include <cstdio>
#include <stdexcept>

#include "agents/stores.h"
#include "app/machine.h"
#include "base/limits.h"
#include "kernels/scratch.h"
#include "world/layout.h"

namespace entrepot {
namespace {

// Thrust's sorts and scans take temporary storage beside the arrays they work on, and
// allocators round up: room on top of the arrays counted below, matched against the peak
// memory of measured runs (tests/cli/memory.py).
constexpr double kHeadroom = 1.25;

// A buyer slot that searches this step: its offset, its candidate sellers, its current one.
double search_bytes(const Behaviour& b) {
  return b.search_probability *
         static_cast<double>(sizeof(std::int64_t) + sizeof(std::int32_t) * (b.candidates + 1));
}

// Per firm: its store, its quote and its offer as sellers see them, the labour market's
// mirror of its fields and the search's running seller count; its input slots as buyers.
double firm_bytes(const Behaviour& b) {
  return static_cast<double>(FirmStore::bytes_per_agent() + sizeof(Quote) + sizeof(Offer) +
                             6 * sizeof(std::int64_t)) +
         kInputSlots * search_bytes(b);
}

// Per household: its store, its place among job applicants (id, key, rank; at worst every
// household applies), its retailer slots as buyers.
double household_bytes(const Behaviour& b) {
  return static_cast<double>(ConsumerStore::bytes_per_agent() + 2 * sizeof(std::int64_t) +
                             sizeof(std::int32_t)) +
         kConsumerSlots * search_bytes(b);
}

// What snapshots (firms) and checkpoints (every agent) copy to the host: at most every
// field once. A checkpoint by SIGTERM alone is left out: it comes at the end of a run.
double copy_bytes(const Scenario& sc, std::int64_t firms, std::int64_t households) {
  const double checkpointed = sc.output.checkpoint_every > 0 ? 1.0 : 0.0;
  return static_cast<double>(firms) * static_cast<double>(FirmStore::bytes_per_agent()) +
         checkpointed * static_cast<double>(households) *
             static_cast<double>(ConsumerStore::bytes_per_agent());
}

}  // namespace

double MemoryEstimate::host() const {
#if defined(ENTREPOT_BACKEND_CUDA)
  return copies;
#else
  return stores + scratch + tables + copies;
#endif
}

double MemoryEstimate::device() const {
#if defined(ENTREPOT_BACKEND_CUDA)
  return stores + scratch + tables;
#else
  return 0.0;
#endif
}

MemoryEstimate estimate_memory(const Scenario& sc, int ranks, int rank) {
  MemoryEstimate e;
  if (ranks <= 1) {
    e.firms = sc.firms;
    e.households = sc.consumers;
  } else {
    const RankShare share = partition_agents(sc, ranks).ranks[static_cast<std::size_t>(rank)];
    e.firms = share.firm_end - share.firm_begin;
    e.households = share.household_end - share.household_begin;
  }
  const double firms = static_cast<double>(e.firms), households = static_cast<double>(e.households);
  e.stores = firms * static_cast<double>(FirmStore::bytes_per_agent()) +
             households * static_cast<double>(ConsumerStore::bytes_per_agent());
  e.scratch =
      kHeadroom * (firms * firm_bytes(sc.behaviour) + households * household_bytes(sc.behaviour)) -
      e.stores;
  // Region × region × sector tables (trade costs, duties, flows, per-thread flow tallies).
  const double cells = static_cast<double>(sc.regions.size()) *
                       static_cast<double>(sc.regions.size()) *
                       static_cast<double>(sc.sectors.size());
  e.tables = cells * (4 * sizeof(double) + kFlows * sizeof(std::int64_t) * (1 + openmp_threads()));
  e.copies = copy_bytes(sc, e.firms, e.households);
  return e;
}

std::string format_bytes(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 6) {
    bytes /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.3g %s", bytes, units[unit]);
  return text;
}

std::string describe_memory(const Scenario& sc) {
  const MemoryEstimate e = estimate_memory(sc);
  std::string line = "memory: about " + format_bytes(e.host()) + " of host memory";
  std::size_t free = 0, total = 0;
  if (e.device() > 0) line += " and " + format_bytes(e.device()) + " on the GPU";
  line += " (" + format_bytes(e.stores) + " of agents)";
  const std::uint64_t available = available_host_bytes();
  if (available > 0) line += "; this machine has " + format_bytes(double(available)) + " free";
  try {
    if (e.device() > 0 && device_memory(free, total)) {
      line += ", its GPU " + format_bytes(double(free));
    }
  } catch (const std::exception&) {
    // validate works on a machine without a GPU; the run itself checks again there.
  }
  return line + "; over N MPI ranks each needs about 1/N";
}

void require_memory(const Scenario& sc, const Comm& comm) {
  const MemoryEstimate e = estimate_memory(sc, comm.size(), comm.rank());
  const std::string what = std::to_string(e.households) + " households and " +
                           std::to_string(e.firms) + " firms" +
                           (comm.distributed() ? " on rank " + std::to_string(comm.rank()) : "");
  const std::string advice =
      "; lower agents.consumers and agents.firms, or spread the run over more ranks (mpirun)";
  const std::uint64_t node = available_host_bytes();
  // The ranks of one node share its memory.
  const double available = static_cast<double>(node) / static_cast<double>(comm.local_size());
  if (node > 0 && e.host() > available) {
    throw std::runtime_error("not enough memory: the run needs about " + format_bytes(e.host()) +
                             " for " + what + ", and " + format_bytes(available) + " is available" +
                             (comm.local_size() > 1 ? " per rank on this node" : "") + advice);
  }
  std::size_t free = 0, total = 0;
  if (e.device() > 0 && device_memory(free, total) && e.device() > static_cast<double>(free)) {
    throw std::runtime_error("not enough GPU memory: the run needs about " +
                             format_bytes(e.device()) + " for " + what + ", and the GPU has " +
                             format_bytes(static_cast<double>(free)) + " free of " +
                             format_bytes(static_cast<double>(total)) + advice);
  }
}

}  // namespace entrepot
