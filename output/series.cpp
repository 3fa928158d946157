#include "output/series.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace entrepot::h5 {
namespace {

// One step of one variable, as it sits in StepStatistics.
struct View {
  const void* data;
  std::size_t count;
};
using Source = View (*)(const StepStatistics&);

enum class Type { int32, int64, float64 };

struct Spec {
  const char* name;
  std::vector<std::string> dims;  // the axes after `step`
  Type type;
  const char* units;
  const char* long_name;
  std::int64_t scale;  // raw values per unit; 0 when the values are plain numbers
  Source source;
};

View step_of(const StepStatistics& s) {
  return {&s.step, 1};
}

// One value a step.
View one(const std::int64_t& value) {
  return {&value, 1};
}

template <class T>
View view(const std::vector<T>& values) {
  return {values.data(), values.size()};
}

// Accounts are in each country's currency; national accounts and trade in US$ at the
// step's exchange rate (/series/exchange_rate).
const char* const kMoney = "1e-6 national currency";
const char* const kDollars = "1e-6 US$";
const char* const kGoods = "1e-6 goods";
const char* const kCarbon = "1e-6 kg CO2";
const std::vector<std::string> kTrade{"exporter", "importer", "sector"};
const std::vector<std::string> kRegionTrade{"origin", "destination", "sector"};
const std::vector<std::string> kRegion{"region"};
const std::vector<std::string> kCountry{"country"};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> table{
      {"money",
       {"holder"},
       Type::int64,
       kMoney,
       "money held at the end of the step: deposits, banks' equity, loans "
       "(negative) and foreigners' holdings, each currency in its own units; each currency's "
       "sum is constant",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.money); }},
      {"exchange_rate", kCountry, Type::float64, "US$ per unit of the country's currency",
       "exchange rate the step traded at (1 at the start)", 0,
       [](const StepStatistics& s) { return view(s.exchange_rate); }},
      {"reserves", kCountry, Type::float64, "1e-6 US$",
       "central bank's foreign reserves at the end of the step (managed currencies)", 0,
       [](const StepStatistics& s) { return view(s.reserves); }},
      {"foreign_held", kCountry, Type::int64, kMoney,
       "the country's currency held abroad: its cumulated payments abroad less its receipts "
       "from abroad",
       kMoneyScale, [](const StepStatistics& s) { return view(s.foreign_held); }},
      {"loans", kCountry, Type::int64, kMoney,
       "firms', retailers' and traders' loans from the country's bank at the end of the step",
       kMoneyScale, [](const StepStatistics& s) { return view(s.loans); }},
      {"lending", kCountry, Type::int64, kMoney,
       "new credit drawn by the country's firms, retailers and traders", kMoneyScale,
       [](const StepStatistics& s) { return view(s.lending); }},
      {"interest", kCountry, Type::int64, kMoney, "interest charged on those loans", kMoneyScale,
       [](const StepStatistics& s) { return view(s.interest); }},
      {"write_offs", kCountry, Type::int64, kMoney,
       "loans of exiting firms, retailers and traders written off by the country's bank",
       kMoneyScale, [](const StepStatistics& s) { return view(s.write_offs); }},
      {"bank_equity", kCountry, Type::int64, kMoney,
       "equity of the country's bank at the end of the step", kMoneyScale,
       [](const StepStatistics& s) { return view(s.bank_equity); }},
      {"trade_value", kTrade, Type::int64, kDollars,
       "value of shipments from exporter to importer (domestic where exporter = importer)",
       kMoneyScale, [](const StepStatistics& s) { return view(s.trade_value); }},
      {"trade_duty", kTrade, Type::int64, kDollars,
       "import duty on shipments from exporter to importer", kMoneyScale,
       [](const StepStatistics& s) { return view(s.trade_duty); }},
      {"trade_quantity", kTrade, Type::int64, kGoods,
       "quantity shipped from exporter to importer, before transport loss", kGoodsScale,
       [](const StepStatistics& s) { return view(s.trade_quantity); }},
      {"trade_value_final", kTrade, Type::int64, kDollars,
       "value of shipments from exporter to importer bought by households (final use)", kMoneyScale,
       [](const StepStatistics& s) { return view(s.trade_value_final); }},
      {"region_trade_value", kRegionTrade, Type::int64, kDollars,
       "value of shipments from firms of the origin region to buyers in the destination region "
       "(domestic where both are in one country)",
       kMoneyScale, [](const StepStatistics& s) { return view(s.region_trade_value); }},
      {"input_use",
       {"origin", "sector", "destination", "buyer_sector"},
       Type::int64,
       kDollars,
       "firms' purchases of inputs: goods of the sector made in the origin region, bought by "
       "firms of the buyer sector in the destination region (the intermediate block of an "
       "inter-regional input-output table)",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.input_use); }},
      {"region_trade_duty", kRegionTrade, Type::int64, kDollars,
       "import duty on shipments from the origin region to the destination region", kMoneyScale,
       [](const StepStatistics& s) { return view(s.region_trade_duty); }},
      {"handled_trade_value",
       {"hub", "origin", "destination", "sector"},
       Type::int64,
       kDollars,
       "value of the goods made in `origin` that buyers in `destination` bought from the "
       "traders of `hub`, at the buyers' rate",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.handled_trade_value); }},
      {"offshore_trade_value",
       {"hub", "origin", "destination", "sector"},
       Type::int64,
       kDollars,
       "value of the goods that buyers in `destination` bought from the merchants of `hub`, "
       "shipped straight from `origin` (offshore trade), at the buyers' rate",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.offshore_trade_value); }},
      {"region_trade_value_final", kRegionTrade, Type::int64, kDollars,
       "value of shipments from the origin region to the destination region bought by "
       "households (final use)",
       kMoneyScale, [](const StepStatistics& s) { return view(s.region_trade_value_final); }},
      {"tariff", kTrade, Type::float64, "1",
       "tariff in force on the exporter's goods in the importer, with the bloc preference", 0,
       [](const StepStatistics& s) { return view(s.tariff); }},
      {"tariff_outside", kTrade, Type::float64, "1",
       "tariff in force on the exporter's goods that fail the rule of origin of the pair's bloc", 0,
       [](const StepStatistics& s) { return view(s.tariff_outside); }},
      {"region_exports",
       {"region", "sector"},
       Type::int64,
       kDollars,
       "value the region's firms sold to buyers in other countries",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.region_exports); }},
      {"output",
       {"region", "sector"},
       Type::int64,
       kGoods,
       "goods the region's firms made in the sector",
       kGoodsScale,
       [](const StepStatistics& s) { return view(s.region_output); }},
      {"sector_value_added",
       {"region", "sector"},
       Type::int64,
       kDollars,
       "value the region's firms added in the sector (sales less the inputs they bought); the "
       "first service sector's includes retailers' and traders' margins",
       kMoneyScale,
       [](const StepStatistics& s) { return view(s.sector_value_added); }},
      {"emissions",
       {"region", "sector"},
       Type::int64,
       kCarbon,
       "CO2 the region's firms emitted making the step's output in the sector, at the "
       "scenario's intensities (0 without `emissions`)",
       kCarbonScale,
       [](const StepStatistics& s) { return view(s.emissions); }},
      {"exporters",
       {"region", "sector"},
       Type::int64,
       "firms",
       "firms that buyers in other countries can find (those that bear the export cost)",
       0,
       [](const StepStatistics& s) { return view(s.exporters); }},
      {"value_added", kRegion, Type::int64, kDollars, "value added (regional GDP) in the step",
       kMoneyScale, [](const StepStatistics& s) { return view(s.value_added); }},
      {"consumption", kRegion, Type::int64, kDollars, "household spending, duty included",
       kMoneyScale, [](const StepStatistics& s) { return view(s.consumption); }},
      {"retail_sales", kRegion, Type::int64, kDollars,
       "what the region's retailers sold to its households (0 without retail markets)", kMoneyScale,
       [](const StepStatistics& s) { return view(s.retail_sales); }},
      {"retail_margin", kRegion, Type::int64, kDollars,
       "retailers' sales less the landed cost of the goods they sold", kMoneyScale,
       [](const StepStatistics& s) { return view(s.retail_margin); }},
      {"trader_sales", kRegion, Type::int64, kDollars,
       "what the region's wholesale and entrepôt traders sold (0 without traders)", kMoneyScale,
       [](const StepStatistics& s) { return view(s.trader_sales); }},
      {"trader_margin", kRegion, Type::int64, kDollars,
       "traders' sales less the landed cost of the goods they sold", kMoneyScale,
       [](const StepStatistics& s) { return view(s.trader_margin); }},
      {"trader_exports", kRegion, Type::int64, kDollars,
       "what the region's traders sold to buyers in other countries", kMoneyScale,
       [](const StepStatistics& s) { return view(s.trader_exports); }},
      {"reexports", kRegion, Type::int64, kDollars,
       "of traders' sales abroad, the part their stock had bought abroad", kMoneyScale,
       [](const StepStatistics& s) { return view(s.reexports); }},
      {"employment", kRegion, Type::int64, "workers", "employed workers", 0,
       [](const StepStatistics& s) { return view(s.employment); }},
      {"unemployment", kRegion, Type::int64, "workers", "unemployed workers", 0,
       [](const StepStatistics& s) { return view(s.unemployment); }},
      {"wage", kRegion, Type::float64, "US$ per worker per step", "mean wage per worker", 0,
       [](const StepStatistics& s) { return view(s.wage); }},
      {"cpi", kRegion, Type::float64, "1",
       "consumer price index in the region's currency (1 at step-0 prices)", 0,
       [](const StepStatistics& s) { return view(s.cpi); }},
      {"price",
       {"region", "sector"},
       Type::float64,
       "US$ per goods unit",
       "output-weighted mean producer price",
       0,
       [](const StepStatistics& s) { return view(s.price); }},
      {"produced",
       {},
       Type::int64,
       kGoods,
       "goods produced, all sectors",
       kGoodsScale,
       [](const StepStatistics& s) { return one(s.produced); }},
      {"used",
       {},
       Type::int64,
       kGoods,
       "goods used up as production inputs",
       kGoodsScale,
       [](const StepStatistics& s) { return one(s.used); }},
      {"consumed",
       {},
       Type::int64,
       kGoods,
       "goods consumed by households",
       kGoodsScale,
       [](const StepStatistics& s) { return one(s.consumed); }},
      {"melted",
       {},
       Type::int64,
       kGoods,
       "goods lost in transport (iceberg cost)",
       kGoodsScale,
       [](const StepStatistics& s) { return one(s.melted); }},
      {"inventory",
       {},
       Type::int64,
       kGoods,
       "goods held in stock at the end of the step",
       kGoodsScale,
       [](const StepStatistics& s) { return one(s.inventory); }},
      {"supplier_switches",
       {},
       Type::int64,
       "1",
       "buyer slots that changed supplier",
       0,
       [](const StepStatistics& s) { return one(s.supplier_switches); }},
      {"firm_exits",
       {},
       Type::int64,
       "firms",
       "firms that exited",
       0,
       [](const StepStatistics& s) { return one(s.firm_exits); }},
      {"relocations",
       {"origin", "destination"},
       Type::int64,
       "firms",
       "firms that moved from the origin region to the destination region (docs/model.md "
       "§4.14)",
       0,
       [](const StepStatistics& s) { return view(s.relocations); }},
      {"stockist_exits",
       {},
       Type::int64,
       "retailers and traders",
       "retailers and traders that exited (a new owner took over)",
       0,
       [](const StepStatistics& s) { return one(s.stockist_exits); }},
      {"health",
       {},
       Type::int64,
       "1",
       "health warnings, a bit mask: 1 a country's unemployment, 2 a region's price level, "
       "4 world output, 8 a price at zero or not finite (docs/output.md)",
       0,
       [](const StepStatistics& s) { return one(s.health); }},
  };
  return table;
}

