#include "app/stepping.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/health.h"
#include "app/progress.h"
#include "app/signals.h"
#include "app/summary.h"
#include "kernels/checkpoint.h"
#include "output/checkpoint.h"

namespace entrepot {
namespace {

bool wants_snapshot(const Scenario& sc, int step) {
  if (step == sc.steps) return true;
  for (int s : sc.output.snapshots) {
    if (s == step) return true;
  }
  return false;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

bool agreed(const Comm& comm, const std::string& prefix, const std::function<void()>& check) {
  std::string why;
  try {
    check();
  } catch (const std::exception& error) {
    why = error.what();
    if (why.empty()) why = "failed";
  }
  std::vector<std::int64_t> failed(static_cast<std::size_t>(comm.size()), 0);
  failed[static_cast<std::size_t>(comm.rank())] = why.empty() ? 0 : 1;
  comm.sum(failed.data(), failed.size());
  for (int r = 0; r < comm.size(); ++r) {
    if (failed[static_cast<std::size_t>(r)] == 0) continue;
    if (r == comm.rank()) std::cerr << prefix << why << std::endl;
    return false;
  }
  return true;
}

void save_checkpoint(Stepping& run) {
  const auto started = std::chrono::steady_clock::now();
  if (!run.recorder.closed()) run.recorder.flush();  // rank 0 writes the result file
  EconomyCheckpoint checkpoint = capture(run.model);
  checkpoint.version = ENTREPOT_VERSION;
  checkpoint.scenario = run.resolved;
  checkpoint.config = run.config;
  checkpoint.result_path = run.result_path;
  const double captured = seconds_since(started);
  write_checkpoint(run.checkpoint_path, checkpoint, run.comm);
  if (run.comm.rank() == 0 && !run.quiet) {
    std::fprintf(stderr, "entrepot: checkpoint of step %d in %s (capture %.2f s, write %.2f s)\n",
                 checkpoint.step, run.checkpoint_path.c_str(), captured,
                 seconds_since(started) - captured);
  }
}

int step_economy(Stepping& run, int first) {
  const Scenario& sc = run.scenario;
  const Comm& comm = run.comm;
  const bool writer = comm.rank() == 0;
  const int every = sc.output.checkpoint_every;
  Progress progress(sc.steps, sc.output.progress_every, run.quiet || !writer);
  progress.start_at(first - 1);
  const auto stepping = std::chrono::steady_clock::now();
  int done = first - 1;
  bool stopped = false, checkpoint_now = false;
  HealthCheck health(sc, run.world, run.output_at_start);
  std::string broke;        // why the economy broke, when it did
  std::int64_t warned = 0;  // health flags already reported on stderr
  try {
    for (int step = first; step <= sc.steps; ++step) {
      run.model.step(step);
      // Every rank holds the same reduced statistics, so every rank decides alike.
      const HealthVerdict verdict = health.check(run.model.stats);
      run.model.stats.health = verdict.flags;
      run.recorder.append(run.model.stats);  // rank 0 writes the series
      for (const auto& warning : verdict.warnings) {
        if (writer && !run.quiet && (warned & warning.flag) == 0 &&
            warning.what != verdict.failure) {
          std::cerr << "entrepot: warning at step " << step << ": " << warning.what << std::endl;
        }
      }
      warned |= verdict.flags;  // each kind once
      if (!verdict.failure.empty()) {
        broke = verdict.failure;
        done = step;
        break;
      }
      if (wants_snapshot(sc, step)) {
        run.recorder.write_snapshot(run.model.snapshot(step), run.model.ranks.domain.firm_first,
                                    run.model.ranks.domain.firm_total);
      }
      if (step % sc.output.flush_every == 0) run.recorder.flush();
      done = step;
      progress.update(step);  // silent off rank 0
      // A signal may reach the ranks at different steps: they stop together, and checkpoint
      // when any of them was asked to by SIGTERM.
      stopped = !comm.all(!stop_requested());
      const bool term = !comm.all(stop_signal() != SIGTERM);
      checkpoint_now = stopped && (term || every > 0);
      if (stopped) break;
      if (every > 0 && step % every == 0 && step < sc.steps) save_checkpoint(run);
    }
  } catch (const std::exception& error) {
    progress.finish();
    run.recorder.flush();  // the recorder writes on rank 0 only
    run.recorder.close("failed", error.what(), done);
    throw;
  } catch (...) {
    progress.finish();
    run.recorder.flush();
    run.recorder.close("failed", "an unknown error", done);
    throw;
  }
  progress.finish();
  if (!broke.empty()) {
    // The steps so far stay readable, marked failed with the reason and the step.
    run.recorder.close("failed", "the economy broke: " + broke, done);
    if (writer) {
      std::cerr << "entrepot: the economy broke at step " << done << " of " << sc.steps << ": "
                << broke << "; " << sc.output.path << " holds steps 1-" << done
                << ", marked failed (thresholds: health in docs/scenario.md)" << std::endl;
    }
    return kEconomyBroke;
  }
  if (stopped) {
    // The result file is closed first: a kill while the checkpoint is written (mpirun kills
    // ranks soon after forwarding a signal) leaves it whole, and the previous checkpoint.
    run.recorder.close("interrupted", "stopped by signal " + std::to_string(stop_signal()),
                       done);  // rank 0 writes it
    if (writer) {
      std::cerr << "entrepot: stopped by signal " << stop_signal() << " after step " << done
                << " of " << sc.steps << "; " << sc.output.path << " holds steps 1-" << done
                << std::endl;
    }
    if (checkpoint_now) {
      save_checkpoint(run);
      if (writer)
        std::cerr << "entrepot: continue with: entrepot resume " << run.checkpoint_path
                  << std::endl;
    }
    return stop_exit_code();
  }
  if (!writer) return 0;
  run.recorder.close("completed");
  if (!run.quiet && first <= sc.steps) {  // a checkpoint of the last step leaves none to step
    print_summary(std::cout, sc, run.world, run.model, run.setup_seconds, seconds_since(stepping),
                  sc.steps - first + 1);
  }
  std::cout << "results: " << sc.output.path << "\n";
  return 0;
}

}  // namespace entrepot
