#include "app/health.h"

#include <cmath>
#include <cstdio>

#include "world/layout.h"

namespace entrepot {
namespace {

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * share);
  return text;
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

}  // namespace

HealthCheck::HealthCheck(const Scenario& scenario, const World& world, std::int64_t output_at_start)
    : scenario_(scenario), world_(world), output_at_start_(output_at_start) {
  const AgentLayout layout = agent_layout(scenario);
  households_.assign(static_cast<std::size_t>(world.countries()), 0);
  for (int r = 0; r < world.regions(); ++r) {
    households_[static_cast<std::size_t>(world.region_country[r])] +=
        layout.households[static_cast<std::size_t>(r)];
  }
}

HealthVerdict HealthCheck::check(const StepStatistics& st) {
  const HealthSettings& h = scenario_.health;
  HealthVerdict verdict;
  auto raise = [&](std::int64_t flag, const std::string& what, bool fatal) {
    if ((verdict.flags & flag) == 0) verdict.warnings.push_back({flag, what});
    verdict.flags |= flag;
    if (fatal && verdict.failure.empty()) verdict.failure = what;
  };

  // Prices that broke: any price not finite, or a consumer price level at zero (the far end
  // of the price limit, off with it).
  for (int r = 0; r < world_.regions(); ++r) {
    const double cpi = st.cpi[static_cast<std::size_t>(r)];
    const std::string where = "region " + world_.region_name[static_cast<std::size_t>(r)];
    if (!std::isfinite(cpi) || (cpi <= 0.0 && h.price_limit >= 1.0)) {
      raise(kHealthBrokenPrice, where + ": the consumer price level is " + number(cpi), true);
    } else if (h.price_limit >= 1.0 && (cpi > h.price_limit || cpi * h.price_limit < 1.0)) {
      raise(kHealthPriceLevel,
            where + ": the consumer price level is " + number(cpi) +
                " times its start, beyond the limit of " + number(h.price_limit) + " times or 1/" +
                number(h.price_limit) + " (health.price_limit)",
            true);
    } else if (h.price_warning >= 1.0 && (cpi > h.price_warning || cpi * h.price_warning < 1.0)) {
      raise(kHealthPriceLevel,
            where + ": the consumer price level is " + number(cpi) +
                " times its start (beyond health.price_warning, " + number(h.price_warning) +
                " times or 1/" + number(h.price_warning) + ")",
            false);
    }
    for (int s = 0; s < world_.sectors(); ++s) {
      const double price = st.price[static_cast<std::size_t>(r) * world_.sectors() + s];
      if (!std::isfinite(price)) {
        raise(kHealthBrokenPrice,
              where + ", sector " + world_.sector_name[static_cast<std::size_t>(s)] +
                  ": the producer price is not finite",
              true);
      }
    }
  }

  // A country's unemployment, over the households of its regions.
  std::vector<std::int64_t> unemployed(households_.size(), 0);
  for (int r = 0; r < world_.regions(); ++r) {
    unemployed[static_cast<std::size_t>(world_.region_country[r])] +=
        st.unemployment[static_cast<std::size_t>(r)];
  }
  for (std::size_t c = 0; c < households_.size(); ++c) {
    if (households_[c] <= 0 || households_[c] < h.unemployment_min_households) continue;
    const double rate = static_cast<double>(unemployed[c]) / static_cast<double>(households_[c]);
    const std::string where = "country " + world_.country_code[c];
    if (h.unemployment_limit < 1.0 && rate > h.unemployment_limit) {
      raise(kHealthUnemployment,
            where + ": unemployment is " + percent(rate) + ", above the limit of " +
                percent(h.unemployment_limit) + " (health.unemployment_limit)",
            true);
    } else if (h.unemployment_warning < 1.0 && rate > h.unemployment_warning) {
      raise(kHealthUnemployment,
            where + ": unemployment is " + percent(rate) + " (above health.unemployment_warning " +
                percent(h.unemployment_warning) + ")",
            false);
    }
  }

  // World output against step 1's.
  if (output_at_start_ <= 0) output_at_start_ = st.produced;
  if (output_at_start_ > 0) {
    const double share = static_cast<double>(st.produced) / static_cast<double>(output_at_start_);
    if (h.output_limit > 0.0 && share < h.output_limit) {
      raise(kHealthOutput,
            "world output is " + percent(share) + " of step 1's, below the limit of " +
                percent(h.output_limit) + " (health.output_limit)",
            true);
    } else if (h.output_warning > 0.0 && share < h.output_warning) {
      raise(kHealthOutput,
            "world output is " + percent(share) + " of step 1's (below health.output_warning " +
                percent(h.output_warning) + ")",
            false);
    }
  }
  return verdict;
}

}  // namespace entrepot
