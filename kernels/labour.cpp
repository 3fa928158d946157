// Phase 4: the labour market of each region. Firms above their labour demand shed
// workers (plus a few quits); unemployed households apply to a firm of their region drawn
// with probability ∝ vacancies; each firm takes applicants in Philox priority order up to
// its vacancies. Ranking, not thread timing, decides who gets the job (DESIGN §3.5).
#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/scan.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include "agents/rules.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

constexpr std::uint64_t kNoFirm = ~std::uint64_t{0};

struct Separate {
  FirmStore::View f;
  ConsumerStore::View h;
  Philox rng;
  int step;
  double quit_rate;
  ENTREPOT_HD void operator()(std::size_t n) const {
    const std::int32_t firm = h.employer[n];
    if (firm < 0) return;
    const double staff = static_cast<double>(f.employees[firm]);
    const double wanted = static_cast<double>(f.labour_demand[firm]);
    const double excess = staff > wanted && staff > 0.0 ? (staff - wanted) / staff : 0.0;
    if (rng.uniform(f.size + n, step, Draw::separation, 0) < quit_rate + excess) h.employer[n] = -1;
  }
};

struct CountStaff {
  FirmStore::View f;
  ConsumerStore::View h;
  ENTREPOT_HD void operator()(std::size_t n) const {
    if (h.employer[n] >= 0) atomic_add(&f.employees[h.employer[n]], 1);
  }
};

struct Vacancies {
  ENTREPOT_HD std::int64_t operator()(std::int32_t wanted, std::int32_t staff) const {
    return wanted > staff ? wanted - staff : 0;
  }
};

struct Searching {
  ConsumerStore::View h;
  Philox rng;
  std::size_t firms;
  int step;
  double probability;
  ENTREPOT_HD bool operator()(std::int32_t n) const {
    return h.employer[n] < 0 && rng.uniform(firms + n, step, Draw::job_search, 0) < probability;
  }
};

// Picks the firm an applicant asks (∝ vacancies in its region) and its priority there.
struct Apply {
  TablesView t;
  ConsumerStore::View h;
  const std::int64_t* cumulative;  // inclusive scan of vacancies over all firms
  Philox rng;
  std::size_t firms;
  int step;
  ENTREPOT_HD std::uint64_t operator()(std::int32_t n) const {
    const int region = h.region[n];
    const std::int64_t first = t.block_start[region * t.sectors];
    const std::int64_t last = t.block_start[(region + 1) * t.sectors];
    if (last <= first) return kNoFirm;
    const std::int64_t before = first > 0 ? cumulative[first - 1] : 0;
    const std::int64_t open = cumulative[last - 1] - before;
    if (open <= 0) return kNoFirm;
    const auto w = rng.words(firms + n, step, Draw::job_search, 1);
    const std::uint64_t draw = (static_cast<std::uint64_t>(w[1]) << 32) | w[2];
    const std::int64_t target =
        before + static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(open));
    const std::int64_t lo = first_above(cumulative, first, last, target);
    return (static_cast<std::uint64_t>(lo) << 32) | w[3];
  }
};

struct FirmOfKey {
  ENTREPOT_HD std::uint64_t operator()(std::uint64_t key) const { return key >> 32; }
};

struct Hire {
  FirmStore::View f;
  ConsumerStore::View h;
  const std::int32_t* applicant;
  const std::uint64_t* key;
  const std::int32_t* rank;
  const std::int64_t* cumulative;
  ENTREPOT_HD void operator()(std::size_t i) const {
    if (key[i] == kNoFirm) return;
    const auto firm = static_cast<std::int64_t>(key[i] >> 32);
    const std::int64_t open = cumulative[firm] - (firm > 0 ? cumulative[firm - 1] : 0);
    if (rank[i] >= open) return;
    h.employer[applicant[i]] = static_cast<std::int32_t>(firm);
    atomic_add(&f.employees[firm], 1);
  }
};

}  // namespace

void recount_staff(Model& m) {
  thrust::fill(m.firms.employees.begin(), m.firms.employees.end(), 0);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + m.consumers.size, CountStaff{m.firms.view(), m.consumers.view()});
}

void labour_market(Model& m, int step) {
  const Behaviour& b = m.scenario.behaviour;
  FirmStore::View f = m.firms.view();
  ConsumerStore::View h = m.consumers.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + h.size, Separate{f, h, m.rng, step, b.separation_rate});
  recount_staff(m);

  m.vacancies_cumulative.resize(f.size);
  thrust::transform(m.firms.labour_demand.begin(), m.firms.labour_demand.end(),
                    m.firms.employees.begin(), m.vacancies_cumulative.begin(), Vacancies{});
  thrust::inclusive_scan(m.vacancies_cumulative.begin(), m.vacancies_cumulative.end(),
                         m.vacancies_cumulative.begin());

  m.applicants.resize(h.size);
  auto index = thrust::counting_iterator<std::int32_t>(0);
  auto end = thrust::copy_if(index, index + static_cast<std::int32_t>(h.size), m.applicants.begin(),
                             Searching{h, m.rng, f.size, step, b.job_search_probability});
  const std::size_t count = static_cast<std::size_t>(end - m.applicants.begin());
  if (count == 0) return;
  m.applicant_key.resize(count);
  m.applicant_rank.resize(count);
  const std::int64_t* cumulative = thrust::raw_pointer_cast(m.vacancies_cumulative.data());
  thrust::transform(m.applicants.begin(), m.applicants.begin() + count, m.applicant_key.begin(),
                    Apply{m.tables.view(), h, cumulative, m.rng, f.size, step});
  // Stable: equal (firm, priority) keys keep household order, so ties break by id.
  thrust::stable_sort_by_key(m.applicant_key.begin(), m.applicant_key.end(), m.applicants.begin());
  auto firm_of = thrust::make_transform_iterator(m.applicant_key.begin(), FirmOfKey{});
  thrust::exclusive_scan_by_key(firm_of, firm_of + count, thrust::make_constant_iterator(1),
                                m.applicant_rank.begin());
  thrust::for_each(first, first + count,
                   Hire{f, h, thrust::raw_pointer_cast(m.applicants.data()),
                        thrust::raw_pointer_cast(m.applicant_key.data()),
                        thrust::raw_pointer_cast(m.applicant_rank.data()), cumulative});
}

}  // namespace entrepot
