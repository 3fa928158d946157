// Checks the communication layer under a real `mpirun` (tests/mpi.cmake runs it at 1–4
// ranks): sums, collective decisions and exchanges arrive exactly, each rank knows its place
// on the node, every rank computes the same partition, and with --fail-on-rank K a failure
// on rank K stops the whole job.
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "world/comm.h"
#include "world/partition.h"

namespace {

using entrepot::Comm;

int failures = 0;

void expect(bool ok, const std::string& what, const Comm& comm) {
  if (ok) return;
  ++failures;
  std::cerr << "rank " << comm.rank() << ": " << what << "\n";
}

int check(const Comm& comm) {
  const int n = comm.size(), me = comm.rank();
  // Sum: Σ (k+1)·10^12 + k over ranks, beyond 32 bits.
  std::int64_t values[2] = {(me + 1) * 1000000000000LL, me};
  comm.sum(values, 2);
  expect(values[0] == 1000000000000LL * n * (n + 1) / 2, "sum of large values", comm);
  expect(values[1] == static_cast<std::int64_t>(n) * (n - 1) / 2, "sum of ranks", comm);
  // mpirun here starts every rank on this one node: the place on the node is the rank.
  expect(comm.local_rank() == me, "local rank on a single node", comm);
  expect(comm.all(true), "all(true)", comm);
  expect(!comm.all(me != n - 1), "all() with one rank false", comm);

  // Exchange: rank a sends rank b the list [a, b, a·100+b] repeated b+1 times.
  std::vector<std::vector<std::int64_t>> send(n);
  for (int b = 0; b < n; ++b) {
    for (int r = 0; r <= b; ++r) send[b].insert(send[b].end(), {me, b, me * 100 + b});
  }
  const auto got = comm.exchange(send);
  expect(static_cast<int>(got.size()) == n, "one list per source", comm);
  for (int a = 0; a < n && a < static_cast<int>(got.size()); ++a) {
    expect(got[a].size() == 3u * static_cast<std::size_t>(me + 1), "list length from a rank", comm);
    for (std::size_t i = 0; i + 2 < got[a].size(); i += 3) {
      expect(got[a][i] == a && got[a][i + 1] == me && got[a][i + 2] == a * 100 + me,
             "exchanged values", comm);
    }
  }

  // The exchange whose sizes both sides know: rank a sends 2·(b + 1) values to rank b, in
  // one buffer by destination, and each receives into one buffer by source.
  std::vector<std::size_t> out_counts(n), in_counts(n);
  std::vector<std::int64_t> out;
  for (int b = 0; b < n; ++b) {
    out_counts[b] = 2 * static_cast<std::size_t>(b + 1);
    for (int r = 0; r <= b; ++r) out.insert(out.end(), {me * 1000 + b, r});
  }
  for (int a = 0; a < n; ++a) in_counts[a] = 2 * static_cast<std::size_t>(me + 1);
  std::vector<std::int64_t> in(2 * static_cast<std::size_t>(me + 1) * n, -1);
  comm.exchange(out.data(), out_counts, in.data(), in_counts);
  for (int a = 0; a < n; ++a) {
    for (int r = 0; r <= me; ++r) {
      const std::size_t at = (static_cast<std::size_t>(a) * (me + 1) + r) * 2;
      expect(in[at] == a * 1000 + me && in[at + 1] == r, "values of a sized exchange", comm);
    }
  }
  bool refused = false;
  try {
    comm.exchange(out.data(), std::vector<std::size_t>(n + 1), in.data(), in_counts);
  } catch (const entrepot::CommError&) {
    refused = true;
  }
  expect(refused, "counts for the wrong number of ranks are refused", comm);

  // Every rank computes the same partition without talking: compare a digest.
  const auto p =
      entrepot::partition_regions({500, 20000, 300, 1200}, {4500, 180000, 2700, 10800}, n);
  std::int64_t digest[2] = {0, 0};
  for (const auto& s : p.ranks) {
    digest[0] = digest[0] * 31 + s.firm_end;
    digest[1] = digest[1] * 31 + s.household_end;
  }
  std::int64_t total[2] = {digest[0], digest[1]};
  comm.sum(total, 2);
  expect(total[0] == digest[0] * n && total[1] == digest[1] * n, "same partition on all ranks",
         comm);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  entrepot::CommSession session(argc, argv);
  const Comm comm = Comm::world();
  int fail_rank = -1;
  if (argc == 3 && std::string(argv[1]) == "--fail-on-rank") fail_rank = std::atoi(argv[2]);
  return entrepot::run_guarded(comm, [&]() -> int {
    if (fail_rank >= 0) {
      // The others wait in a collective that the failed rank never joins.
      if (comm.rank() == fail_rank) throw std::runtime_error("cannot read input (on purpose)");
      std::int64_t value = 1;
      comm.sum(&value, 1);
      return 0;
    }
    const int status = check(comm);
    if (status == 0 && comm.rank() == 0) std::cout << "comm: " << comm.size() << " ranks ok\n";
    return status;
  });
}
