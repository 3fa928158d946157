// Scenario loading: the shipped configs and every class of error with its exact location.
#include "world/load.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/load_fixtures.h"

namespace entrepot::load_testing {
namespace {

// ---- the shipped scenarios ----

TEST(LoadConfigs, BaselineLoads) {
  const Scenario s = load_scenario(kConfigs + "baseline.yaml");
  EXPECT_EQ(s.name, "baseline");
  EXPECT_EQ(s.countries.size(), 12u);
  EXPECT_EQ(s.regions.size(), 15u);
  EXPECT_EQ(s.sectors.size(), 11u);
  EXPECT_EQ(s.steps, 120);
  EXPECT_EQ(s.burn_in, 60);
  EXPECT_EQ(s.consumers, 900000);
  EXPECT_EQ(s.firms, 100000);
  EXPECT_TRUE(s.events.empty());
  EXPECT_EQ(s.output.path, "results/baseline.h5");
  EXPECT_EQ(s.output.snapshots, (std::vector<int>{60, 120}));

  const Region& shanghai = s.regions[0];
  EXPECT_EQ(shanghai.name, "CHN-Shanghai");
  EXPECT_EQ(s.countries[shanghai.country].code, "CHN");
  // Shanghai's bonded zone is opened by configs/scenarios/hub_shanghai.yaml; Singapore's
  // whole economy is one.
  EXPECT_TRUE(shanghai.hub && shanghai.port && !shanghai.bonded_zone);
  EXPECT_EQ(shanghai.zone_share, 0.0);
  const Region& singapore = s.regions[10];
  EXPECT_EQ(singapore.name, "SGP");
  EXPECT_TRUE(singapore.hub && singapore.bonded_zone);
  EXPECT_EQ(singapore.zone_share, 1.0);

  // Regions add up to the world of data/world2020.csv, and productivity is GDP per head
  // relative to the world's (docs/calibration.md).
  double gdp = 0, people = 0, consumer = 0, value_added = 0;
  for (const auto& r : s.regions) gdp += r.gdp_musd, people += r.population_m;
  EXPECT_NEAR(gdp, 84700000, 1);
  EXPECT_NEAR(people, 7753.0, 0.05);
  for (const auto& r : s.regions) {
    EXPECT_NEAR(r.productivity, (r.gdp_musd / r.population_m) / (gdp / people), 0.001) << r.name;
  }
  for (const auto& sector : s.sectors) {
    consumer += sector.consumer_share;
    value_added += sector.value_added_share;
  }
  EXPECT_NEAR(consumer, 1.0, 1e-9);
  EXPECT_NEAR(value_added, 1.0, 1e-9);
}

TEST(LoadConfigs, UsChinaTariffsBuildsOnTheBaseline) {
  const Scenario base = load_scenario(kConfigs + "baseline.yaml");
  const Scenario s = load_scenario(kConfigs + "us_china_tariffs.yaml");
  EXPECT_EQ(s.name, "us_china_tariffs");
  EXPECT_EQ(s.output.path, "results/us_china_tariffs.h5");
  EXPECT_EQ(s.output.flush_every, base.output.flush_every);
  EXPECT_EQ(s.regions.size(), base.regions.size());
  EXPECT_EQ(s.mfn.size(), base.mfn.size());
  ASSERT_EQ(s.events.size(), 20u);
  int usa = -1, chn = -1;
  for (std::size_t c = 0; c < s.countries.size(); ++c) {
    if (s.countries[c].code == "USA") usa = static_cast<int>(c);
    if (s.countries[c].code == "CHN") chn = static_cast<int>(c);
  }
  for (std::size_t k = 0; k < s.events.size(); ++k) {
    const Event& e = s.events[k];
    EXPECT_GE(e.step, s.burn_in);
    EXPECT_LT(e.step, s.steps);
    EXPECT_TRUE(e.add);
    EXPECT_TRUE((e.importer == usa && e.exporter == chn) ||
                (e.importer == chn && e.exporter == usa));
    if (k > 0) {
      EXPECT_LE(s.events[k - 1].step, e.step);
    }
    EXPECT_NE(e.where.file.find("us_china_tariffs.yaml"), std::string::npos);
    EXPECT_GT(e.where.line, 0);
  }
  // Provenance keeps both files.
  EXPECT_NE(s.text.find("base: baseline.yaml"), std::string::npos);
  EXPECT_NE(s.text.find("name: baseline"), std::string::npos);
}

TEST(LoadConfigs, TinyWorldReadsEveryField) {
  const Scenario s = parse_scenario(kTiny, "t.yaml");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.source_path, "t.yaml");
  EXPECT_EQ(s.text, kTiny);
  ASSERT_EQ(s.countries.size(), 2u);
  EXPECT_EQ(s.countries[1].name, "BBB");  // name defaults to the code
  EXPECT_EQ(s.countries[0].blocs, (std::vector<int>{0}));
  EXPECT_DOUBLE_EQ(s.blocs[0].tariff_factor, 0.5);
  EXPECT_DOUBLE_EQ(s.blocs[0].regional_value_content, 0.4);
  EXPECT_TRUE(s.regions[0].hub && s.regions[0].port && !s.regions[0].bonded_zone);
  EXPECT_EQ(s.regions[0].zone_share, 0.0);
  EXPECT_EQ(s.regions[1].country, 1);
  EXPECT_EQ(s.sectors[1].kind, SectorKind::final_good);
  EXPECT_TRUE(s.sectors[2].digital);
  EXPECT_DOUBLE_EQ(s.sectors[1].value_added_share, 0.5);   // weights 1:2:1, normalised
  EXPECT_DOUBLE_EQ(s.sectors[1].markup, Sector{}.markup);  // default
  ASSERT_EQ(s.recipe.size(), 1u);
  EXPECT_EQ(s.recipe[0].input, 0);
  EXPECT_EQ(s.recipe[0].output, 1);
  EXPECT_EQ(s.mfn[0].sectors, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.bilateral[0].sectors, (std::vector<int>{0, 1, 2}));  // omitted = all
  EXPECT_EQ(s.output.snapshots, (std::vector<int>{12, 24}));       // the last step is added
  ASSERT_EQ(s.events.size(), 1u);
  const Event& e = s.events[0];
  EXPECT_EQ(where(kTiny, "{step: 12"),
            "t.yaml:" + std::to_string(e.where.line) + ":" + std::to_string(e.where.column) + ": ");
  EXPECT_EQ(s.events[0].phase_in, 1);
  EXPECT_FALSE(s.events[0].add);
  EXPECT_DOUBLE_EQ(s.behaviour.search_probability, Behaviour{}.search_probability);
}

TEST(LoadConfigs, ABondedZoneHoldsAllTheRegionsFirmsUnlessItsShareIsSet) {
  const Scenario whole =
      parse_scenario(tiny_with("flags: [hub, port]}", "flags: [hub, port, bonded_zone]}"), "t");
  EXPECT_DOUBLE_EQ(whole.regions[0].zone_share, 1.0);
  const Scenario part = parse_scenario(
      tiny_with("flags: [hub, port]}", "flags: [hub, port, bonded_zone], zone_share: 0.4}"), "t");
  EXPECT_DOUBLE_EQ(part.regions[0].zone_share, 0.4);
}

// ---- errors, one test per class ----

TEST(LoadErrors, YamlSyntax) {
  const std::string text = "name: x\nregions: [1, 2\nsteps: 3\n";
  expect_error(error_of(text), "t.yaml:3:6: ", {"invalid YAML"});
}

TEST(LoadErrors, UnreadableFile) {
  const std::string path = kConfigs + "no_such_file.yaml";
  try {
    load_scenario(path);
    FAIL() << "loaded a missing file";
  } catch (const ConfigError& e) {
    expect_error(e.what(), path + ": cannot read file (", {"No such file"});
  }
  try {
    load_scenario(kConfigs);
    FAIL() << "loaded a folder";
  } catch (const ConfigError& e) {
    expect_error(e.what(), kConfigs + ": cannot read file (", {"folder"});
  }
}

TEST(LoadErrors, UnknownKeySuggestsTheClosest) {
  const std::string text = tiny_with("    population: 20", "    popluation: 20");
  expect_error(error_of(text), where(text, "popluation"),
               {"unknown key 'popluation' in region; did you mean 'population'? allowed: name, "
                "country, lat"});
  const std::string top = tiny_with("seed: 7", "sede: 7");
  expect_error(error_of(top), "t.yaml:2:1: ", {"unknown key 'sede'; did you mean 'seed'?"});
}

TEST(LoadErrors, RepeatedKey) {
  const std::string text = tiny_with("seed: 7\n", "seed: 7\nseed: 8\n");
  expect_error(error_of(text), "t.yaml:3:1: ", {"duplicate key 'seed'"});
}

TEST(LoadErrors, WrongTypes) {
  expect_error_in_tiny("population: 5", "population: many", "many", 0,
                       {"population is 'many'", "a finite number > 0"});
  expect_error_in_tiny("population: 5", "population: \"5\"", "\"5\"", 0, {"quoted"});
  expect_error_in_tiny("steps: 24", "steps: 12.5", "12.5", 0, {"steps is 12.5", "whole number"});
  const std::string map_for_list = kTiny + "export_bans: {exporter: AAA}\n";
  expect_error(
      error_of(map_for_list), where(map_for_list, "{exporter: AAA}"),
      {"export_bans is a map; allowed: a list of {exporter, importer, sectors, entities}"});
  expect_error_in_tiny(
      "care, kind: service, consumer_share: 0.4, value_added_share: 1, digital: "
      "true",
      "care, kind: service, consumer_share: 0.4, value_added_share: 1, digital: "
      "maybe",
      "maybe", 0, {"digital is 'maybe'", "true or false"});
  expect_error_in_tiny("agents: {consumers: 100", "agents: {consumers: [100]", "[100]", 0,
                       {"consumers is a list"});
}

TEST(LoadErrors, MissingRequiredPointsAtTheEnclosingMap) {
  const std::string text = tiny_with("    gdp: 800\n", "");
  expect_error(error_of(text), where(text, "name: B1"),
               {"region 'B1' is missing 'gdp'",
                "required: name, country, lat, lon, population, "
                "gdp, productivity"});
  expect_error(error_of("name: x\n"), "t.yaml:1:1: ", {"scenario is missing 'countries'"});
  expect_error_in_tiny("{name: ore, kind: commodity, ", "{name: ore, ", "{name: ore", 0,
                       {"sector 'ore' is missing 'kind'"});
}

TEST(LoadErrors, ValuesOutOfRange) {
  expect_error_in_tiny("population: 5", "population: -5", "-5", 0,
                       {"population is -5, out of range", "> 0"});
  expect_error_in_tiny("gdp: 1000", "gdp: 0", "gdp: 0", 5, {"gdp is 0"});
  expect_error_in_tiny("productivity: 1.5", "productivity: .nan", ".nan", 0, {"finite"});
  expect_error_in_tiny("lat: 10", "lat: 91", "91", 0, {"lat is 91", "[-90, 90]"});
  expect_error_in_tiny("lon: 40", "lon: -181", "-181", 0, {"[-180, 180]"});
  expect_error_in_tiny("transport_cost: 0.05", "transport_cost: -0.1", "-0.1", 0, {">= 0"});
  expect_error_in_tiny("rate: 0.05", "rate: .inf", ".inf", 0, {"rate is .inf"});
  expect_error_in_tiny("tariff_factor: 0.5", "tariff_factor: 1.5", "1.5", 0, {"[0, 1]"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [hub, port], zone_share: 0.5}", "0.5}", 0,
                       {"zone_share is set but the region has no bonded zone", "bonded_zone"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [hub, port, bonded_zone], zone_share: 2}",
                       "2}", 0, {"zone_share is 2", "[0, 1]"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [port], trader_presence: 0.5}", "0.5}", 0,
                       {"trader_presence is set but the region is no hub", "flag hub"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [port], offshore_share: 0.5}", "0.5}", 0,
                       {"offshore_share is set but the region is no hub", "flag hub"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [hub], trader_presence: 0}",
                       "trader_presence: 0}", 17, {"trader_presence is 0", "(0, 100]"});
  expect_error_in_tiny("flags: [hub, port]}", "flags: [port], wholesale_presence: -1}", "-1}", 0,
                       {"wholesale_presence is -1", "[0, 100]"});
  expect_error_in_tiny("regional_value_content: 0.4", "regional_value_content: -0.1", "-0.1", 0,
                       {"regional_value_content", "[0, 1]"});
  expect_error_in_tiny("steps: 24", "steps: 0", "steps: 0", 7, {"steps is 0", ">= 1"});
  expect_error_in_tiny("seed: 7", "seed: -7", "-7", 0, {"seed is '-7'"});
  expect_error_in_tiny("consumers: 100", "consumers: 1", "consumers: 1", 11,
                       {"consumers is 1", ">= 2"});                         // one per region
  expect_error_in_tiny("firms: 100", "firms: 5", "firms: 5", 7, {">= 6"});  // regions x sectors
  const std::string behaviour = kTiny + "behaviour: {search_probability: 1.5}\n";
  expect_error(error_of(behaviour), where(behaviour, "1.5}"), {"search_probability", "[0, 1]"});
  const std::string retail =
      kTiny + "retail: {households_per_market: 50, retailers_per_sector: 9}\n";
  expect_error(error_of(retail), where(retail, "9}"), {"retailers_per_sector is 9", "[1, 8]"});
  const std::string many = tiny_with("consumers: 100", "consumers: 1000000000") +
                           "retail: {households_per_market: 1, retailers_per_sector: 3}\n";
  expect_error(error_of(many), where(many, "1, retailers"),
               {"households_per_market is 1", "32-bit seller ids", "a larger market"});
  const std::string markup = kTiny + "retail: {households_per_market: 50, markup: -0.1}\n";
  expect_error(error_of(markup), where(markup, "-0.1}"), {"markup", "[0, 10]"});
  const std::string local = kTiny + "retail: {households_per_market: 50, local_services: maybe}\n";
  expect_error(error_of(local), where(local, "maybe}"), {"local_services", "true or false"});
}

