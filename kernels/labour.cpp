// Phase 4: the labour market of each region. Firms above their labour demand shed
// workers (plus a few quits); unemployed households apply to a firm of their region drawn
// with probability ∝ vacancies; each firm takes applicants in Philox priority order up to
// its vacancies. Ranking, not thread timing, decides who gets the job (DESIGN §3.5).
//
// Over several ranks, a region split between ranks has one labour market: each rank keeps
// the staff and labour demand of all the region's firms (the labour mirror), and the ranks
// that share the region swap their applicants, so each ranks them all alike.
#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/replace.h>
#include <thrust/scan.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include <algorithm>

#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

constexpr std::uint64_t kNoFirm = ~std::uint64_t{0};
// A household that left its job in this step's separations: unemployed, and searching only
// from the next step (a spell of unemployment lasts at least the rest of the step).
constexpr std::int32_t kJustLeft = -2;

struct Separate {
  ConsumerStore::View h;
  Mirror staff_of, wanted_by;
  Domain domain;
  Philox rng;
  int step;
  double quit_rate;
  ENTREPOT_HD void operator()(std::size_t n) const {
    const std::int32_t firm = h.employer[n];
    if (firm < 0) return;
    const double staff = static_cast<double>(staff_of[firm]);
    const double wanted = static_cast<double>(wanted_by[firm]);
    const double excess = excess_staff(staff, wanted);
    if (rng.uniform(domain.household_id(n), step, Draw::separation, 0) < quit_rate + excess) {
      h.employer[n] = kJustLeft;
    }
  }
};

struct CountStaff {
  ConsumerStore::View h;
  std::int64_t* staff;  // over the labour mirror's firms
  std::int64_t first;
  ENTREPOT_HD void operator()(std::size_t n) const {
    if (h.employer[n] >= 0) atomic_add(&staff[h.employer[n] - first], std::int64_t{1});
  }
};

struct OwnStaff {
  FirmStore::View f;
  const std::int64_t* staff;
  ENTREPOT_HD void operator()(std::size_t j) const {
    f.employees[j] = static_cast<std::int32_t>(staff[j]);
  }
};

// A firm's staff among this rank's households, as its owner receives it.
struct ReportStaff {
  ENTREPOT_HD StaffReport operator()(std::int64_t workers) const { return StaffReport{workers}; }
};

struct AddStaff {
  FirmStore::View f;
  const std::int64_t* ids;
  const StaffReport* reports;
  std::int64_t first;
  ENTREPOT_HD void operator()(std::size_t i) const {
    atomic_add(&f.employees[ids[i] - first], static_cast<std::int32_t>(reports[i].workers));
  }
};

struct Searching {
  ConsumerStore::View h;
  Philox rng;
  Domain domain;
  int step;
  double probability;
  ENTREPOT_HD bool operator()(std::int64_t n) const {
    return h.employer[n] == -1 && rng.uniform(domain.household_id(static_cast<std::size_t>(n)),
                                              step, Draw::job_search, 0) < probability;
  }
};

// Picks the firm an applicant asks (∝ vacancies in its region) and its priority there.
struct Apply {
  TablesView t;
  ConsumerStore::View h;
  const std::int64_t* cumulative;  // inclusive scan of vacancies over the mirror's firms
  std::int64_t base;               // global id of the mirror's first firm
  Philox rng;
  Domain domain;
  int step;
  ENTREPOT_HD std::uint64_t operator()(std::int64_t n) const {
    const int region = h.region[n];
    const auto w =
        rng.words(domain.household_id(static_cast<std::size_t>(n)), step, Draw::job_search, 1);
    const std::int64_t firm = draw_weighted(cumulative, base, t.block_start[region * t.sectors],
                                            t.block_start[(region + 1) * t.sectors],
                                            (static_cast<std::uint64_t>(w[1]) << 32) | w[2]);
    if (firm < 0) return kNoFirm;
    return (static_cast<std::uint64_t>(firm) << 32) | w[3];
  }
};

// Local household index → global household id, for the applicants' list.
struct HouseholdId {
  std::int64_t first;
  ENTREPOT_HD std::int64_t operator()(std::int64_t n) const { return first + n; }
};

