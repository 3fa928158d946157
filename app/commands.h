// The subcommands of `entrepot`; each returns the process exit status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace entrepot {

struct RunOptions {
  std::string config;
  std::optional<int> steps;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> out;
  std::vector<std::string> overrides;  // --set path=value
  int threads = 0;                     // 0: OpenMP's default
  bool quiet = false;
  std::optional<int> checkpoint_every;  // output.checkpoint.every
  bool overwrite = false;               // replace an existing result file
};

struct ResumeOptions {
  std::string checkpoint;
  std::optional<std::string> out;      // a new result file holding the whole run
  std::vector<std::string> overrides;  // --set: refused when they change the scenario
  int threads = 0;
  bool quiet = false;
  bool overwrite = false;  // let --out replace an existing file
};

struct BenchOptions {
  std::int64_t agents = 1000000;
  int steps = 5;    // timed steps; the median is reported
  int warm_up = 2;  // untimed steps before them, past the set-up's transient
  int threads = 0;
  int ranks = 0;                    // > 1: also estimate the exchange of a run over this many ranks
  std::int64_t trade_chunk = -1;    // ≥ 0: Model::trade_chunk; −1: the backend's default
  std::int64_t retail_market = 0;   // > 0: retail markets of this many households
  int traders = 0;                  // > 0: traders per goods sector in every region
  std::int64_t auction_orders = 0;  // > 0: also time call auctions of this many orders
  double carbon_cap = 0.0;          // > 0: every country's commodity makers under a carbon market
  bool venues = false;              // a commodity venue in every country, open to all (traders)
};

struct BatchOptions {
  std::string list;  // one run per line: CONFIG [--seed S] [--steps N] [--out FILE] [--set ...]
  int jobs = 0;      // runs at a time, one thread each; 0: one per core
  bool overwrite = false;
};

class Comm;

int run_command(const RunOptions& options, const Comm& comm);
int resume_command(const ResumeOptions& options, const Comm& comm);
// Several runs side by side in one process, each on one thread, each the same bytes as alone.
int batch_command(const BatchOptions& options, const Comm& comm);
// With `behaviour`, prints the behaviour parameters and their plausible ranges instead.
int validate_command(const std::string& config, const std::vector<std::string>& overrides,
                     bool behaviour);
int info_command(const std::string& path);
int bench_command(const BenchOptions& options, const Comm& comm);
int device_command();
// Exit status 0 when the files hold the same datasets with the same bytes, 1 otherwise.
int compare_command(const std::string& first, const std::string& second, const std::string& group);

// Turns --steps/--seed/--out into --set overrides, so they are validated like the file.
std::vector<std::string> all_overrides(const RunOptions& options);

}  // namespace entrepot
