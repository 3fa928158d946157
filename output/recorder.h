// The HDF5 result file of one run (DESIGN §6): provenance, /world, /series appended each
// step, /snapshots at chosen steps. Only output/ includes HDF5.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "base/errors.h"
#include "base/records.h"
#include "world/comm.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

struct Provenance {
  std::string version, git_commit, backend;
  int threads = 1, ranks = 1;
  std::string start_time;  // ISO 8601, UTC
};

// Throws OutputError if `path` cannot be created (missing or unwritable folder, a folder
// in its place). Creates nothing; called before a run starts.
void check_writable(const std::string& path);

// Where a resumed run takes up its result file: the steps after the checkpoint's, and the
// snapshots of those steps, are dropped, and the run appends from step + 1 on.
struct Continuation {
  int step = 0;
  std::string checkpoint;  // recorded in the file's `resumed_from` attribute
};

// Throws OutputError unless `path` is the result file of the run of this `seed` and `config`
// (its root attributes) over `world`, holding at least `step` steps. Reads only: called
// before a resumed run changes anything.
void check_continuable(const std::string& path, const World& world, int step, std::uint64_t seed,
                       const std::string& config);

// A run over several ranks (DESIGN §5): rank 0 alone writes provenance, /world and /series;
// every rank writes its own firms into the snapshots, with parallel HDF5. On every rank:
//
//   Recorder rec(path, scenario, world, provenance, comm);   // collective
//   rec.append(stats); rec.flush();                          // rank 0 writes; no-ops elsewhere
//   rec.write_snapshot(part, offset, total);                 // collective
//   rec.close(status);                                       // rank 0 writes; no-op elsewhere
//
// Collective calls throw OutputError on every rank or on none. The one exception is a
// failure while the file is open on all ranks (an I/O error during the parallel write): it
// is thrown where it happens, and the run must then end (run_guarded stops every rank).
class Recorder {
 public:
  // Creates (truncates) the file and writes the root attributes and /world. This process
  // alone writes the file.
  Recorder(const std::string& path, const Scenario& scenario, const World& world,
           const Provenance& provenance);
  // Collective over `comm`: rank 0 creates the file as above; the other ranks hold no file.
  // On one rank this is the constructor above.
  Recorder(const std::string& path, const Scenario& scenario, const World& world,
           const Provenance& provenance, const Comm& comm);
  // Collective over `comm`: rank 0 opens the existing result file of a resumed run
  // (check_continuable first), cuts it back to `from.step` and appends from there.
  Recorder(const std::string& path, const World& world, const Continuation& from, const Comm& comm);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void append(const StepStatistics& stats);  // one more step in every /series dataset
  // The whole firm store, written by this process; on several ranks use the overload below.
  void write_snapshot(const FirmSnapshot& firms);
  // Collective: this rank's `part` holds the firms [offset, offset + part size) of `total`,
  // the ranks' ranges together exactly [0, total). Written into /snapshots/<step>/firms in
  // parallel; the datasets are those a single process writes for the whole store (the
  // `firm` coordinate holds the global positions). On one rank: write_snapshot(part), with
  // offset 0 and total the size of `part`.
  void write_snapshot(const FirmSnapshot& part, std::int64_t offset, std::int64_t total);
  void flush();  // everything appended so far is on disk and readable after a crash
  // Writes the end attributes and closes: end_time, status ("completed", "interrupted" or
  // "failed"), and for a run that did not complete why (status_reason) and the last step
  // it recorded (status_step).
  void close(const std::string& status, const std::string& reason = "", int step = 0);
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A readable summary of a result file, for `entrepot info FILE`.
std::string describe_file(const std::string& path);

// The sum over one recorded step (0-based `row`) of an int64 /series variable, e.g. the
// world's output at step 1 that a resumed run's health checks measure against.
std::int64_t series_total_at(const std::string& path, const std::string& variable,
                             std::int64_t row);

}  // namespace entrepot
