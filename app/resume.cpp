// `entrepot resume CHECKPOINT`: a run goes on from its checkpoint, over any number of ranks,
// and gives the bytes it would have given had it never stopped. Everything that can refuse
// the checkpoint (its version, layout, scenario, data, the result file to continue) is
// checked before the result file is touched.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/machine.h"
#include "app/memory.h"
#include "app/signals.h"
#include "app/stepping.h"
#include "kernels/checkpoint.h"
#include "output/checkpoint.h"
#include "world/layout.h"
#include "world/load.h"

namespace entrepot {
namespace {

namespace fs = std::filesystem;

const char* const kRefused = "entrepot: cannot resume: ";

// The scenario the checkpoint was written with, checked against the header and the --set
// list: a --set may restate a value, never change one.
Scenario scenario_of(const std::string& path, const EconomyCheckpoint& header,
                     const std::vector<std::string>& overrides) {
  const std::string label = path + ":scenario";
  auto fail = [&](const std::string& why) { throw CheckpointError(path + ": " + why); };
  Scenario sc;
  try {
    sc = parse_scenario(header.scenario, label);
  } catch (const ConfigError& error) {
    fail(std::string("its scenario does not load: ") + error.what());
  }
  for (const std::string& set : overrides) {
    if (parse_scenario(header.scenario, label, {set}).resolved != sc.resolved) {
      fail("--set " + set +
           " would change the scenario it was written with (a resumed run goes on with the "
           "same scenario)");
    }
  }
  if (sc.seed != header.seed) {
    fail("its seed " + std::to_string(header.seed) + " is not its scenario's " +
         std::to_string(sc.seed));
  }
  if (header.step < 0 || header.step > sc.steps) {
    fail("its step " + std::to_string(header.step) + " is outside the run's 0.." +
         std::to_string(sc.steps));
  }
  return sc;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

}  // namespace

int resume_command(const ResumeOptions& options, const Comm& comm) {
  const std::string& path = options.checkpoint;
  const bool writer = comm.rank() == 0;
  EconomyCheckpoint header;
  Scenario sc;
  std::unique_ptr<World> world;
  // What the checkpoint is and where the run goes on, checked on every rank before any set-up.
  if (!agreed(comm, kRefused, [&] {
        header = read_checkpoint_header(path);
        if (header.version != ENTREPOT_VERSION) {
          throw CheckpointError(path + ": written by entrepot " + header.version + ", this is " +
                                ENTREPOT_VERSION + " (resume it with the version that wrote it)");
        }
        if (header.layout != checkpoint_layout_digest()) {
          throw CheckpointError(path + ": its state layout " + header.layout +
                                " is not this program's " + checkpoint_layout_digest());
        }
        sc = scenario_of(path, header, options.overrides);
        sc.output.path = options.out ? *options.out : header.result_path;
        world = std::make_unique<World>(sc);
        if (!writer) return;
        if (options.out) {
          std::error_code ignored;
          if (!options.overwrite && fs::exists(*options.out, ignored) &&
              !same_file(header.result_path, *options.out)) {
            throw OutputError(*options.out +
                              ": a file is already there; pass --overwrite to replace it, or "
                              "choose another --out");
          }
          check_writable(*options.out);
        }
        check_continuable(header.result_path, *world, header.step, header.seed, header.config);
      })) {
    return 2;
  }
  if (comm.distributed() && writer) {
    std::cerr << "entrepot: " << partition_agents(sc, comm.size()).describe() << "\n";
  }
  // Over another number of ranks the shares differ from the run's: checked again here.
  if (!agreed(comm, "entrepot: error: ", [&] { require_memory(sc, comm); })) return 1;
  require_device();
  select_device(comm.local_rank());
  if (options.threads > 0) omp_set_num_threads(options.threads);

  install_stop_handlers();
  const auto started = std::chrono::steady_clock::now();
  Model model(sc, *world, &comm);
  const auto reading = std::chrono::steady_clock::now();
  if (!agreed(comm, kRefused, [&] {
        EconomyCheckpoint saved = checkpoint_layout(model);
        saved.step = header.step;
        saved.seed = header.seed;
        saved.layout = header.layout;
        read_checkpoint_arrays(path, saved, comm);
        try {
          restore(model, saved);
        } catch (const CheckpointError& error) {
          throw CheckpointError(path + ": " + error.what());
        }
      })) {
    return 2;
  }
  const double read_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - reading).count();

  // The run so far: in its own result file, or copied into the new one.
  const std::string& out = sc.output.path;
  if (!agreed(comm, "entrepot: error: ", [&] {
        if (!writer || same_file(header.result_path, out)) return;
        std::error_code error;
        fs::copy_file(header.result_path, out, fs::copy_options::overwrite_existing, error);
        if (error) {
          throw OutputError(out + ": cannot copy the run so far from " + header.result_path + " (" +
                            error.message() + ")");
        }
      })) {
    return 1;
  }
  // The health checks measure world output against step 1's, which the file holds.
  std::int64_t output_at_start = 0;
  if (!agreed(comm, "entrepot: error: ", [&] {
        if (writer && header.step >= 1) output_at_start = series_total_at(out, "produced", 0);
      })) {
    return 1;
  }
  output_at_start = comm.sum(output_at_start);
  Recorder recorder(out, *world, Continuation{header.step, path}, comm);
  if (writer && !options.quiet) {
    std::fprintf(stderr,
                 "entrepot: resuming '%s' after step %d of %d from %s (written over %d rank%s; "
                 "read in %.2f s) into %s\n",
                 sc.name.c_str(), header.step, sc.steps, path.c_str(), header.ranks,
                 header.ranks == 1 ? "" : "s", read_s, out.c_str());
  }
  Stepping stepping{
      sc,
      *world,
      model,
      recorder,
      comm,
      header.scenario,
      header.config,
      fs::absolute(out).lexically_normal().string(),
      checkpoint_path_of(sc.output),
      options.quiet,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
      output_at_start};
  return step_economy(stepping, header.step + 1);
}

}  // namespace entrepot
