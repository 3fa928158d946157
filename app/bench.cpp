// `entrepot bench`: steps a generated world and relates its speed to the memory bandwidth of
// the device the kernels run on (the host's with omp, the GPU's with cuda), measured in the
// same process. An update is one agent through a whole step.
#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/exchange_estimate.h"
#include "app/machine.h"
#include "app/memory.h"
#include "app/purchase_bound.h"
#include "kernels/auction.h"
#include "kernels/model.h"
#include "world/comm.h"
#include "world/generated.h"
#include "world/layout.h"

namespace entrepot {

namespace {

// The largest of one figure over the ranks (each rank's own on one rank).
long largest_over_ranks(const Comm& comm, long value) {
  std::vector<std::int64_t> each(comm.size(), 0);
  each[comm.rank()] = value;
  comm.sum(each.data(), each.size());
  return static_cast<long>(*std::max_element(each.begin(), each.end()));
}

// What each rank sent per timed step (bytes, messages, collective calls) and the ghost
// sellers of its last step (quotes for the search, offers for trade), gathered on rank 0;
// one line per rank, and the largest for the summary line.
Traffic report_traffic(const Comm& comm, const Model& model, const Traffic& before, int steps) {
  if (!comm.distributed()) return Traffic{};
  const Traffic& after = comm.traffic();
  std::vector<std::vector<std::int64_t>> send(comm.size());
  send[0] = {after.bytes - before.bytes,
             after.messages - before.messages,
             after.collectives - before.collectives,
             static_cast<std::int64_t>(model.ranks.quote_ghosts.size()),
             static_cast<std::int64_t>(model.ranks.offer_ghosts.size()),
             model.ranks.domain.firm_total - static_cast<std::int64_t>(model.economy.firms.size)};
  const std::vector<std::vector<std::int64_t>> got = comm.exchange(send);
  Traffic most;
  if (comm.rank() != 0) return most;
  for (int r = 0; r < comm.size(); ++r) {
    const std::vector<std::int64_t>& t = got[r];
    std::fprintf(stderr,
                 "bench: rank %d sent %.3f MB in %.1f messages per step (%.1f collective "
                 "calls); ghost sellers: %lld quotes, %lld offers, of %lld remote firms\n",
                 r, static_cast<double>(t[0]) / steps / 1e6, static_cast<double>(t[1]) / steps,
                 static_cast<double>(t[2]) / steps, static_cast<long long>(t[3]),
                 static_cast<long long>(t[4]), static_cast<long long>(t[5]));
    most.bytes = std::max(most.bytes, t[0] / steps);
    most.messages = std::max(most.messages, t[1] / steps);
    most.collectives = std::max(most.collectives, t[2] / steps);
  }
  return most;
}

// The share of this rank's households' slots that round one left short in the last step:
// each goes to round two, drawing a second seller and settling again.
double short_slot_share(const Model& model) {
  const auto& first = model.scratch.trade.households_second.first;
  const double slots = static_cast<double>(model.economy.consumers.size) *
                       static_cast<double>(model.tables.consumer_slots);
  if (first.empty() || slots <= 0.0) return 0.0;
  return static_cast<double>(static_cast<std::uint32_t>(first.back())) / slots;
}

// The median of five clearings of `n` random orders (prices on a grid of 200 ticks around
// 10⁶, quantities up to 10⁹ micro-units) spread over 15 books: a venue per commodity and
// place, as the scenario's venues will be.
double auction_seconds(std::int64_t n) {
  constexpr int kBooks = 15;
  std::mt19937_64 gen(20200101);
  std::vector<AuctionOrder> host(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    AuctionOrder& o = host[static_cast<std::size_t>(i)];
    o.book = static_cast<std::int32_t>(gen() % kBooks);
    o.side = static_cast<std::int8_t>(gen() % 2);
    o.price = 1000000 + 5000 * static_cast<std::int64_t>(gen() % 200) - 500000;
    o.quantity = 1 + static_cast<std::int64_t>(gen() % 1000000000);
    o.id = i;
  }
  const thrust::device_vector<AuctionOrder> orders(host.begin(), host.end());
  const std::vector<std::int64_t> reference(kBooks, 1000000);
  thrust::device_vector<std::int64_t> fills;
  std::vector<double> seconds;
  for (int k = 0; k < 5; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    clear_auctions(orders, reference, fills);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return upper_median(seconds);
}

// Emissions from every sector, the commodities' five times the rest's, and a market per
// country over its commodity makers (or all its makers, where no sector is a commodity).
void add_carbon_markets(double cap, Scenario& sc) {
  std::vector<int> commodities;
  for (std::size_t s = 0; s < sc.sectors.size(); ++s) {
    const bool commodity = sc.sectors[s].kind == SectorKind::commodity;
    sc.emissions.sector.push_back(commodity ? 1.0 : 0.2);
    if (commodity) commodities.push_back(static_cast<int>(s));
  }
  if (commodities.empty()) {
    for (std::size_t s = 0; s < sc.sectors.size(); ++s) commodities.push_back(static_cast<int>(s));
  }
  sc.emissions.country.assign(sc.countries.size(), 1.0);
  for (std::size_t c = 0; c < sc.countries.size(); ++c) {
    CarbonMarket m;
    m.name = sc.countries[c].code + "_ETS";
    m.country = static_cast<int>(c);
    for (std::size_t r = 0; r < sc.regions.size(); ++r) {
      if (sc.regions[r].country == m.country) m.regions.push_back(static_cast<int>(r));
    }
    m.sectors = commodities;
    m.cap = cap;
    m.free_share = 0.5;
    m.abatement_slope = 300.0;
    m.abatement_max = 0.5;
    sc.carbon_markets.push_back(m);
  }
}

// A commodity venue in each country's first region, listing every commodity (or every
// sector, where none is a commodity) and open to every country's traders.
void add_venues(Scenario& sc) {
  std::vector<int> listed;
  for (std::size_t s = 0; s < sc.sectors.size(); ++s) {
    if (sc.sectors[s].kind == SectorKind::commodity) listed.push_back(static_cast<int>(s));
  }
  if (listed.empty()) {
    for (std::size_t s = 0; s < sc.sectors.size(); ++s) listed.push_back(static_cast<int>(s));
  }
  for (std::size_t c = 0; c < sc.countries.size(); ++c) {
    for (std::size_t r = 0; r < sc.regions.size(); ++r) {
      if (sc.regions[r].country != static_cast<int>(c)) continue;
      Venue v;
      v.name = sc.countries[c].code + "_EX";
      v.region = static_cast<int>(r);
      v.sectors = listed;
      v.open = true;
      sc.venues.push_back(v);
      break;
    }
  }
}

}  // namespace

int bench_command(const BenchOptions& options, const Comm& comm) {
  require_device();
  select_device(comm.local_rank());
  if (options.threads > 0) omp_set_num_threads(options.threads);
  Scenario sc = generated_world(options.agents, 1);
  sc.retail.households_per_market = options.retail_market;
  sc.traders.per_sector = options.traders;
  if (options.carbon_cap > 0.0) add_carbon_markets(options.carbon_cap, sc);
  if (options.venues) {
    if (options.traders <= 0) {
      throw std::invalid_argument(
          "--venues needs --traders above 0: a venue's members are traders");
    }
    add_venues(sc);
  }
  require_memory(sc, comm);  // like a run: refused with the estimate before any allocation
  World world(sc);
  const auto built = std::chrono::steady_clock::now();
  Model model(sc, world, &comm);
  if (options.trade_chunk >= 0) model.trade_chunk = static_cast<std::size_t>(options.trade_chunk);
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - built).count();
  // Retailers and traders are agents too.
  const Domain& d = model.ranks.domain;
  const auto agents = static_cast<std::size_t>(d.firm_total + d.household_total + d.retailer_total +
                                               d.trader_total);