TEST(LoadErrors, UnknownAndDuplicateNames) {
  expect_error_in_tiny("name: B1\n    country: BBB", "name: B1\n    country: BBX", "BBX", 0,
                       {"unknown country 'BBX'; did you mean 'BBB'? allowed: AAA, BBB"});
  expect_error_in_tiny("{code: BBB, blocs", "{code: AAA, blocs", "AAA, blocs", 0,
                       {"duplicate country 'AAA' (first at t.yaml:9:12)"});
  const std::string dup = tiny_with("  - name: B1\n", "  - name: A1\n");
  expect_error(error_of(dup), where(dup, "A1\n    country"),
               {"duplicate region 'A1' (first at t.yaml:12:12); allowed: each name once"});
  expect_error_in_tiny("blocs: [Pact]}\n  - {code: BBB, blocs: [Pact]",
                       "blocs: [Pact]}\n  - {code: BBB, blocs: [Pakt]", "Pakt", 0,
                       {"unknown bloc 'Pakt'; did you mean 'Pact'?"});
  expect_error_in_tiny("sectors: [ore, goods]", "sectors: [ore, good]", "good]", 0,
                       {"unknown sector 'good'; did you mean 'goods'?"});
  expect_error_in_tiny("{name: ore,", "{name: o.re,", "o.re", 0, {"contains '.'"});
  expect_error_in_tiny("{name: ore,", "{name: all,", "all,", 0, {"'all' is reserved"});
  expect_error_in_tiny("flags: [hub, port]", "flags: [hub, prot]", "prot", 0,
                       {"unknown flag 'prot'; did you mean 'port'?"});
  expect_error_in_tiny("kind: final", "kind: finale", "finale", 0,
                       {"unknown sector kind 'finale'; did you mean 'final'?"});
}

