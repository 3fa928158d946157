#include "app/summary.h"

#include <cstdio>
#include <string>
#include <vector>

namespace entrepot {

void print_summary(std::ostream& out, const Scenario& sc, const World& world, const Model& model,
                   double setup_seconds, double run_seconds, int steps_run) {
  const StepStatistics& st = model.stats;
  const int nc = world.countries(), ns = world.sectors();
  std::vector<double> value_added(nc, 0), exports(nc, 0), imports(nc, 0), duty(nc, 0);
  std::vector<double> employed(nc, 0), unemployed(nc, 0);
  double world_value_added = 0;
  for (int r = 0; r < world.regions(); ++r) {
    const int c = world.region_country[r];
    value_added[c] += static_cast<double>(st.value_added[r]);
    world_value_added += static_cast<double>(st.value_added[r]);
    employed[c] += static_cast<double>(st.employment[r]);
    unemployed[c] += static_cast<double>(st.unemployment[r]);
  }
  for (int e = 0; e < nc; ++e) {
    for (int i = 0; i < nc; ++i) {
      if (e == i) continue;
      for (int s = 0; s < ns; ++s) {
        const std::size_t cell = (static_cast<std::size_t>(e) * nc + i) * ns + s;
        exports[e] += static_cast<double>(st.trade_value[cell]);
        imports[i] += static_cast<double>(st.trade_value[cell]);
        duty[i] += static_cast<double>(st.trade_duty[cell]);
      }
    }
  }
  const double scale = static_cast<double>(kMoneyScale);
  char line[160];
  out << "\n"
      << sc.name << ": step " << st.step << " of " << sc.steps
      << " (values in model US$ per step; rate: US$ per unit of the currency)\n";
  std::snprintf(line, sizeof line, "%-8s %9s %8s %10s %10s %9s %7s\n", "country", "VA share",
                "unempl", "exports", "imports", "duty", "rate");
  out << line;
  for (int c = 0; c < nc; ++c) {
    const double labour = employed[c] + unemployed[c];
    const double rate = c < static_cast<int>(st.exchange_rate.size()) ? st.exchange_rate[c] : 1.0;
    std::snprintf(line, sizeof line, "%-8s %8.1f%% %7.1f%% %10.1f %10.1f %9.2f %7.3f\n",
                  world.country_code[c].c_str(),
                  world_value_added != 0 ? 100.0 * value_added[c] / world_value_added : 0.0,
                  labour > 0 ? 100.0 * unemployed[c] / labour : 0.0, exports[c] / scale,
                  imports[c] / scale, duty[c] / scale, rate);
    out << line;
  }
  std::int64_t money = 0;
  for (std::int64_t held : st.money) money += held;
  std::snprintf(
      line, sizeof line,
      "agents %lld | set-up %.1f s | %d steps in %.1f s (%.2f steps/s) | money %s\n",
      static_cast<long long>(model.ranks.domain.firm_total + model.ranks.domain.household_total),
      setup_seconds, steps_run, run_seconds, run_seconds > 0 ? steps_run / run_seconds : 0.0,
      money == model.initial_money &&
              (st.country_money.empty() || st.country_money == model.initial_country_money)
          ? "conserved exactly"
          : "NOT CONSERVED");
  out << line;
}

}  // namespace entrepot
