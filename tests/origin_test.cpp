// Rules of origin: a bloc's preference goes only to goods whose materials from outside the
// bloc stay within its rule (regional value content); other goods pay the rate without the
// preference. The world's two rate tables, the rule, and the duty levied in a run.
#include <gtest/gtest.h>

#include <vector>

#include "agents/trade.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

// The small world's countries, its bloc PACT (Alpha and Beta), and its phone makers, who
// buy chips, ore and services from anywhere.
constexpr int kAlpha = 0, kBeta = 1, kGamma = 2, kPact = 0, kPhones = 2;

TEST(RulesOfOrigin, TheRuleWeighsMaterialsFromOutsideTheBlocAgainstThePrice) {
  EXPECT_TRUE(meets_origin_rule(0.0, 10.0, 0.9));  // wholly originating
  EXPECT_TRUE(meets_origin_rule(4.0, 10.0, 0.6));  // 60% originating: at the threshold
  EXPECT_FALSE(meets_origin_rule(4.1, 10.0, 0.6));
  EXPECT_TRUE(meets_origin_rule(9.0, 10.0, 0.0));  // no rule: every good
  EXPECT_FALSE(meets_origin_rule(1.0, 0.0, 0.4));  // no price: nothing originates
}

TEST(RulesOfOrigin, GoodsOutsideTheRulePayTheRateWithoutThePreference) {
  Scenario sc = testing::small_world();
  sc.blocs[kPact].tariff_factor = 0.2;
  TariffRule bilateral;
  bilateral.importer = kBeta;
  bilateral.exporter = kAlpha;
  bilateral.sectors = {kPhones};
  bilateral.rate = 0.3;
  sc.bilateral = {bilateral};
  World w(sc);
  const int nc = w.countries();
  EXPECT_EQ(w.preference[kAlpha * nc + kBeta], kPact);
  EXPECT_EQ(w.preference[kBeta * nc + kAlpha], kPact);
  EXPECT_EQ(w.preference[kAlpha * nc + kGamma], -1);
  EXPECT_EQ(w.preference[kAlpha * nc + kAlpha], -1);
  // Inside the bloc: the MFN rate times the factor with the preference, the MFN rate without.
  EXPECT_DOUBLE_EQ(w.tariff[w.flow_cell(kAlpha, kBeta, 0)], 0.05 * 0.2);
  EXPECT_DOUBLE_EQ(w.tariff_outside[w.flow_cell(kAlpha, kBeta, 0)], 0.05);
  // Outside it, one rate; a bilateral rule sets both.
  EXPECT_DOUBLE_EQ(w.tariff[w.flow_cell(kGamma, kBeta, 0)], 0.05);
  EXPECT_DOUBLE_EQ(w.tariff_outside[w.flow_cell(kGamma, kBeta, 0)], 0.05);
  EXPECT_DOUBLE_EQ(w.tariff[w.flow_cell(kAlpha, kBeta, kPhones)], 0.3);
  EXPECT_DOUBLE_EQ(w.tariff_outside[w.flow_cell(kAlpha, kBeta, kPhones)], 0.3);
  // A tariff event moves both, each from where it stood.
  Event rise;
  rise.step = 2;
  rise.importer = kBeta;
  rise.exporter = kAlpha;
  rise.sectors = {0};
  rise.rate = 0.1;
  rise.add = true;
  sc.events = {rise};
  World later(sc);
  for (int step = 1; step <= 2; ++step) later.apply_policy(step);
  EXPECT_DOUBLE_EQ(later.tariff[later.flow_cell(kAlpha, kBeta, 0)], 0.05 * 0.2 + 0.1);
  EXPECT_DOUBLE_EQ(later.tariff_outside[later.flow_cell(kAlpha, kBeta, 0)], 0.05 + 0.1);
}

// Alpha's phone exports to Beta over steps 6–15: value and duty.
struct PhoneTrade {
  double value = 0, duty = 0;
};

PhoneTrade phones_to_beta(const Scenario& sc) {
  World world(sc);
  Model model(sc, world);
  PhoneTrade out;
  const std::size_t cell = world.flow_cell(kAlpha, kBeta, kPhones);
  for (int step = 1; step <= 15; ++step) {
    model.step(step);
    if (step <= 5) continue;
    out.value += static_cast<double>(model.stats.trade_value[cell]);
    out.duty += static_cast<double>(model.stats.trade_duty[cell]);
  }
  return out;
}

Scenario pact_with_rule(double content) {
  Scenario sc = testing::small_world(8000, 800);
  sc.blocs[kPact].regional_value_content = content;
  return sc;
}

TEST(RulesOfOrigin, ThePreferenceIsGrantedOnlyWhereTheRuleHolds) {
  ENTREPOT_REQUIRE_DEVICE();
  // No rule: free trade inside the bloc, no duty.
  const PhoneTrade free = phones_to_beta(pact_with_rule(0.0));
  ASSERT_GT(free.value, 0.0);
  EXPECT_EQ(free.duty, 0.0);
  // A strict rule: phones with chips, ore or services from Gamma lose the preference and pay
  // the MFN rate of 5%; those made of the bloc's materials alone keep it.
  const PhoneTrade strict = phones_to_beta(pact_with_rule(0.99));
  ASSERT_GT(strict.value, 0.0);
  EXPECT_GT(strict.duty, 0.01 * strict.value);
  EXPECT_LE(strict.duty, 0.05 * strict.value);
  // The same rule where Gamma sells nothing abroad: every material originates in the bloc,
  // and the preference holds for all.
  Scenario closed = pact_with_rule(0.99);
  ExportBan ban;
  ban.exporter = kGamma;
  closed.export_bans = {ban};
  const PhoneTrade originating = phones_to_beta(closed);
  ASSERT_GT(originating.value, 0.0);
  EXPECT_EQ(originating.duty, 0.0);
}

}  // namespace
}  // namespace entrepot
