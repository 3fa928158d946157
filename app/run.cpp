// `entrepot run` and `entrepot validate`: load and check the scenario, build the world,
// step it, and record every step; a signal stops the run cleanly with a readable file.
#include <omp.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/machine.h"
#include "app/memory.h"
#include "app/signals.h"
#include "app/stepping.h"
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
  if (options.checkpoint_every) {
    overrides.push_back("output.checkpoint.every=" + std::to_string(*options.checkpoint_every));
  }
  return overrides;
}

int validate_command(const std::string& config, const std::vector<std::string>& overrides,
                     bool behaviour) {
  try {
    const Scenario sc = load_scenario(config, overrides);
    World world(sc);
    if (behaviour) {
      std::cout << behaviour_table(sc);
      return 0;
    }
    std::cout << config << ": valid scenario '" << sc.name << "': " << sc.countries.size()
              << " countries, " << sc.regions.size() << " regions, " << sc.sectors.size()
              << " sectors, " << sc.consumers + sc.firms << " agents, " << sc.steps << " steps, "
              << sc.events.size() << " events\n"
              << describe_memory(sc) << "\n";
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
  // A finished result is not replaced by accident: another run's file, or this scenario's
  // under another seed, is refused before anything is written.
  if (!agreed(comm, "entrepot: error: ", [&] {
        if (writer && !options.overwrite && names_file && std::filesystem::exists(out, ignored)) {
          throw OutputError(sc.output.path +
                            ": a result file is already there; pass --overwrite to replace it, "
                            "or choose another --out");
        }
      })) {
    return 1;
  }
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

  // The checkpoint's folder, too, before any work (checkpoints go next to the result file
  // unless output.checkpoint.path says otherwise).
  const std::string checkpoint_path = checkpoint_path_of(sc.output);
  if (!agreed(comm, "entrepot: error: ", [&] {
        if (writer && sc.output.checkpoint_every > 0) check_writable(checkpoint_path);
      })) {
    return 1;
  }

  // The memory the run needs, before any agent is allocated: every rank checks its share.
  if (!agreed(comm, "entrepot: error: ", [&] { require_memory(sc, comm); })) return 1;

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
  Stepping stepping{
      sc,
      world,
      model,
      recorder,
      comm,
      sc.resolved,
      sc.text,
      std::filesystem::absolute(out).lexically_normal().string(),
      checkpoint_path,
      options.quiet,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  return step_economy(stepping, 1);
}

int info_command(const std::string& path) {
  std::cout << describe_file(path);
  return 0;
}

}  // namespace entrepot
