#include "app/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace entrepot {

namespace {

// The live line is redrawn at most this often (about five times a second).
constexpr std::chrono::milliseconds kRedrawInterval{200};

int decimal_digits(int n) {
  int digits = 1;
  for (; n >= 10; n /= 10) ++digits;
  return digits;
}

}  // namespace

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "--:--";
  const long total = std::lround(seconds);
  const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buf[32];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", m, s);
  }
  return buf;
}

Progress::Progress(int total_steps, int every, bool quiet)
    : Progress(total_steps, every, quiet, std::cerr, isatty(STDERR_FILENO) == 1) {}

Progress::Progress(int total_steps, int every, bool quiet, std::ostream& out, bool terminal)
    : total_(total_steps < 0 ? 0 : total_steps),
      every_(every),
      quiet_(quiet),
      terminal_(terminal),
      out_(out),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

std::string Progress::line(int step, bool live) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0.0 ? (step - first_) / elapsed : 0.0;
  const double eta = rate > 0.0 ? (total_ - step) / rate : -1.0;
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << "step ";
  s.width(decimal_digits(total_));
  s << step << '/' << total_ << "  " << rate << " steps/s  ";
  if (live) {
    s << "ETA " << format_eta(eta);
  } else {
    s << "elapsed " << elapsed << " s  ETA ";
    if (eta >= 0.0) {
      s << eta << " s";
    } else {
      s << "-";
    }
  }
  return s.str();
}

void Progress::start_at(int done) {
  first_ = done;
  start_ = last_draw_ = Clock::now();
}

void Progress::update(int step) {
  if (quiet_ || finished_) return;
  latest_ = step;
  if (terminal_) {
    const Clock::time_point now = Clock::now();
    if (shown_ == 0 || step >= total_ || now - last_draw_ >= kRedrawInterval) draw_live(step);
  } else if (step >= total_ || (every_ > 0 && step % every_ == 0)) {
    print_batch(step);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (quiet_) return;
  if (terminal_) {
    if (latest_ > 0 && latest_ != shown_) draw_live(latest_);
    if (shown_ > 0) out_ << '\n' << std::flush;
  } else if (latest_ > 0 && latest_ != shown_) {
    print_batch(latest_);
  }
}

void Progress::draw_live(int step) {
  const std::string text = line(step, true);
  out_ << '\r' << text;
  // Blank what is left of a longer previous line.
  if (text.size() < width_) out_ << std::string(width_ - text.size(), ' ');
  out_ << std::flush;
  width_ = text.size();
  shown_ = step;
  last_draw_ = Clock::now();
}

void Progress::print_batch(int step) {
  out_ << line(step, false) << '\n' << std::flush;
  shown_ = step;
}

}  // namespace entrepot
