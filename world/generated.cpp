#include "world/generated.h"

namespace entrepot {
namespace {

Region make_region(const char* name, int country, double lat, double lon, double people,
                   double gdp) {
  Region r;
  r.name = name;
  r.country = country;
  r.lat = lat;
  r.lon = lon;
  r.population_m = people;
  r.gdp_musd = gdp;
  r.productivity = (gdp / people) / 11000.0;  // GDP per head relative to the world's
  return r;
}

Sector make_sector(const char* name, SectorKind kind, double transport, double markup,
                   double switching, double value_added, double household) {
  Sector s;
  s.name = name;
  s.kind = kind;
  s.transport_cost = transport;
  s.markup = markup;
  s.switching_cost = switching;
  s.value_added_share = value_added;
  s.consumer_share = household;
  return s;
}

}  // namespace

Scenario generated_world(std::int64_t agents, std::uint64_t seed) {
  Scenario sc;
  sc.name = "generated";
  sc.source_path = "generated world";
  sc.seed = seed;
  sc.steps = 24;
  sc.burn_in = 12;
  sc.firms = agents / 10 > 1 ? agents / 10 : 1;
  sc.consumers = agents - sc.firms > 1 ? agents - sc.firms : 1;
  sc.blocs = {{"EAST", 0.5}, {"WEST", 0.0}};
  // China's currency managed in a band, as in the baseline; the others float.
  const Currency floating{};
  sc.countries = {{"CHN", "China", {0}, Currency{CurrencyRegime::managed, 1.0, 0.02, 19.0}, {}},
                  {"USA", "United States", {1}, floating, {}},
                  {"EU27", "European Union", {1}, floating, {}},
                  {"JPN", "Japan", {0}, floating, {}},
                  {"VNM", "Viet Nam", {0}, floating, {}},
                  {"MEX", "Mexico", {1}, floating, {}},
                  {"IND", "India", {}, floating, {}},
                  {"ROW", "Rest of the world", {}, floating, {}}};
  sc.reference_currency = 1;  // rates in US$
  sc.regions = {make_region("CHN-Shanghai", 0, 31.2, 121.5, 25, 561000),
                make_region("CHN-Coast", 0, 23.1, 113.3, 538, 7060000),
                make_region("CHN-Inland", 0, 30.6, 114.3, 848, 7100000),
                make_region("USA-Coast", 1, 37.0, -100.0 + 20.0, 132, 11500000),
                make_region("USA-Inland", 1, 39.0, -95.0, 198, 9430000),
                make_region("EU27", 2, 50.1, 8.7, 447, 15300000),
                make_region("JPN", 3, 35.7, 139.7, 126, 5060000),
                make_region("VNM", 4, 10.8, 106.7, 97, 271000),
                make_region("MEX", 5, 19.4, -99.1, 129, 1080000),
                make_region("IND", 6, 19.1, 72.9, 1380, 2620000),
                make_region("ROW-South", 7, -15.0, -50.0, 2000, 7000000),
                make_region("ROW-North", 7, 45.0, 40.0, 1830, 10600000)};
  sc.sectors = {
      make_sector("lithium", SectorKind::commodity, 0.05, 0.10, 0.02, 0.01, 0.0),
      make_sector("crude_oil", SectorKind::commodity, 0.05, 0.10, 0.02, 0.03, 0.0),
      make_sector("agriculture", SectorKind::commodity, 0.04, 0.10, 0.02, 0.04, 0.15),
      make_sector("components", SectorKind::intermediate, 0.02, 0.15, 0.10, 0.06, 0.0),
      make_sector("semiconductors", SectorKind::intermediate, 0.01, 0.25, 0.12, 0.03, 0.0),
      make_sector("electronics", SectorKind::final_good, 0.02, 0.20, 0.05, 0.06, 0.10),
      make_sector("vehicles", SectorKind::final_good, 0.03, 0.15, 0.05, 0.05, 0.10),
      make_sector("consumer_goods", SectorKind::final_good, 0.03, 0.15, 0.03, 0.12, 0.20),
      make_sector("business_services", SectorKind::service, 0.005, 0.20, 0.05, 0.40, 0.25),
      make_sector("digital_services", SectorKind::service, 0.0, 0.25, 0.05, 0.20, 0.20)};
  sc.sectors[9].digital = true;
  // input, output, units per unit of output
  sc.recipe = {{3, 5, 0.20}, {4, 5, 0.15}, {8, 5, 0.05}, {1, 5, 0.02}, {3, 6, 0.25}, {4, 6, 0.05},
               {1, 6, 0.05}, {8, 6, 0.05}, {0, 3, 0.05}, {1, 3, 0.10}, {4, 3, 0.05}, {8, 3, 0.05},
               {8, 4, 0.10}, {1, 4, 0.03}, {1, 7, 0.10}, {2, 7, 0.15}, {8, 7, 0.05}, {8, 8, 0.10},
               {9, 8, 0.05}, {8, 9, 0.10}, {8, 2, 0.05}, {1, 2, 0.05}, {8, 0, 0.05}, {8, 1, 0.05}};
  TariffRule mfn;
  mfn.rate = 0.04;
  TariffRule services;
  services.rate = 0.0;
  services.sectors = {8, 9};
  sc.mfn = {mfn, services};
  sc.output.path = "generated.h5";
  sc.output.snapshots = {sc.steps};
  return sc;
}

}  // namespace entrepot