hid_t mem_type(Type type) {
  switch (type) {
    case Type::int32:
      return H5T_NATIVE_INT;
    case Type::int64:
      return H5T_NATIVE_INT64;
    case Type::float64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_INT64;
}

hid_t file_type(Type type) {
  switch (type) {
    case Type::int32:
      return H5T_STD_I32LE;
    case Type::int64:
      return H5T_STD_I64LE;
    case Type::float64:
      return H5T_IEEE_F64LE;
  }
  return H5T_STD_I64LE;
}

// Large per-step slabs (trade matrices) get one compressed chunk per step: a flush then
// only ever adds new chunks and never rewrites compressed data already on disk, which
// could move it. Small per-step rows share uncompressed chunks of many steps, which
// HDF5 rewrites in place.
constexpr std::size_t kChunkBytes = 16 * 1024;
constexpr std::size_t kMaxChunkBytes = 1024 * 1024;

Handle create_extendable(hid_t group, const std::string& name, Type type,
                         const std::vector<hsize_t>& shape, const std::string& file) {
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{1};
  std::size_t bytes_per_step = H5Tget_size(file_type(type));
  for (hsize_t d : shape) {
    dims.push_back(d);
    // An empty axis cannot be chunked at its fixed size; let it grow instead.
    max_dims.push_back(d == 0 ? H5S_UNLIMITED : d);
    chunk.push_back(std::max<hsize_t>(d, 1));
    bytes_per_step *= std::max<hsize_t>(d, 1);
  }
  Handle dcpl =
      plist_handle(H5Pcreate(H5P_DATASET_CREATE), file, "cannot create dataset properties");
  if (bytes_per_step >= kChunkBytes) {
    // Split very large slabs across the first axes too, so that reading one series of a
    // big world does not decompress whole steps.
    std::size_t chunk_bytes = bytes_per_step;
    for (std::size_t axis = 1; axis < chunk.size(); ++axis) {
      while (chunk_bytes > kMaxChunkBytes && chunk[axis] > 1) {
        const hsize_t half = (chunk[axis] + 1) / 2;
        chunk_bytes = chunk_bytes / chunk[axis] * half;
        chunk[axis] = half;
      }
    }
    check(H5Pset_shuffle(dcpl.get()), file, "cannot set the shuffle filter on '" + name + "'");
    check(H5Pset_deflate(dcpl.get(), 1), file, "cannot set compression on '" + name + "'");
  } else {
    chunk[0] = std::min<hsize_t>(1024, kChunkBytes / bytes_per_step);
  }
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file,
        "cannot set chunking of '" + name + "'");
  Handle space = simple_space(dims, max_dims, file);
  return dataset_handle(H5Dcreate2(group, name.c_str(), file_type(type), space.get(), H5P_DEFAULT,
                                   dcpl.get(), H5P_DEFAULT),
                        file, "cannot create dataset '/series/" + name + "'");
}

}  // namespace

