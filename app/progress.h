// Progress of a run on stderr (DESIGN §7): a live line on a terminal, one plain line per
// `every` steps in a batch log, nothing when quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace entrepot {

class Progress {
 public:
  // Writes to stderr; the live format is used when stderr is a terminal.
  Progress(int total_steps, int every, bool quiet);
  // Writes to `out`, live format if `terminal`. `out` must outlive this object.
  Progress(int total_steps, int every, bool quiet, std::ostream& out, bool terminal);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `step` steps of `total_steps` are done (1-based count, non-decreasing).
  // Terminal: redraws `step k/N  x.x steps/s  ETA mm:ss` in place with '\r', at most about
  // five times a second, and always at the last step.
  // Batch: `step k/N  x.x steps/s  elapsed s  ETA s` on its own line when k is a multiple
  // of `every` and at the last step; every < 1 prints the last step only.
  void update(int step);

  // The run goes on from `done` steps (a resumed run): rates count the steps from here.
  void start_at(int done);

  // Ends the output: on a terminal, draws the latest step and ends the line; in batch,
  // prints the latest step if its line was not printed yet (an interrupted run).
  // Idempotent; the destructor calls it.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;

  std::string line(int step, bool live) const;
  void draw_live(int step);
  void print_batch(int step);

  int total_;
  int every_;
  bool quiet_;
  bool terminal_;
  std::ostream& out_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  int first_ = 0;          // steps done before this process started
  int latest_ = 0;         // last step passed to update()
  int shown_ = 0;          // last step written out
  std::size_t width_ = 0;  // length of the live line on screen, to blank a shorter one
  bool finished_ = false;
};

// "mm:ss", or "h:mm:ss" from one hour up; "--:--" when unknown (negative or not finite).
std::string format_eta(double seconds);

}  // namespace entrepot
