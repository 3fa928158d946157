// Writes the same run twice into folder DIR (tests/mpi.cmake runs it under mpirun at 1–4
// ranks; tests/mpi/parallel_snapshot.py compares the two files):
//   DIR/serial.h5    rank 0 alone, the whole firm store at each snapshot;
//   DIR/parallel.h5  every rank its own slice of the firms, with parallel HDF5.
// Steps are appended before and after each snapshot, so rank 0 closes and opens the file
// again each time. Bad snapshots (overlapping ranges, a step written twice, a short field
// on one rank) must be refused on every rank and leave the file as it was.
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "output/recorder.h"
#include "tests/recorder_fixtures.h"
#include "world/comm.h"

namespace {

using entrepot::Comm;
using entrepot::FirmSnapshot;
using entrepot::OutputError;
using entrepot::Recorder;
using namespace entrepot::recorder_testing;

int failures = 0;

void expect(bool ok, const std::string& what, const Comm& comm) {
  if (ok) return;
  ++failures;
  std::cerr << "rank " << comm.rank() << ": " << what << "\n";
}

// The firms [begin, end) of a synthetic store; every value encodes the step and the firm.
FirmSnapshot firms(int step, std::int64_t begin, std::int64_t end) {
  FirmSnapshot f;
  f.step = step;
  for (std::int64_t j = begin; j < end; ++j) {
    const auto i = static_cast<std::int32_t>(j);
    f.region.push_back(i % 5);
    f.sector.push_back((i * 7) % 3);
    f.productivity.push_back(0.5f + 0.001f * static_cast<float>(i) + static_cast<float>(step));
    f.employees.push_back(10 + i % 97);
    f.output.push_back(1000003LL * j + step);
    f.sales_value.push_back(2000003LL * j - step);
    f.export_value.push_back((j % 4) * 300000LL);
    f.cash.push_back(-5000000LL + j * 11 + step * 1000000000LL);
    f.price.push_back(1.25 * static_cast<double>(j) + 0.5 * step);
    f.entity_lists.push_back(static_cast<std::uint8_t>((j + step) % 3));
    f.open.push_back(static_cast<std::uint8_t>((j + step) % 4 != 0));
  }
  return f;
}

// Uneven slices of `total` firms: rank r weighs r + 1, except that rank 1 of three or more
// holds nothing. `reversed` gives rank 0 the last range.
std::vector<std::int64_t> offsets(std::int64_t total, int ranks, bool reversed) {
  std::vector<std::int64_t> weight(ranks);
  std::int64_t sum = 0;
  for (int r = 0; r < ranks; ++r) sum += weight[r] = (ranks >= 3 && r == 1) ? 0 : r + 1;
  std::vector<std::int64_t> count(ranks);
  std::int64_t given = 0;
  for (int r = 0; r < ranks; ++r) given += count[r] = total * weight[r] / sum;
  count[ranks - 1] += total - given;
  std::vector<std::int64_t> at(ranks + 1, 0);  // at[r]..at[r]+count[r]; at[ranks] = total
  std::int64_t next = 0;
  for (int k = 0; k < ranks; ++k) {
    const int r = reversed ? ranks - 1 - k : k;
    at[r] = next;
    next += count[r];
  }
  at[ranks] = total;
  std::vector<std::int64_t> out(2 * ranks);
  for (int r = 0; r < ranks; ++r) {
    out[2 * r] = at[r];
    out[2 * r + 1] = at[r] + count[r];
  }
  return out;
}

// Runs `action` on every rank and expects OutputError on every rank, naming `reason`.
void expect_refused(const Comm& comm, const std::string& what, const std::string& reason,
                    const std::function<void()>& action) {
  std::string message;
  try {
    action();
  } catch (const OutputError& e) {
    message = e.what();
  }
  expect(!message.empty(), what + ": not refused", comm);
  // The rank that found the fault names it; the others say that another rank failed.
  const bool named = message.find(reason) != std::string::npos;
  const std::int64_t naming = comm.sum(named ? 1 : 0);
  expect(naming >= 1, what + ": no rank names the reason '" + reason + "' (got: " + message + ")",
         comm);
}

struct Snapshot {
  int step;
  std::int64_t total;
  bool reversed;
};

int check(const Comm& comm, const std::string& dir) {
  TinyWorld w(3, 2);
  entrepot::Provenance provenance = test_provenance();
  provenance.ranks = comm.size();
  // Step 5 spans several compressed chunks, each shared by ranks.
  const std::vector<Snapshot> snapshots{
      {2, 1000, false}, {3, 7, true}, {4, 0, false}, {5, 300001, true}};
  const int steps = 6;

  if (comm.rank() == 0) {
    Recorder serial(dir + "/serial.h5", w.scenario, *w.world, provenance);
    for (int k = 0; k < steps; ++k) {
      serial.append(synthetic_step(k, w));
      if (k == 1) serial.flush();
      for (const Snapshot& s : snapshots) {
        if (s.step == k) serial.write_snapshot(firms(k, 0, s.total));
      }
    }
    serial.close("completed");
  }

  const int me = comm.rank(), n = comm.size();
  Recorder rec(dir + "/parallel.h5", w.scenario, *w.world, provenance, comm);
  for (int k = 0; k < steps; ++k) {
    rec.append(synthetic_step(k, w));  // rank 0 writes; a no-op on the others
    if (k == 1) rec.flush();
    for (const Snapshot& s : snapshots) {
      if (s.step != k) continue;
      const auto at = offsets(s.total, n, s.reversed);
      rec.write_snapshot(firms(k, at[2 * me], at[2 * me + 1]), at[2 * me], s.total);
    }
    if (k != 2) continue;

    // Refused snapshots, decided on every rank, after which the run goes on.
    const auto at = offsets(1000, n, false);
    expect_refused(comm, "a step written twice", "already in the file", [&] {
      rec.write_snapshot(firms(2, at[2 * me], at[2 * me + 1]), at[2 * me], 1000);
    });
    const std::int64_t shift = me == n - 1 ? 1 : 0;  // the last range starts one firm late
    expect_refused(comm, "ranges that leave a firm out", n == 1 ? "must hold them all" : "holds",
                   [&] {
                     rec.write_snapshot(firms(9, at[2 * me] + shift, at[2 * me + 1]),
                                        at[2 * me] + shift, 1000);
                   });
    FirmSnapshot short_field = firms(9, at[2 * me], at[2 * me + 1]);
    if (me == n - 1) short_field.cash.push_back(0);
    expect_refused(comm, "a field of another length on one rank", "cash has",
                   [&] { rec.write_snapshot(short_field, at[2 * me], 1000); });
    if (n > 1) {
      expect_refused(comm, "the whole-store call on several ranks", "every rank writes its part",
                     [&] { rec.write_snapshot(firms(9, 0, 10)); });
    }
  }
  rec.close("completed");
  return comm.sum(failures) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  entrepot::CommSession session(argc, argv);
  const Comm comm = Comm::world();
  if (argc != 2) {
    std::cerr << "usage: snapshot_check DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  return entrepot::run_guarded(comm, [&]() -> int {
    const int status = check(comm, dir);
    if (status == 0 && comm.rank() == 0) std::cout << "snapshot: " << comm.size() << " ranks ok\n";
    return status;
  });
}