TEST(LoadErrors, CountryWithoutRegion) {
  const std::string text = tiny_with("  - {code: BBB, blocs: [Pact]}\n",
                                     "  - {code: BBB, blocs: [Pact]}\n  - {code: CCC}\n");
  expect_error(error_of(text), where(text, "  - {name: A1", 2), {"country 'CCC' has no region"});
}

TEST(LoadErrors, SectorLists) {
  expect_error_in_tiny("sectors: [ore, goods]", "sectors: []", "[]", 0, {"empty list"});
  expect_error_in_tiny("sectors: [ore, goods]", "sectors: [ore, ore]", "ore]", 0, {"listed twice"});
  expect_error_in_tiny("sectors: [ore, goods]", "sectors: [all, ore]", "all, ore", 0,
                       {"'all' is listed with other sectors"});
  const Scenario s = parse_scenario(tiny_with("sectors: [ore, goods]", "sectors: all"), "t.yaml");
  EXPECT_EQ(s.mfn[0].sectors, (std::vector<int>{0, 1, 2}));
}

TEST(LoadErrors, Recipe) {
  expect_error_in_tiny("ore: {goods: 0.2}", "ore: {gods: 0.2}", "gods", 0,
                       {"unknown sector 'gods'; did you mean 'goods'?"});
  expect_error_in_tiny("ore: {goods: 0.2}", "oer: {goods: 0.2}", "oer", 0,
                       {"unknown sector 'oer'; did you mean 'ore'?"});
  expect_error_in_tiny("ore: {goods: 0.2}", "ore: {goods: -0.2}", "-0.2", 0,
                       {"recipe amount of ore per unit of goods is -0.2"});
  const std::string six = R"(
sectors:
  - {name: a, kind: commodity}
  - {name: b, kind: commodity}
  - {name: c, kind: commodity}
  - {name: d, kind: commodity}
  - {name: e, kind: commodity}
  - {name: f, kind: commodity}
  - {name: out, kind: final, consumer_share: 1}
recipe:
  a: {out: 0.1}
  b: {out: 0.1}
  c: {out: 0.1}
  d: {out: 0.1, a: 0}
  e: {out: 0.1}
  f: {out: 0.1}
countries: [{code: AAA}]
regions: [{name: R, country: AAA, lat: 0, lon: 0, population: 1, gdp: 1, productivity: 1}]
agents: {firms: 7}
)";
  expect_error(error_of(six), where(six, "0.1}\ncountries"),
               {"sector 'out' has 6 inputs (a, b, c, d, e, f)", "at most 5 inputs"});
  // A zero amount switches an input off.
  EXPECT_EQ(error_of(six, {"recipe.f.out=0"}), "");
}

