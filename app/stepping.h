// The step loop `entrepot run` and `entrepot resume` share: step, record, snapshot,
// checkpoint, and stop cleanly on a signal (SIGTERM with a checkpoint to resume from).
#pragma once

#include <functional>
#include <string>

#include "kernels/model.h"
#include "output/recorder.h"
#include "world/comm.h"

namespace entrepot {

struct Stepping {
  const Scenario& scenario;
  World& world;
  Model& model;
  Recorder& recorder;
  const Comm& comm;
  std::string resolved;     // the scenario as a checkpoint stores it
  std::string config;       // the scenario text the result file stores (attribute `config`)
  std::string result_path;  // absolute
  std::string checkpoint_path;
  bool quiet = false;
  double setup_seconds = 0.0;
  // The world's output at step 1, for the health checks of a resumed run (0: step 1 is
  // still to come).
  std::int64_t output_at_start = 0;
};

// The exit status of a run stopped by its health checks: its economy broke (docs/output.md).
inline constexpr int kEconomyBroke = 3;

// Steps from `first` to the scenario's last step and closes the result file. A checkpoint
// is written every output.checkpoint_every steps, and when a signal stops the run: always
// for SIGTERM (a batch system's warning before a time limit or preemption), for SIGINT when
// checkpoints are on. After each step the health checks run (app/health.h): past a limit
// the run stops with its result marked failed. Returns the exit status (128 + signal when
// stopped, kEconomyBroke when the economy broke).
int step_economy(Stepping& run, int first);

// Writes the checkpoint of the model's last step to run.checkpoint_path (collective); the
// result file is flushed first (or already closed), so it holds every step the checkpoint
// does.
void save_checkpoint(Stepping& run);

// Runs `check` on every rank. Unless it succeeds everywhere, the lowest rank that failed
// prints its reason, prefixed with `prefix`, and every rank returns false.
bool agreed(const Comm& comm, const std::string& prefix, const std::function<void()>& check);

}  // namespace entrepot
