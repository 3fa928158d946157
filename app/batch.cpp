// `entrepot batch`: many small runs side by side in one process, one per thread. Each run is
// `entrepot run` on its own world (quiet; a run's line of the report gives its exit status and
// the reason of a failure), stepped on one thread (the kernels' parallel loops run
// inside the batch's own, which OpenMP then gives one thread each), so it writes the same
// bytes as alone; what the batch saves is a process, its start and its set-up of the
// libraries per run, and the idle cores of a run too small to use them.
#include <omp.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/commands.h"
#include "world/comm.h"
#include "world/load.h"

namespace entrepot {
namespace {

// A run's line: CONFIG [--seed S] [--steps N] [--out FILE] [--set PATH=VALUE]... (words
// split on blanks; `#` starts a comment).
RunOptions parse_line(const std::string& list, int line_number, const std::string& line) {
  RunOptions run;
  std::vector<std::pair<std::string, std::size_t>> words;  // word, column
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t\r", at);
    if (start == std::string::npos || line[start] == '#') break;
    const std::size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
    words.emplace_back(line.substr(start, end - start), start + 1);
    at = end;
  }
  auto fail = [&](std::size_t column, const std::string& what) {
    throw std::runtime_error(list + ":" + std::to_string(line_number) + ":" +
                             std::to_string(column) + ": " + what +
                             "; allowed: CONFIG [--seed S] [--steps N] [--out FILE] "
                             "[--set PATH=VALUE]...");
  };
  run.config = words.at(0).first;
  if (run.config.rfind("--", 0) == 0) fail(words[0].second, "a line starts with an option");
  for (std::size_t k = 1; k < words.size(); k += 2) {
    const auto& [key, column] = words[k];
    if (k + 1 >= words.size()) fail(column, "option '" + key + "' has no value");
    const std::string& value = words[k + 1].first;
    try {
      if (key == "--seed") {
        run.seed = std::stoull(value);
      } else if (key == "--steps") {
        run.steps = std::stoi(value);
      } else if (key == "--out") {
        run.out = value;
      } else if (key == "--set") {
        run.overrides.push_back(value);
      } else {
        fail(column, "unknown option '" + key + "'");
      }
    } catch (const std::logic_error&) {  // stoull, stoi: not a number, or out of range
      fail(words[k + 1].second, "'" + value + "' is no whole number for " + key);
    }
  }
  if (!run.out) fail(words[0].second, "a run without --out");
  return run;
}

std::vector<RunOptions> read_list(const std::string& list) {
  std::ifstream in(list);
  if (!in) throw std::runtime_error(list + ": cannot read the list of runs");
  std::vector<RunOptions> runs;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    runs.push_back(parse_line(list, n, line));
  }
  if (runs.empty()) throw std::runtime_error(list + ": no runs; allowed: one run per line");
  return runs;
}

}  // namespace

int batch_command(const BatchOptions& options, const Comm& comm) {
  if (comm.distributed()) {
    if (comm.rank() == 0) {
      std::cerr << "entrepot: error: batch runs its worlds in one process; under mpirun run "
                   "`entrepot run` per rank, or one batch per node\n";
    }
    return 2;
  }
  std::vector<RunOptions> runs;
  try {
    runs = read_list(options.list);
  } catch (const std::runtime_error& error) {
    std::cerr << "entrepot: error: " << error.what() << "\n";
    return 2;
  }
  // Every run's scenario is read first: one that does not load fails with its reason on its
  // own line, and the others run.
  std::vector<std::string> refused(runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k) {
    try {
      load_scenario(runs[k].config, all_overrides(runs[k]));
    } catch (const ConfigError& error) {
      refused[k] = error.what();
    }
  }
  const int jobs = options.jobs > 0 ? options.jobs : omp_get_num_procs();
  // Each run's kernels run inside the batch's loop: one thread each.
  omp_set_max_active_levels(1);
  std::vector<int> status(runs.size(), 0);
  const auto started = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
  for (std::size_t k = 0; k < runs.size(); ++k) {
    RunOptions run = runs[k];
    run.quiet = true;
    run.overwrite = options.overwrite;
    const auto begun = std::chrono::steady_clock::now();
    std::string error = refused[k];
    try {
      status[k] = error.empty() ? run_command(run, Comm::world()) : 2;
    } catch (const std::exception& e) {
      error = e.what();
      status[k] = 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
#pragma omp critical(batch_report)
    {
      std::cout << "batch: run " << k + 1 << " of " << runs.size() << " (" << *run.out << "): exit "
                << status[k] << ", " << seconds << " s" << (error.empty() ? "" : ": " + error)
                << "\n"
                << std::flush;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int failed = 0;
  for (int s : status) failed += s != 0 ? 1 : 0;
  std::cout << "batch: " << runs.size() - failed << " of " << runs.size() << " runs succeeded in "
            << seconds << " s on " << jobs << " threads ("
            << (seconds > 0 ? 3600.0 * runs.size() / seconds : 0.0) << " runs per hour)\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace entrepot