struct FirmOfKey {
  ENTREPOT_HD std::uint64_t operator()(std::uint64_t key) const { return key >> 32; }
};

// Applicants are global household ids; this rank hires for its own households and firms.
struct Hire {
  FirmStore::View f;
  ConsumerStore::View h;
  Domain domain;
  const std::int64_t* applicant;
  const std::uint64_t* key;
  const std::int32_t* rank;
  const std::int64_t* cumulative;
  std::int64_t base;  // global id of the mirror's first firm
  ENTREPOT_HD void operator()(std::size_t i) const {
    if (key[i] == kNoFirm) return;
    const auto firm = static_cast<std::int64_t>(key[i] >> 32);
    const std::int64_t at = firm - base;
    const std::int64_t open = cumulative[at] - (at > 0 ? cumulative[at - 1] : 0);
    if (rank[i] >= open) return;
    const std::int64_t n = applicant[i] - domain.household_first;
    if (n >= 0 && n < static_cast<std::int64_t>(h.size)) {
      h.employer[n] = static_cast<std::int32_t>(firm);
    }
    const std::int64_t j = firm - domain.firm_first;
    if (j >= 0 && j < static_cast<std::int64_t>(f.size)) atomic_add(&f.employees[j], 1);
  }
};

// Vacancies of the mirror's firms: labour demand above staff.
struct MirrorVacancies {
  const std::int64_t* wanted;
  const std::int64_t* staff;
  ENTREPOT_HD std::int64_t operator()(std::size_t i) const {
    return vacancies(wanted[i], staff[i]);
  }
};

// The applicants of regions split between ranks go to every other rank of the region; the
// lists come back in rank order, which is household id order, so a stable sort by key ranks
// them as one rank would.
void share_applicants(const Ranks& ranks, const std::vector<std::int64_t>& consumer_start,
                      LabourScratch& labour, std::size_t count) {
  const Comm& comm = *ranks.comm;
  const Partition& p = ranks.partition;
  const std::vector<std::int64_t> ids = to_host(labour.applicants);
  const std::vector<std::uint64_t> keys = to_host(labour.applicant_key);
  std::vector<std::vector<JobApplication>> send(comm.size());
  const std::vector<std::int64_t>& start = consumer_start;
  int region = 0;
  for (std::size_t i = 0; i < count; ++i) {
    while (start[region + 1] <= ids[i]) ++region;
    if (keys[i] == kNoFirm || p.first_rank[region] == p.last_rank[region]) continue;
    for (int q = p.first_rank[region]; q <= p.last_rank[region]; ++q) {
      if (q == comm.rank()) continue;
      send[q].push_back(JobApplication{ids[i], keys[i]});
    }
  }
  const std::vector<std::vector<JobApplication>> received = exchange_records(comm, send);
  std::vector<std::int64_t> all_ids;
  std::vector<std::uint64_t> all_keys;
  for (int q = 0; q < comm.size(); ++q) {
    if (q == comm.rank()) {
      all_ids.insert(all_ids.end(), ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count));
      all_keys.insert(all_keys.end(), keys.begin(),
                      keys.begin() + static_cast<std::ptrdiff_t>(count));
      continue;
    }
    for (const JobApplication& a : received[q]) {
      all_ids.push_back(a.household);
      all_keys.push_back(a.choice);
    }
  }
  labour.applicants.assign(all_ids.begin(), all_ids.end());
  labour.applicant_key.assign(all_keys.begin(), all_keys.end());
}

}  // namespace