struct Series::Variable {
  std::string name;
  Handle dataset;
  Type type;
  std::vector<hsize_t> shape;  // of one step
  std::size_t values_per_step;
  std::string dims_text;  // for messages, e.g. "exporter × importer × sector"
  Source source;
  std::vector<unsigned char> pending;
};

const std::vector<std::string>& series_variable_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Spec& spec : specs()) out.push_back(spec.name);
    return out;
  }();
  return names;
}

Series::Series(hid_t file_id, const World& world, const Scenario& scenario, DimensionScales& scales,
               const std::string& file)
    : file_(file) {
  Handle group = create_group(file_id, "series", file);
  const hid_t g = group.get();

  // Coordinates. `step` grows with the run; the others are labels.
  Handle step = create_extendable(g, "step", Type::int32, {}, file);
  write_attr(step.get(), "units", std::string("step"), file);
  write_attr(step.get(), "long_name", std::string("simulation step"), file);
  write_attr(step.get(), "steps_per_year", std::int32_t{scenario.steps_per_year}, file);
  variables_.push_back({"step", std::move(step), Type::int32, {}, 1, "one value", step_of, {}});

  const std::vector<Labels> labels{{"holder", &money_holders(), "holder of money"},
                                   {"country", &world.country_code, "country"},
                                   {"exporter", &world.country_code, "exporting country"},
                                   {"importer", &world.country_code, "importing country"},
                                   {"region", &world.region_name, "region"},
                                   {"origin", &world.region_name, "region of origin"},
                                   {"destination", &world.region_name, "region of destination"},
                                   {"hub", &world.hub_name, "hub whose traders handled the goods"},
                                   {"sector", &world.sector_name, "sector"},
                                   {"buyer_sector", &world.sector_name, "sector of the buyers"}};
  scales.define(file_id, "/series/step");
  write_label_coordinates(file_id, "/series", labels, scales, file);

  // The country of each region, so that readers can group regions by country.
  std::vector<std::string> region_country;
  for (int country : world.region_country) {
    if (country < 0 || country >= world.countries()) {
      throw OutputError(file + ": a region refers to country " + std::to_string(country) +
                        ", outside 0.." + std::to_string(world.countries() - 1));
    }
    region_country.push_back(world.country_code[static_cast<std::size_t>(country)]);
  }
  // The same for each side of a region pair.
  const std::vector<std::pair<std::string, std::string>> country_codes{
      {"region", "country of the region"},
      {"origin", "country of the region of origin"},
      {"destination", "country of the region of destination"}};
  for (const auto& [dim, long_name] : country_codes) {
    const std::string name = dim + "_country_code";
    {
      Handle codes = write_strings(g, name, region_country, file);
      write_attr(codes.get(), "long_name", long_name, file);
    }
    scales.attach(file_id, "/series/" + name, {"/series/" + dim});
  }

  for (const Spec& spec : specs()) {
    std::vector<hsize_t> shape;
    std::size_t count = 1;
    std::string dims_text;
    std::vector<std::string> dim_paths{"/series/step"};
    for (const std::string& dim : spec.dims) {
      const auto label = std::find_if(labels.begin(), labels.end(),
                                      [&](const Labels& l) { return l.name == dim; });
      shape.push_back(label->values->size());
      count *= label->values->size();
      dims_text += (dims_text.empty() ? "" : " × ") + dim;
      dim_paths.push_back("/series/" + dim);
    }
    Handle dataset = create_extendable(g, spec.name, spec.type, shape, file);
    write_attr(dataset.get(), "units", std::string(spec.units), file);
    write_attr(dataset.get(), "long_name", std::string(spec.long_name), file);
    if (spec.scale != 0) write_attr(dataset.get(), "scale", spec.scale, file);
    std::string coordinates;
    for (const std::string& dim : spec.dims) {
      if (dim == "region" || dim == "origin" || dim == "destination") {
        coordinates += (coordinates.empty() ? "" : " ") + dim + "_country_code";
      }
    }
    if (!coordinates.empty()) write_attr(dataset.get(), "coordinates", coordinates, file);
    scales.attach(file_id, std::string("/series/") + spec.name, dim_paths);
    variables_.push_back({spec.name,
                          std::move(dataset),
                          spec.type,
                          shape,
                          count,
                          dims_text.empty() ? "one value" : dims_text,
                          spec.source,
                          {}});
  }
}

