// The `entrepot` command: run, batch, resume, validate, info, compare, bench, device.
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <stdexcept>

#include "app/commands.h"
#include "base/limits.h"
#include "entrepot_git_commit.h"
#include "world/comm.h"

int main(int argc, char** argv) {
  using namespace entrepot;
  CLI::App app{"Entrepot: an agent-based simulator of the world economy's trade network"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string(ENTREPOT_VERSION) + " (" + ENTREPOT_GIT_COMMIT + ")");

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and write its HDF5 result file");
  run_cmd->add_option("config", run.config, "Scenario file (YAML)")->required();
  run_cmd->add_option("--steps", run.steps, "Number of steps (overrides the file)");
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides the file)");
  run_cmd->add_option("--out", run.out, "Result file (overrides output.path)");
  run_cmd->add_option("--set", run.overrides, "Override a value: path=value (repeatable)")
      ->allow_extra_args(false);
  run_cmd->add_option("--threads", run.threads, "OpenMP threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_flag("--quiet", run.quiet, "No progress output");
  run_cmd->add_flag("--overwrite", run.overwrite,
                    "Replace the result file if it exists (default: refuse and write nothing)");
  run_cmd
      ->add_option("--checkpoint-every", run.checkpoint_every,
                   "Write a checkpoint every N steps (output.checkpoint.every; 0: none)")
      ->check(CLI::NonNegativeNumber);

  BatchOptions batch;
  CLI::App* batch_cmd = app.add_subcommand(
      "batch", "Run many small worlds side by side in one process, one per thread");
  batch_cmd
      ->add_option("list", batch.list,
                   "Text file, one run per line: CONFIG [--seed S] [--steps N] --out FILE "
                   "[--set PATH=VALUE]...")
      ->required();
  batch_cmd->add_option("--jobs", batch.jobs, "Runs at a time, one thread each (default: cores)")
      ->check(CLI::NonNegativeNumber);
  batch_cmd->add_flag("--overwrite", batch.overwrite, "Replace result files that exist");

  ResumeOptions resume;
  CLI::App* resume_cmd = app.add_subcommand(
      "resume", "Continue a run from its checkpoint: the same bytes as never stopping");
  resume_cmd->add_option("checkpoint", resume.checkpoint, "Checkpoint file (HDF5)")->required();
  resume_cmd->add_option("--out", resume.out,
                         "Write the whole run to this new result file (default: continue the "
                         "run's own result file)");
  resume_cmd
      ->add_option("--set", resume.overrides,
                   "Must not change the scenario: a resumed run is the same run (repeatable)")
      ->allow_extra_args(false);
  resume_cmd->add_option("--threads", resume.threads, "OpenMP threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  resume_cmd->add_flag("--quiet", resume.quiet, "No progress output");
  resume_cmd->add_flag("--overwrite", resume.overwrite,
                       "Let --out replace an existing file (default: refuse and write nothing)");

  std::string validate_config;
  std::vector<std::string> validate_overrides;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check a scenario file; explain every error with file:line:col");
  validate_cmd->add_option("config", validate_config, "Scenario file (YAML)")->required();
  validate_cmd->add_option("--set", validate_overrides, "Override a value: path=value (repeatable)")
      ->allow_extra_args(false);
  bool validate_behaviour = false;
  validate_cmd->add_flag("--behaviour", validate_behaviour,
                         "Print each behaviour parameter, its value and its plausible range "
                         "(tab-separated) instead of the summary");

  std::string info_path;
  CLI::App* info_cmd = app.add_subcommand("info", "Summarise a result file");
  info_cmd->add_option("file", info_path, "HDF5 result file")->required();

  std::string compare_first, compare_second, compare_group = "/";
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Check that two result files hold the same datasets with the same bytes");
  compare_cmd->add_option("first", compare_first, "HDF5 result file")->required();
  compare_cmd->add_option("second", compare_second, "HDF5 result file")->required();
  compare_cmd->add_option("--group", compare_group,
                          "Compare only the datasets under this group, e.g. /series (default: /)");

  BenchOptions bench;
  CLI::App* bench_cmd = app.add_subcommand("bench", "Measure step speed, memory and bandwidth");
  bench_cmd->add_option("--agents", bench.agents, "Agents in the generated world (≈10% firms)")
      ->check(CLI::PositiveNumber);
  bench_cmd->add_option("--steps", bench.steps, "Timed steps (median reported)")
      ->check(CLI::PositiveNumber);
  bench_cmd
      ->add_option("--warm-up", bench.warm_up,
                   "Untimed steps before the timed ones (default 2; a world with retail markets "
                   "settles in about 10)")
      ->check(CLI::NonNegativeNumber);
  bench_cmd->add_option("--threads", bench.threads, "OpenMP threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  bench_cmd
      ->add_option("--ranks", bench.ranks,
                   "Also estimate the exchange of a run over this many MPI ranks (from the "
                   "links of the stepped world)")
      ->check(CLI::PositiveNumber);
  bench_cmd
      ->add_option("--trade-chunk", bench.trade_chunk,
                   "Buyers per thread of the trade's settling passes, 0 for one per buyer "
                   "with no local table (default: the backend's; the results are the same)")
      ->check(CLI::NonNegativeNumber);
  bench_cmd
      ->add_option("--retail-market", bench.retail_market,
                   "Households per retail market: households buy goods at their market's "
                   "retailers (default 0: from producers)")
      ->check(CLI::NonNegativeNumber);
  bench_cmd
      ->add_option("--traders", bench.traders,
                   "Traders per goods sector in every region, from whom firms and retailers "
                   "buy too (default 0: none)")
      ->check(CLI::Range(0, kMaxTradersPerSector));
  bench_cmd
      ->add_option("--auction-orders", bench.auction_orders,
                   "Also time the call auctions of exchange venues: this many random orders "
                   "in 15 books, cleared at once (default 0: not timed)")
      ->check(CLI::NonNegativeNumber);
  bench_cmd
      ->add_option("--carbon-cap", bench.carbon_cap,
                   "Firms emit, and every country's commodity makers trade allowances on its "
                   "own carbon market, capped at this share of their set-up emissions "
                   "(default 0: no markets)")
      ->check(CLI::PositiveNumber);
  bench_cmd->add_flag("--venues", bench.venues,
                      "A commodity exchange in every country, listing every commodity and open "
                      "to every country's traders (needs --traders)");

  CLI::App* device_cmd =
      app.add_subcommand("device", "Show the device the kernels run on (GPU or host threads)");

  // MPI starts before the arguments are read (it may add its own); a run under mpirun is
  // one simulation over all ranks.
  CommSession session(argc, argv);
  CLI11_PARSE(app, argc, argv);
  const Comm comm = Comm::world();
  auto dispatch = [&]() -> int {
    if (*run_cmd) return run_command(run, comm);
    if (*batch_cmd) return batch_command(batch, comm);
    if (*resume_cmd) return resume_command(resume, comm);
    if (*validate_cmd)
      return validate_command(validate_config, validate_overrides, validate_behaviour);
    if (*info_cmd) return info_command(info_path);
    if (*compare_cmd) return compare_command(compare_first, compare_second, compare_group);
    if (*bench_cmd) return bench_command(bench, comm);
    if (*device_cmd) return device_command();
    return 0;
  };
  return run_guarded(comm, [&]() -> int {
    try {
      return dispatch();
    } catch (const std::bad_alloc&) {
      // The estimate before set-up should have refused; say what happened in plain words.
      throw std::runtime_error(
          "out of memory: an allocation failed (the run needs more memory than it was given; "
          "`entrepot validate` prints the estimate)");
    }
  });
}