void recount_staff(Economy& economy, const Ranks& ranks) {
  const Domain& d = ranks.domain;
  FirmStore::View f = economy.firms.view();
  const auto span = static_cast<std::size_t>(d.labour_end - d.labour_first);
  const auto before = static_cast<std::size_t>(d.firm_first - d.labour_first);
  thrust::device_vector<std::int64_t> staff(span, 0);
  std::int64_t* counts = thrust::raw_pointer_cast(staff.data());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + economy.consumers.size,
                   CountStaff{economy.consumers.view(), counts, d.labour_first});
  thrust::for_each(first, first + f.size, OwnStaff{f, counts + before});
  if (!ranks.distributed()) return;
  // Staff this rank's households give the other parts of split regions go to their owners.
  thrust::device_vector<StaffReport> theirs(span - f.size);
  thrust::transform(staff.begin(), staff.begin() + static_cast<std::ptrdiff_t>(before),
                    theirs.begin(), ReportStaff{});
  thrust::transform(staff.begin() + static_cast<std::ptrdiff_t>(before + f.size), staff.end(),
                    theirs.begin() + static_cast<std::ptrdiff_t>(before), ReportStaff{});
  const thrust::device_vector<StaffReport> mine = to_owners(ranks, *ranks.labour_exchange, theirs);
  if (mine.empty()) return;
  const thrust::device_vector<std::int64_t> ids = on_device(ranks.labour_exchange->asked());
  thrust::for_each(first, first + ids.size(),
                   AddStaff{f, thrust::raw_pointer_cast(ids.data()),
                            thrust::raw_pointer_cast(mine.data()), d.firm_first});
}

void labour_market(const Setting& setting, Economy& economy, Ranks& ranks, LabourScratch& labour,
                   int step) {
  const Behaviour& b = setting.behaviour;
  const Domain& d = ranks.domain;
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  mirror_firms(ranks, Widen<std::int32_t>{f.employees}, labour.employees);
  mirror_firms(ranks, Widen<std::int32_t>{f.labour_demand}, labour.demand);
  thrust::for_each(first, first + h.size,
                   Separate{h, mirror_of(ranks, labour.employees), mirror_of(ranks, labour.demand),
                            d, setting.rng, step, b.separation_rate});
  recount_staff(economy, ranks);
  mirror_firms(ranks, Widen<std::int32_t>{f.employees}, labour.employees);

  const std::size_t span = labour.employees.size();
  labour.vacancies.resize(span);
  thrust::transform(first, first + span, labour.vacancies.begin(),
                    MirrorVacancies{thrust::raw_pointer_cast(labour.demand.data()),
                                    thrust::raw_pointer_cast(labour.employees.data())});
  thrust::inclusive_scan(labour.vacancies.begin(), labour.vacancies.end(),
                         labour.vacancies.begin());
  const std::int64_t* cumulative = thrust::raw_pointer_cast(labour.vacancies.data());

  labour.applicants.resize(h.size);
  auto index = thrust::counting_iterator<std::int64_t>(0);
  auto end =
      thrust::copy_if(index, index + static_cast<std::int64_t>(h.size), labour.applicants.begin(),
                      Searching{h, setting.rng, d, step, b.job_search_probability});
  std::size_t count = static_cast<std::size_t>(end - labour.applicants.begin());
  // Those who just left are unemployed like the others once the applicants are chosen.
  thrust::replace(thrust::device_pointer_cast(h.employer),
                  thrust::device_pointer_cast(h.employer) + h.size, kJustLeft, -1);
  labour.applicant_key.resize(count);
  thrust::transform(
      labour.applicants.begin(), labour.applicants.begin() + count, labour.applicant_key.begin(),
      Apply{setting.tables.view(), h, cumulative, d.labour_first, setting.rng, d, step});
  thrust::transform(labour.applicants.begin(), labour.applicants.begin() + count,
                    labour.applicants.begin(), HouseholdId{d.household_first});
  if (ranks.distributed()) {
    share_applicants(ranks, setting.tables.host.consumer_start, labour, count);
    count = labour.applicants.size();
  }
  if (count == 0) return;
  labour.applicant_rank.resize(count);
  // Stable: equal (firm, priority) keys keep household order, so ties break by id.
  thrust::stable_sort_by_key(labour.applicant_key.begin(), labour.applicant_key.begin() + count,
                             labour.applicants.begin());
  auto firm_of = thrust::make_transform_iterator(labour.applicant_key.begin(), FirmOfKey{});
  thrust::exclusive_scan_by_key(firm_of, firm_of + count, thrust::make_constant_iterator(1),
                                labour.applicant_rank.begin());
  thrust::for_each(
      first, first + count,
      Hire{f, h, d, thrust::raw_pointer_cast(labour.applicants.data()),
           thrust::raw_pointer_cast(labour.applicant_key.data()),
           thrust::raw_pointer_cast(labour.applicant_rank.data()), cumulative, d.labour_first});
}

}  // namespace entrepot