Series::Series(hid_t file_id, const World& world, const std::string& file, hsize_t keep,
               bool truncate)
    : file_(file), written_(keep), any_step_(keep > 0), last_step_(static_cast<int>(keep)) {
  auto refuse = [&](const std::string& why) {
    throw OutputError(file + ": cannot continue this result file: " + why);
  };
  const std::vector<std::pair<std::string, std::size_t>> sizes{
      {"holder", money_holders().size()},        {"country", world.country_code.size()},
      {"exporter", world.country_code.size()},   {"importer", world.country_code.size()},
      {"region", world.region_name.size()},      {"origin", world.region_name.size()},
      {"destination", world.region_name.size()}, {"hub", world.hub_name.size()},
      {"sector", world.sector_name.size()},      {"buyer_sector", world.sector_name.size()}};
  if (!link_exists(file_id, "series", file)) refuse("it has no /series");
  variables_.push_back({"step", {}, Type::int32, {}, 1, "one value", step_of, {}});
  for (const Spec& spec : specs()) {
    Variable var{spec.name, {}, spec.type, {}, 1, "", spec.source, {}};
    for (const std::string& dim : spec.dims) {
      const auto size = std::find_if(sizes.begin(), sizes.end(),
                                     [&](const auto& entry) { return entry.first == dim; });
      if (size == sizes.end()) refuse("the program knows no size for dimension '" + dim + "'");
      var.shape.push_back(size->second);
      var.values_per_step *= size->second;
      var.dims_text += (var.dims_text.empty() ? "" : " × ") + dim;
    }
    if (var.dims_text.empty()) var.dims_text = "one value";
    variables_.push_back(std::move(var));
  }
  for (Variable& var : variables_) {
    const std::string what = "/series/" + var.name;
    if (!link_exists(file_id, what, file)) refuse(what + " is missing");
    var.dataset = open_dataset(file_id, what, file);
    std::vector<hsize_t> shape = dataset_shape(var.dataset.get(), file);
    if (shape.empty() || std::vector<hsize_t>(shape.begin() + 1, shape.end()) != var.shape) {
      refuse(what + " is not " + var.dims_text + " per step (another world?)");
    }
    if (shape[0] < keep) {
      refuse(what + " holds " + std::to_string(shape[0]) + " steps; the checkpoint is at step " +
             std::to_string(keep));
    }
    if (!truncate) continue;
    shape[0] = keep;
    check(H5Dset_extent(var.dataset.get(), shape.data()), file, "cannot cut back '" + what + "'");
  }
  // The kept rows must be steps 1..keep of a run, in order.
  std::vector<std::int32_t> steps(keep, 0);
  if (keep > 0) {
    Handle file_space = space_handle(H5Dget_space(variables_[0].dataset.get()), file,
                                     "cannot read the shape of /series/step");
    const hsize_t start = 0, count = keep;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
          file, "cannot select /series/step");
    Handle mem_space = simple_space({keep}, {}, file);
    check(H5Dread(variables_[0].dataset.get(), H5T_NATIVE_INT32, mem_space.get(), file_space.get(),
                  H5P_DEFAULT, steps.data()),
          file, "cannot read /series/step");
  }
  for (hsize_t i = 0; i < keep; ++i) {
    if (steps[i] != static_cast<std::int32_t>(i + 1)) {
      refuse("/series/step holds " + std::to_string(steps[i]) + " in row " + std::to_string(i) +
             ", not step " + std::to_string(i + 1));
    }
  }
}

