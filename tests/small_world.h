// A small world built in code, for rule, property and determinism tests that should not
// depend on the scenario parser.
#pragma once

#include "world/scenario.h"

namespace entrepot::testing {

inline Scenario small_world(std::int64_t consumers = 20000, std::int64_t firms = 2000) {
  Scenario sc;
  sc.name = "small";
  sc.source_path = "small_world";
  sc.seed = 7;
  sc.steps = 40;
  sc.burn_in = 10;
  sc.consumers = consumers;
  sc.firms = firms;
  sc.countries = {
      {"AAA", "Alpha", {0}, {}, {}}, {"BBB", "Beta", {0}, {}, {}}, {"CCC", "Gamma", {}, {}, {}}};
  sc.blocs = {{"PACT", 0.0}};
  auto region = [](const char* name, int country, double lat, double lon, double pop, double gdp,
                   double tfp) {
    Region r;
    r.name = name;
    r.country = country;
    r.lat = lat;
    r.lon = lon;
    r.population_m = pop;
    r.gdp_musd = gdp;
    r.productivity = tfp;
    return r;
  };
  sc.regions = {region("AAA-Port", 0, 31.0, 121.0, 30, 600, 1.5),
                region("AAA-Inland", 0, 30.0, 104.0, 100, 900, 0.8),
                region("BBB", 1, 35.0, 139.0, 50, 1500, 2.0),
                region("CCC", 2, 40.0, -74.0, 60, 1800, 2.2)};
  auto sector = [](const char* name, SectorKind kind, double transport, double va, double share) {
    Sector s;
    s.name = name;
    s.kind = kind;
    s.transport_cost = transport;
    s.value_added_share = va;
    s.consumer_share = share;
    return s;
  };
  sc.sectors = {sector("ore", SectorKind::commodity, 0.05, 0.1, 0.0),
                sector("chips", SectorKind::intermediate, 0.02, 0.15, 0.0),
                sector("phones", SectorKind::final_good, 0.02, 0.25, 0.3),
                sector("food", SectorKind::commodity, 0.04, 0.1, 0.2),
                sector("services", SectorKind::service, 0.0, 0.4, 0.5)};
  sc.sectors[4].digital = true;
  sc.recipe = {{0, 1, 0.2}, {1, 2, 0.3}, {0, 2, 0.05}, {4, 2, 0.05}, {4, 1, 0.1}, {4, 3, 0.05}};
  TariffRule mfn;
  mfn.rate = 0.05;
  sc.mfn = {mfn};
  sc.output.path = "small.h5";
  return sc;
}

// The small world with its one tariff, the MFN rate, at `rate`: 0 levies no duty anywhere.
inline Scenario small_world_at_tariff(double rate) {
  Scenario sc = small_world();
  sc.mfn.front().rate = rate;
  return sc;
}

}  // namespace entrepot::testing