TEST(LoadErrors, Shares) {
  expect_error_in_tiny("consumer_share: 0.4", "consumer_share: 0.3", "  - {name: ore", 2,
                       {"consumer_share sums to 0.9", "sum to 1"});
  std::string text = kTiny;
  for (const char* weight :
       {"value_added_share: 1}", "value_added_share: 2}", "value_added_share: 1, digital"}) {
    text.replace(text.find(weight), 20, "value_added_share: 0");
    if (text.find("value_added_share: 1") != std::string::npos) {
      EXPECT_EQ(error_of(text), "");  // some weight left
    }
  }
  expect_error(error_of(text), where(text, "  - {name: ore", 2),
               {"value_added_share is 0 for every sector"});
}

TEST(LoadErrors, DigitalOnlyForServices) {
  expect_error_in_tiny("value_added_share: 2}", "value_added_share: 2, digital: true}", "true}", 0,
                       {"'goods' is digital but of kind final"});
}

TEST(LoadErrors, TariffRules) {
  expect_error_in_tiny("{importer: BBB, exporter: AAA", "{importer: AAA, exporter: AAA",
                       "AAA, rate: 0.1", 0, {"importer and exporter are both 'AAA'"});
  expect_error_in_tiny("{importer: AAA, sectors: [ore, goods], rate: 0.05}",
                       "{importer: AAA, sectors: [ore, goods]}", "{importer: AAA, sectors", 0,
                       {"mfn tariff is missing 'rate'"});
  expect_error_in_tiny("  mfn:\n", "  mnf:\n", "mnf", 0,
                       {"unknown key 'mnf' in tariffs; did you mean 'mfn'?"});
}

