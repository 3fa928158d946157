// The HDF5 result file of one run (DESIGN §6): provenance, /world, /series appended each
// step, /snapshots at chosen steps. Only output/ includes HDF5.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/statistics.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

// Any failed HDF5 call or unusable path; the message names the file.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Provenance {
  std::string version, git_commit, backend;
  int threads = 1, ranks = 1;
  std::string start_time;  // ISO 8601, UTC
};

// Throws OutputError if `path` cannot be created (missing or unwritable folder, a folder
// in its place). Creates nothing; called before a run starts.
void check_writable(const std::string& path);

class Recorder {
 public:
  // Creates (truncates) the file and writes the root attributes and /world.
  Recorder(const std::string& path, const Scenario& scenario, const World& world,
           const Provenance& provenance);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void append(const StepStatistics& stats);  // one more step in every /series dataset
  void write_snapshot(const FirmSnapshot& firms);
  void flush();  // everything appended so far is on disk and readable after a crash
  // Writes the end attributes (end_time, status: "completed" or "interrupted") and closes.
  void close(const std::string& status);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A readable summary of a result file, for `entrepot info FILE`.
std::string describe_file(const std::string& path);

}  // namespace entrepot
