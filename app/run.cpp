// `entrepot run` and `entrepot validate`: load and check the scenario, build the world,
// step it, and record every step; a signal stops the run cleanly with a readable file.
#include <omp.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/machine.h"
#include "app/progress.h"
#include "app/signals.h"
#include "app/summary.h"
#include "entrepot_git_commit.h"
#include "kernels/model.h"
#include "output/recorder.h"
#include "world/comm.h"
#include "world/layout.h"
#include "world/load.h"

namespace entrepot {
namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

bool wants_snapshot(const Scenario& sc, int step) {
  if (step == sc.steps) return true;
  for (int s : sc.output.snapshots) {
    if (s == step) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> all_overrides(const RunOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.steps) {
    overrides.push_back("steps=" + std::to_string(*options.steps));
    // The file's snapshot steps belong to its own run length; a shortened run keeps only
    // its last step unless snapshots are set explicitly.
    bool chosen = false;
    for (const std::string& o : options.overrides) chosen |= o.rfind("output.snapshots=", 0) == 0;
    if (!chosen) overrides.push_back("output.snapshots=[" + std::to_string(*options.steps) + "]");
  }
  if (options.seed) overrides.push_back("seed=" + std::to_string(*options.seed));
  if (options.out) overrides.push_back("output.path=" + *options.out);
  return overrides;
}

int validate_command(const std::string& config, const std::vector<std::string>& overrides) {
  try {
    const Scenario sc = load_scenario(config, overrides);
    World world(sc);
    std::cout << config << ": valid scenario '" << sc.name << "': " << sc.countries.size()
              << " countries, " << sc.regions.size() << " regions, " << sc.sectors.size()
              << " sectors, " << sc.consumers + sc.firms << " agents, " << sc.steps << " steps, "
              << sc.events.size() << " events\n";
    return 0;
  } catch (const ConfigError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
}

int run_command(const RunOptions& options, const Comm& comm) {
  Scenario sc;
  bool loaded = true;
  try {
    sc = load_scenario(options.config, all_overrides(options));
  } catch (const ConfigError& error) {
    // Every rank reads the same file and fails alike: one message, then all stop.
    if (comm.rank() == 0) std::cerr << error.what() << "\n";
    loaded = false;
  }
  if (!comm.all(loaded)) return 2;
  const bool writer = comm.rank() == 0;  // rank 0 writes the series; snapshots are collective
  if (comm.distributed() && writer) {
    std::cerr << "entrepot: " << partition_agents(sc, comm.size()).describe() << "\n";
  }
  require_device();
  select_device(comm.local_rank());
  if (options.threads > 0) omp_set_num_threads(options.threads);

  // Report an unusable output path before any work. A missing results folder is made,
  // but only for a path that names a file.
  const std::filesystem::path out(sc.output.path);
  std::error_code ignored;
  const bool names_file = !sc.output.path.empty() && sc.output.path.back() != '/' &&
                          !std::filesystem::is_directory(out, ignored);
  bool writable = true;
  std::string why;
  if (writer) {
    if (names_file && out.has_parent_path() &&
        !std::filesystem::exists(out.parent_path(), ignored)) {
      std::filesystem::create_directories(out.parent_path(), ignored);
    }
    try {
      check_writable(sc.output.path);
    } catch (const OutputError& error) {
      writable = false;
      why = error.what();
    }
  }
  // Every rank stops alike when the file cannot be written.
  if (!comm.all(writable)) throw OutputError(writer ? why : "rank 0 cannot write the result file");

  install_stop_handlers();
  const auto started = std::chrono::steady_clock::now();
  World world(sc);
  // The file is created before the costly set-up, so a path that cannot be written after
  // all fails at once.
  Provenance provenance{ENTREPOT_VERSION,      ENTREPOT_GIT_COMMIT, backend_name(),
                        omp_get_max_threads(), comm.size(),         utc_now()};
  Recorder recorder(sc.output.path, sc, world, provenance, comm);
  Model model(sc, world, &comm);
  if (comm.distributed() && writer) {
    std::cerr << "entrepot: exchanges "
              << (model.ranks.exchange_in_place
                      ? "in place (MPI reads and writes the agents' memory)"
                      : "staged through host buffers")
              << "\n";
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Progress progress(sc.steps, sc.output.progress_every, options.quiet || !writer);
  const auto stepping = std::chrono::steady_clock::now();
  int done = 0;
  bool stopped = false;
  try {
    for (int step = 1; step <= sc.steps; ++step) {
      model.step(step);
      recorder.append(model.stats);  // rank 0 writes the series
      if (wants_snapshot(sc, step)) {
        recorder.write_snapshot(model.snapshot(step), model.ranks.domain.firm_first,
                                model.ranks.domain.firm_total);
      }
      if (step % sc.output.flush_every == 0) recorder.flush();
      done = step;
      progress.update(step);  // silent off rank 0
      // A signal may reach the ranks at different steps: they stop together.
      stopped = !comm.all(!stop_requested());
      if (stopped) break;
    }
  } catch (...) {
    progress.finish();
    recorder.flush();  // the recorder writes on rank 0 only
    recorder.close("failed");
    throw;
  }
  progress.finish();
  if (!writer) return stopped ? stop_exit_code() : 0;
  recorder.flush();
  if (stopped) {
    recorder.close("interrupted");
    std::cerr << "entrepot: stopped by signal " << stop_signal() << " after step " << done << " of "
              << sc.steps << "; " << sc.output.path << " holds steps 1-" << done << "\n";
    return stop_exit_code();
  }
  recorder.close("completed");
  const double run_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stepping).count();
  if (!options.quiet) {
    print_summary(std::cout, sc, world, model, setup_s, run_s);
  }
  std::cout << "results: " << sc.output.path << "\n";
  return 0;
}

int info_command(const std::string& path) {
  std::cout << describe_file(path);
  return 0;
}

}  // namespace entrepot