TEST(LoadErrors, ExportBans) {
  const std::string text = kTiny + "export_bans:\n  - {exporter: AAA, importer: BBB}\n";
  expect_error(error_of(text), where(text, "{exporter: AAA"), {"export ban is missing 'sectors'"});
  const Scenario s =
      parse_scenario(kTiny + "export_bans:\n  - {exporter: AAA, sectors: [ore]}\n", "t.yaml");
  ASSERT_EQ(s.export_bans.size(), 1u);
  EXPECT_EQ(s.export_bans[0].importer, -1);
  EXPECT_EQ(s.export_bans[0].sectors, (std::vector<int>{0}));
}

TEST(LoadErrors, Events) {
  const std::string event =
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: "
      "[goods], rate: 0.2}";
  auto with_event = [&](const std::string& replacement) {
    std::string text = kTiny;
    return text.replace(text.find(event), event.size(), replacement);
  };
  auto check = [&](const std::string& replacement, const std::string& needle, std::size_t skip,
                   std::initializer_list<std::string> words) {
    const std::string text = with_event(replacement);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("{step: 11, type: tariff, rate: 0.1}", "step: 11", 6,
        {"event step 11 falls outside the run", "[12, 24)", "burn-in must be free of shocks"});
  check("{step: 24, type: tariff, rate: 0.1}", "24,", 0, {"falls outside the run"});
  check("{step: 12, type: tarif, rate: 0.1}", "type: tarif,", 6,
        {"unknown event type 'tarif'; did you mean 'tariff'? allowed: tariff, export_ban, "
         "capacity"});
  check("{step: 12, type: tariff, importer: CHX, rate: 0.1}", "CHX", 0, {"unknown country 'CHX'"});
  check("{step: 12, type: tariff}", "{step: 12", 0, {"tariff event has no 'rate'"});
  check("{step: 12, type: tariff, rate: 0.1, phase_in: 0}", "phase_in: 0", 10,
        {"phase_in is 0", ">= 1"});
  check("{step: 12, type: tariff, rate: 0.1, mode: replace}", "replace", 0,
        {"unknown event mode 'replace'", "set, add"});
  check("{step: 12, type: export_ban, exporter: AAA, sectors: [ore], rate: 0.1}",
        "[ore], rate: 0.1", 13, {"export_ban event has 'rate'"});
  check("{step: 12, type: export_ban, sectors: [ore]}", "{step: 12", 0,
        {"export_ban event needs 'exporter' and 'sectors'"});
  check("{step: 12, type: tariff, importer: BBB, exporter: BBB, rate: 0.1}", "BBB, rate", 0,
        {"importer and exporter are both 'BBB'"});
  check("{step: 12, type: tariff, rate: 0.1, when: now}", "when", 0,
        {"unknown key 'when' in event"});
  // Transshipment events: an importer (or all), the share enforced, a penalty rate.
  check("{step: 12, type: transshipment, importer: BBB, rate: 0.2}", "{step: 12", 0,
        {"transshipment event has no 'share'"});
  check("{step: 12, type: transshipment, share: 1.5}", "1.5}", 0, {"share is 1.5", "[0, 1]"});
  check("{step: 12, type: transshipment, share: 1, sectors: [ore]}", "[ore]}", 0,
        {"transshipment event has 'sectors'"});
  // Capacity events: a region, a factor above 0, a duration; nothing of a tariff's.
  check("{step: 12, type: capacity, region: A1}", "{step: 12", 0,
        {"capacity event needs 'region' and 'factor'"});
  check("{step: 12, type: capacity, region: A9, factor: 0.5}", "A9", 0, {"unknown region 'A9'"});
  check("{step: 12, type: capacity, region: A1, factor: 0}", "A1, factor: 0}", 12,
        {"factor is 0", "(0, 10]"});
  check("{step: 12, type: capacity, region: A1, factor: 0.5, rate: 0.1}", "0.5, rate: 0.1", 11,
        {"capacity event has 'rate'"});
  check("{step: 12, type: capacity, region: A1, factor: 0.5, duration: 0}", "duration: 0", 10,
        {"duration is 0", ">= 1"});
  check("{step: 12, type: tariff, rate: 0.1, region: A1}", "region: A1", 8,
        {"event has 'region'", "only in a capacity event"});
  // Bonded-zone events: a region and a share; nothing of a capacity event's.
  check("{step: 12, type: bonded_zone, region: A1}", "{step: 12", 0,
        {"bonded_zone event needs 'region' and 'share'"});
  check("{step: 12, type: bonded_zone, region: A1, share: 0.5, factor: 2}", "factor: 2", 8,
        {"bonded_zone event has 'factor'", "step, type, region, share"});
  check("{step: 12, type: bonded_zone, region: A1, share: 1.5}", "1.5}", 0,
        {"share is 1.5", "[0, 1]"});
  check("{step: 12, type: capacity, region: A1, factor: 0.5, share: 0.1}", "share: 0.1", 7,
        {"capacity event has 'share'"});
  // Currency events: a country and a regime; no reserves; the reference currency only floats.
  check("{step: 12, type: currency, country: BBB, regime: peg, reserves: 3}", "reserves: 3", 10,
        {"currency event has 'reserves'", "keeps the reserves it has"});
  check("{step: 12, type: currency, country: BBB, regime: managed, rate: 0.1}",
        "managed, rate: 0.1", 15, {"currency event has 'rate'"});
  check("{step: 12, type: tariff, rate: 0.1, regime: float}", "regime: float", 8,
        {"event has 'regime'", "only in a currency event"});
  check("{step: 12, type: currency, country: BBB, regime: peg, parity: 0}", "parity: 0}", 8,
        {"parity is 0"});
  check("{step: 12, type: currency, country: AAA, regime: peg}", "peg}", 0,
        {"manages the reference currency (AAA)"});
  {
    const Scenario c = parse_scenario(
        with_event("{step: 14, type: currency, country: BBB, regime: peg, parity: 0.9}"), "t.yaml");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].kind, EventKind::currency);
    EXPECT_EQ(c.events[0].country, 1);
    EXPECT_EQ(c.events[0].currency.regime, CurrencyRegime::managed);
    EXPECT_DOUBLE_EQ(c.events[0].currency.parity, 0.9);
    EXPECT_DOUBLE_EQ(c.events[0].currency.band, 0.0);
  }
  {
    const Scenario c = parse_scenario(
        with_event("{step: 14, type: bonded_zone, region: B1, share: 0.3}"), "t.yaml");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].kind, EventKind::bonded_zone);
    EXPECT_EQ(c.events[0].region, 1);
    EXPECT_DOUBLE_EQ(c.events[0].share, 0.3);
  }
  {
    const Scenario c = parse_scenario(
        with_event("{step: 14, type: capacity, region: B1, factor: 0.4, duration: 2}"), "t.yaml");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].kind, EventKind::capacity);
    EXPECT_EQ(c.events[0].region, 1);
    EXPECT_DOUBLE_EQ(c.events[0].factor, 0.4);
    EXPECT_EQ(c.events[0].duration, 2);
  }

  const Scenario s = parse_scenario(
      with_event("{step: 13, type: tariff, exporter: AAA, rate: 0.1, mode: add, phase_in: 3}\n"
                 "  - {step: 12, type: export_ban, exporter: BBB, importer: AAA, sectors: all}"),
      "t.yaml");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].kind, EventKind::export_ban);  // sorted by step
  EXPECT_EQ(s.events[0].sectors.size(), 3u);
  EXPECT_EQ(s.events[1].importer, -1);
  EXPECT_TRUE(s.events[1].add);
  EXPECT_EQ(s.events[1].phase_in, 3);
}