Series::~Series() = default;

void Series::append(const StepStatistics& stats) {
  if (any_step_ && stats.step <= last_step_) {
    throw OutputError(file_ + ": step " + std::to_string(stats.step) + " appended after step " +
                      std::to_string(last_step_) + "; steps must increase");
  }
  for (const Variable& var : variables_) {
    const View v = var.source(stats);
    if (v.count != var.values_per_step) {
      throw OutputError(file_ + ": step " + std::to_string(stats.step) + ": " + var.name + " has " +
                        std::to_string(v.count) + " values, expected " +
                        std::to_string(var.values_per_step) + " (" + var.dims_text + ")");
    }
  }
  for (Variable& var : variables_) {
    const View v = var.source(stats);
    const auto* bytes = static_cast<const unsigned char*>(v.data);
    var.pending.insert(var.pending.end(), bytes, bytes + v.count * H5Tget_size(mem_type(var.type)));
  }
  any_step_ = true;
  last_step_ = stats.step;
  ++pending_steps_;
}

void Series::write_pending() {
  if (pending_steps_ == 0) return;
  for (Variable& var : variables_) {
    const std::string what = "/series/" + var.name;
    std::vector<hsize_t> extent{written_ + pending_steps_}, start{written_}, count{pending_steps_};
    for (hsize_t d : var.shape) {
      extent.push_back(d);
      start.push_back(0);
      count.push_back(d);
    }
    check(H5Dset_extent(var.dataset.get(), extent.data()), file_, "cannot extend '" + what + "'");
    if (var.values_per_step > 0) {
      Handle file_space =
          space_handle(H5Dget_space(var.dataset.get()), file_, "cannot read the shape of " + what);
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                count.data(), nullptr),
            file_, "cannot select the new steps of '" + what + "'");
      Handle mem_space = simple_space(count, {}, file_);
      check(H5Dwrite(var.dataset.get(), mem_type(var.type), mem_space.get(), file_space.get(),
                     H5P_DEFAULT, var.pending.data()),
            file_, "cannot write steps to '" + what + "'");
    }
    var.pending.clear();
  }
  written_ += pending_steps_;
  pending_steps_ = 0;
}

std::size_t Series::pending_bytes() const {
  std::size_t bytes = 0;
  for (const Variable& var : variables_) bytes += var.pending.size();
  return bytes;
}

void Series::close_datasets() {
  for (Variable& var : variables_) {
    check(var.dataset.close(), file_, "cannot close '/series/" + var.name + "'");
  }
}

void Series::reopen_datasets(hid_t file_id) {
  for (Variable& var : variables_)
    var.dataset = open_dataset(file_id, "/series/" + var.name, file_);
}

}  // namespace entrepot::h5