  // Untimed steps leave the set-up transient behind; then the median of the timed ones.
  int step = 1;
  for (; step <= options.warm_up; ++step) model.step(step);
  std::vector<double> seconds, short_share;
  std::array<std::vector<double>, kStepParts> part_seconds;
  const Traffic before = comm.traffic();
  for (int k = 0; k < options.steps; ++k, ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    model.step(step);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    short_share.push_back(short_slot_share(model));
    for (int p = 0; p < kStepParts; ++p) part_seconds[p].push_back(model.part_seconds[p]);
  }
  const double short_median = upper_median(short_share);
  const Traffic sent = report_traffic(comm, model, before, options.steps);
  const double median = upper_median(seconds);
  const double updates = static_cast<double>(agents) / median;
  const double bytes = static_cast<double>(d.firm_total * FirmStore::bytes_per_agent() +
                                           d.household_total * ConsumerStore::bytes_per_agent() +
                                           d.retailer_total * RetailerStore::bytes_per_agent() +
                                           d.trader_total * TraderStore::bytes_per_agent()) /
                       static_cast<double>(agents);
  const long rss = largest_over_ranks(comm, peak_rss_mb());
  // Each rank's GPU, before the bandwidth pass below allocates its arrays.
  const long device_mb = largest_over_ranks(comm, peak_device_mb());
  const double stream = measure_device_stream_gbps();
  const double ratio = 2.0 * bytes * updates / (stream * 1e9);
  if (comm.rank() != 0) return 0;
#if defined(ENTREPOT_BACKEND_OMP)
  // On CPU threads: the ceiling that the purchase pattern alone sets, two rounds per step
  // (the second for rationed buyers), over the same numbers of households and sellers.
  const double round_s = measure_purchase_round_s(
      model.economy.consumers.size, model.economy.firms.size, model.tables.consumer_slots);
  std::fprintf(stderr,
               "bench: purchase pattern alone %.4f s per round, a ceiling of %.4g updates/s\n",
               round_s, round_s > 0.0 ? static_cast<double>(agents) / (2.0 * round_s) : 0.0);
  if (options.retail_market > 0) {
    // Where households buy in their region only (goods at their market's retailers, services
    // from their region's producers), their sellers lie in a region's share of the book.
    const std::size_t sellers = model.economy.firms.size + model.economy.retailers.size;
    const std::size_t window = sellers / static_cast<std::size_t>(model.tables.regions);
    const double local_s = measure_purchase_round_s(model.economy.consumers.size, sellers,
                                                    model.tables.consumer_slots, 3, window);
    std::fprintf(stderr,
                 "bench: the same with each household's sellers among its region's share of them "
                 "(%zu) %.4f s per round, a ceiling of %.4g updates/s\n",
                 window, local_s,
                 local_s > 0.0 ? static_cast<double>(agents) / (2.0 * local_s) : 0.0);
  }
#endif
  std::fprintf(stderr,
               "bench: %zu firms (%zu B each), %zu households (%zu B each), %zu retailers (%zu B "
               "each), %zu traders (%zu B each), %d threads, trade chunk %zu, set-up %.2f s, step "
               "median %.4f s (min %.4f, max %.4f) over %d steps\nbench: %s\n",
               model.economy.firms.size, FirmStore::bytes_per_agent(), model.economy.consumers.size,
               ConsumerStore::bytes_per_agent(), model.economy.retailers.size,
               RetailerStore::bytes_per_agent(), model.economy.traders.size,
               TraderStore::bytes_per_agent(), omp_get_max_threads(), model.trade_chunk, setup_s,
               median, seconds.front(), seconds.back(), options.steps, describe_device().c_str());
  std::fprintf(stderr,
               "bench: households' slots left short in round one: %.1f%% (median of the timed "
               "steps; from %.1f%% to %.1f%%)\n",
               100.0 * short_median, 100.0 * short_share.front(), 100.0 * short_share.back());
  // Where a step's time goes (rank 0's), each part's median over the timed steps.
  std::string parts;
  for (int p = 0; p < kStepParts; ++p) {
    const double part = upper_median(part_seconds[p]);
    char line[96];
    std::snprintf(line, sizeof line, "%s%s %.4f s (%.0f%%)", p == 0 ? "" : ", ", kStepPartNames[p],
                  part, median > 0.0 ? 100.0 * part / median : 0.0);
    parts += line;
  }
  std::fprintf(stderr, "bench: step parts (medians of the timed steps): %s\n", parts.c_str());
  if (options.auction_orders > 0) {
    const double clearing = auction_seconds(options.auction_orders);
    std::fprintf(stderr,
                 "bench: call auctions: %lld orders in 15 books cleared in %.4f s (median of 5), "
                 "%.1f%% of the step\n",
                 static_cast<long long>(options.auction_orders), clearing,
                 median > 0.0 ? 100.0 * clearing / median : 0.0);
  }
  if (options.ranks > 1 && !comm.distributed()) {
    Partition partition = partition_agents(sc, options.ranks);
    place_traders(model.tables, partition);
    std::fprintf(stderr, "bench: %s\n%s", partition.describe().c_str(),
                 describe_exchange(estimate_exchange(model, partition)).c_str());
  }
  // On GPUs, the device memory peak (of the largest rank); over several ranks, the largest
  // per-rank figures, and the peak memory of the largest rank.
  std::string spread;
  if (device_mb >= 0) spread += " device_peak_mb=" + std::to_string(device_mb);
  if (comm.distributed()) {
    spread += " ranks=" + std::to_string(comm.size()) +
              " sent_mb_per_rank_step=" + std::to_string(static_cast<double>(sent.bytes) / 1e6) +
              " messages_per_rank_step=" + std::to_string(sent.messages);
  }
  std::printf(
      "agents=%zu updates_per_s=%.4g bytes_per_agent=%.1f peak_rss_mb=%ld stream_gbps=%.2f "
      "traffic_ratio=%.3f%s\n",
      agents, updates, bytes, rss, stream, ratio, spread.c_str());
  return 0;
}

int device_command() {
  std::printf("%s\n", describe_device().c_str());
  return 0;
}

}  // namespace entrepot