TEST(LoadErrors, SnapshotsOutsideTheRun) {
  expect_error_in_tiny("snapshots: [12]", "snapshots: [12, 25]", "25", 0,
                       {"snapshot step 25 falls outside the run", "[1, 24]"});
  expect_error_in_tiny("snapshots: [12]", "snapshots: [0]", "0]", 0, {"falls outside the run"});
}

// Currencies: a regime from the list; parity, band and reserves only where a central bank
// manages the rate; a managed reference currency is refused.
TEST(LoadErrors, BorderFactor) {
  const std::string country = "{code: AAA, name: Aland, blocs: [Pact]}";
  auto with = [&](const std::string& factor) {
    return tiny_with(country,
                     "{code: AAA, name: Aland, blocs: [Pact], border_factor: " + factor + "}");
  };
  for (const std::string bad : {"-0.5", "1000", "high"}) {
    const std::string text = with(bad);
    expect_error(error_of(text), where(text, bad + "}", 0), {"border_factor"});
  }
  const Scenario s = parse_scenario(with("2.5"), "t.yaml");
  EXPECT_EQ(s.countries[0].border_factor, 2.5);
  EXPECT_EQ(s.countries[1].border_factor, 1.0) << "a country without one keeps 1";
  EXPECT_EQ(
      parse_scenario(kTiny, "t.yaml", {"countries.BBB.border_factor=3"}).countries[1].border_factor,
      3.0);
}

TEST(LoadErrors, Specialisation) {
  const std::string country = "{code: AAA, name: Aland, blocs: [Pact]}";
  auto with = [&](const std::string& factors) {
    return tiny_with(country,
                     "{code: AAA, name: Aland, blocs: [Pact], specialisation: " + factors + "}");
  };
  auto check = [&](const std::string& factors, const std::string& needle, std::size_t skip,
                   std::initializer_list<std::string> words) {
    const std::string text = with(factors);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("{wood: 2}", "wood", 0, {"unknown sector 'wood'", "ore, goods, care"});
  check("{ore: -1}", "-1}", 0, {"specialisation of country 'AAA' in ore", ">= 0"});
  check("{ore: 500}", "500}", 0, {"plausible", "countries"});
  check("{ore: 1, ore: 2}", "ore: 2", 0, {"duplicate key 'ore'"});
  check("[1, 2]", "[1, 2]", 0, {"a map of sector -> factor"});
  {
    // Neither country has ore: no one could sell it.
    const std::string b = "{code: BBB, blocs: [Pact]}";
    std::string none = with("{ore: 0}");
    none.replace(none.find(b), b.size(), "{code: BBB, blocs: [Pact], specialisation: {ore: 0}}");
    expect_error(error_of(none), where(none, "  - {code: AAA", 2),
                 {"sector 'ore' is produced nowhere"});
    EXPECT_EQ(error_of(with("{ore: 0}")), "") << "BBB still has ore";
  }
  {
    const std::string text = with("{ore: 0, goods: 0, care: 0}");
    expect_error(error_of(text), where(text, "  - {code: AAA", 2), {"'AAA' produces nothing"});
  }
  const Scenario s = parse_scenario(with("{ore: 0, goods: 2.5}"), "t.yaml");
  EXPECT_EQ(s.countries[0].specialisation, (std::vector<double>{0.0, 2.5, 1.0}));
  EXPECT_EQ(s.countries[1].specialisation, (std::vector<double>{1.0, 1.0, 1.0}));
  // --set reaches one factor, and no further.
  const Scenario o = parse_scenario(kTiny, "t.yaml", {"countries.BBB.specialisation.goods=3"});
  EXPECT_EQ(o.countries[1].specialisation, (std::vector<double>{1.0, 3.0, 1.0}));
  EXPECT_NE(error_of(kTiny, {"countries.BBB.specialisation.goods.x=3"}).find("too many parts"),
            std::string::npos);
}

TEST(LoadErrors, Currencies) {
  const std::string country = "{code: AAA, name: Aland, blocs: [Pact]}";
  auto check = [&](const std::string& currency, const std::string& needle, std::size_t skip,
                   std::initializer_list<std::string> words) {
    const std::string text =
        tiny_with(country, "{code: AAA, name: Aland, blocs: [Pact], currency: " + currency + "}");
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("{regime: crawling}", "crawling", 0,
        {"unknown currency regime 'crawling'", "float, managed, peg"});
  check("{band: 0.1}", "band: 0.1}", 6, {"floating currency has 'band'", "managed or peg"});
  check("{regime: peg, band: 0.1}", "band: 0.1}", 6, {"a peg has 'band'"});
  check("{regime: managed, parity: 0}", "parity: 0}", 8, {"parity is 0"});
  check("{regime: managed, band: 0.5}", "band: 0.5}", 6, {"band", "plausible"});
  check("{regime: managed, speed: 2}", "speed", 0, {"unknown key 'speed' in currency"});
  {
    const std::string text = tiny_with(country,
                                       "{code: AAA, name: Aland, blocs: [Pact], currency: "
                                       "{regime: managed}}") +
                             "reference_currency: AAA\n";
    expect_error(error_of(text), where(text, "AAA\n", 0), {"reference currency (AAA)"});
  }
  const Scenario s = parse_scenario(
      tiny_with(country,
                "{code: AAA, name: Aland, blocs: [Pact], currency: {regime: managed, "
                "band: 0.01, reserves: 6}}"),
      "t.yaml");
  EXPECT_EQ(s.countries[0].currency.regime, CurrencyRegime::managed);
  EXPECT_DOUBLE_EQ(s.countries[0].currency.band, 0.01);
  EXPECT_DOUBLE_EQ(s.countries[0].currency.parity, 1.0);
  EXPECT_DOUBLE_EQ(s.countries[0].currency.reserve_months, 6.0);
  EXPECT_EQ(s.countries[1].currency.regime, CurrencyRegime::floating);
  EXPECT_EQ(s.reference_currency, 1) << "no USA: the first floating currency, BBB's";
}

}  // namespace
}  // namespace entrepot::load_testing
