#include "adapters/household/decision_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>

namespace xj::household {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rules::Fen;

void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Yuan as a JSON number: an integer when whole, else two decimals.
void money(Writer& w, Fen fen) {
  if (fen % 100 == 0)
    w.Int64(fen / 100);
  else
    w.RawValue(rules::formatYuan(fen).c_str(), rules::formatYuan(fen).size(),
               rapidjson::kNumberType);
}

// Display-only rounding of a per-capita figure: round(total / n) in fen.
Fen perCapita(Fen total, int n) { return n > 0 ? (total + n / 2) / n : 0; }

std::vector<std::string> householdTags(uint32_t t) {
  std::vector<std::string> out;
  if (t & rules::kTagMonitored) out.emplace_back("monitored");
  if (t & rules::kTagMonitoringRiskEliminated) out.emplace_back("monitoring_risk_eliminated");
  if (t & rules::kTagMonitoredWithoutCategory) out.emplace_back("monitored_without_category");
  if (t & rules::kTagMonitoringReferralSuggested) out.emplace_back("monitoring_referral_suggested");
  return out;
}

std::vector<std::string> personTags(const rules::PersonOutcome& o) {
  std::vector<std::string> out;
  if (o.care != rules::CareLevel::kNone && o.category == rules::Category::kTekun)
    out.push_back(std::string("tekun_care:") + rules::careLevelId(o.care));
  if (o.tags & rules::kPersonTagSinglePersonDibao) out.emplace_back("single_person_dibao");
  if (o.tags & rules::kPersonTagAlsoEligibleOrphanAllowance)
    out.emplace_back("also_eligible_orphan_allowance");
  if (o.tags & rules::kPersonTagMonitored) out.emplace_back("monitored");
  return out;
}

const std::string& pidOf(const rules::Decision& d, const ParsedHousehold& in, size_t i) {
  return in.household.members[d.persons[i].index].pid;
}

}  // namespace

std::string decisionToJson(const rules::Decision& d, const ParsedHousehold& input,
                           const Standards& standards) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "household_category");
  str(w, rules::categoryId(d.household_category));
  key(w, "person_categories");
  w.StartObject();
  for (size_t i = 0; i < d.persons.size(); ++i) {
    if (!d.persons[i].has_category) continue;
    key(w, pidOf(d, input, i));
    str(w, rules::categoryId(d.persons[i].category));
  }
  w.EndObject();
  key(w, "household_tags");
  w.StartArray();
  for (const auto& t : householdTags(d.household_tags)) str(w, t);
  w.EndArray();
  key(w, "person_tags");
  w.StartObject();
  for (size_t i = 0; i < d.persons.size(); ++i) {
    auto tags = personTags(d.persons[i]);
    if (tags.empty()) continue;
    key(w, pidOf(d, input, i));
    w.StartArray();
    for (const auto& t : tags) str(w, t);
    w.EndArray();
  }
  w.EndObject();

  const rules::Detail& det = d.detail;
  key(w, "detail");
  w.StartObject();
  key(w, "standard_kind");
  str(w, det.urban ? "urban" : "rural");
  key(w, "standard_annual");
  money(w, det.standard_annual);
  if (det.income_tests_ran) {
    key(w, "household_countable_income_gross");
    money(w, det.gross);
    key(w, "illness_disability_deduction");
    money(w, det.deduction);
    key(w, "per_capita_income");
    money(w, perCapita(det.assessed, det.members_counted));
    if (det.rigid_known) {
      key(w, "rigid_expenditure_total");
      money(w, det.rigid_total);
      if (det.gross > 0) {
        key(w, "rigid_ratio");
        // Four decimals, display only.
        rules::Wide q =
            (static_cast<rules::Wide>(det.rigid_total) * 10000 + det.gross / 2) / det.gross;
        w.Double(static_cast<double>(q) / 10000.0);
      }
    }
  }
  key(w, "members_counted");
  w.StartArray();
  for (size_t i = 0; i < d.persons.size(); ++i)
    if (d.persons[i].member && !d.persons[i].tekun) str(w, pidOf(d, input, i));
  w.EndArray();
  key(w, "members_excluded");
  w.StartObject();
  for (size_t i = 0; i < d.persons.size(); ++i) {
    if (d.persons[i].not_member == rules::NotMemberReason::kNone) continue;
    key(w, pidOf(d, input, i));
    str(w, rules::notMemberReasonEn(d.persons[i].not_member));
  }
  w.EndObject();
  bool any_route = false;
  for (const auto& o : d.persons) any_route |= o.single_route != rules::SingleRoute::kNone;
  if (any_route) {
    key(w, "single_person_routes");
    w.StartObject();
    for (size_t i = 0; i < d.persons.size(); ++i) {
      if (d.persons[i].single_route == rules::SingleRoute::kNone) continue;
      key(w, pidOf(d, input, i));
      str(w, rules::singleRouteEn(d.persons[i].single_route));
    }
    w.EndObject();
  }
  if (det.fpm_members > 0) {
    key(w, "fpm_per_capita_gross_income");
    money(w, perCapita(det.fpm_total, det.fpm_members));
  }
  key(w, "township_code");
  str(w, input.township_code);
  w.EndObject();

  key(w, "as_of");
  str(w, rules::formatDate(d.as_of));
  // The pilot's review limit (15 WD, SPEC.md §8): provisional when it counts days of a year
  // whose holiday notice is not loaded yet; an error only before the first year with data.
  const auto& params = standards.rules.at(d.as_of);
  const auto& wd = params[rules::Slot::kPilotReviewWd];
  if (wd.present) {
    key(w, "review_deadline");
    w.StartObject();
    key(w, "working_days");
    w.Int64(wd.num);
    auto dl = standards.calendar.deadlineOf(d.as_of, static_cast<int>(wd.num));
    if (dl.isOk()) {
      key(w, "date");
      str(w, rules::formatDate(dl.value().date));
      key(w, "provisional");
      w.Bool(dl.value().provisional);
    } else {
      key(w, "error");
      str(w, dl.status().message());
    }
    w.EndObject();
  }
  key(w, "rule_set_version");
  str(w, d.rule_set_version);
  if (d.traced) {
    key(w, "trace");
    w.StartArray();
    for (const auto& s : d.trace) {
      w.StartObject();
      key(w, "test");
      str(w, s.test);
      key(w, "subject");
      str(w, s.subject);
      key(w, "passed");
      w.Bool(s.passed);
      key(w, "inputs");
      w.StartArray();
      for (const auto& in : s.inputs) {
        w.StartObject();
        key(w, "name");
        str(w, in.name);
        key(w, "value");
        str(w, in.value);
        w.EndObject();
      }
      w.EndArray();
      key(w, "parameters");
      w.StartArray();
      for (const auto& p : s.params) {
        w.StartObject();
        key(w, "name");
        str(w, p.name);
        key(w, "value");
        str(w, p.value);
        key(w, "effective_from");
        str(w, rules::formatDate(p.effective));
        w.EndObject();
      }
      w.EndArray();
      key(w, "reason");
      w.StartObject();
      key(w, "zh");
      str(w, s.reason_zh);
      key(w, "en");
      str(w, s.reason_en);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string explainDecision(const rules::Decision& d, const ParsedHousehold& input,
                            const Standards& standards) {
  std::ostringstream o;
  o << "Eligibility decision 认定结果 (as of 受理日 " << rules::formatDate(d.as_of)
    << ", township 乡镇 " << input.township_code << ")\n";
  o << "  Household 家庭: " << rules::categoryId(d.household_category) << " ("
    << rules::categoryZh(d.household_category) << ")\n";
  auto htags = householdTags(d.household_tags);
  if (!htags.empty()) {
    o << "  Household tags 家庭标识:";
    for (const auto& t : htags) o << ' ' << t;
    o << '\n';
  }
  o << "  Persons 成员:\n";
  for (size_t i = 0; i < d.persons.size(); ++i) {
    const auto& p = d.persons[i];
    o << "    " << pidOf(d, input, i) << " (age 年龄 " << p.age << "): ";
    if (p.has_category)
      o << rules::categoryId(p.category) << " (" << rules::categoryZh(p.category) << ")";
    else
      o << "no category 无类别 — " << rules::notMemberReasonEn(p.not_member) << " / "
        << rules::notMemberReasonZh(p.not_member);
    for (const auto& t : personTags(p)) o << " [" << t << "]";
    o << '\n';
  }
  const auto& det = d.detail;
  o << "  Figures 核算: standard 标准 " << rules::formatYuan(det.standard_annual)
    << " yuan/person/year (" << (det.urban ? "urban 城市" : "rural 农村") << ")";
  if (det.income_tests_ran)
    o << "; countable income 可计收入 " << rules::formatYuan(det.gross) << ", deduction 扣减 "
      << rules::formatYuan(det.deduction) << ", assessed 核定 " << rules::formatYuan(det.assessed)
      << " for 人数 " << det.members_counted;
  if (det.rigid_known) o << "; rigid expenditure 刚性支出 " << rules::formatYuan(det.rigid_total);
  o << "\n";
  const auto& wd = standards.rules.at(d.as_of)[rules::Slot::kPilotReviewWd];
  if (wd.present) {
    auto dl = standards.calendar.deadlineOf(d.as_of, static_cast<int>(wd.num));
    o << "  Review deadline 审核时限 (" << wd.num << " working days 工作日): "
      << (dl.isOk() ? rules::formatDate(dl.value().date) : dl.status().message())
      << (dl.isOk() && dl.value().provisional
              ? " (provisional 暂定: no holiday notice for the year yet 当年放假安排未发布)"
              : "")
      << '\n';
  }
  o << "\nTrace 审核过程:\n";
  int n = 0;
  for (const auto& s : d.trace) {
    o << "  " << ++n << ". [" << (s.passed ? "PASS 通过" : "FAIL 未通过") << "] " << s.test << " — "
      << s.subject << '\n';
    o << "     中文: " << s.reason_zh << '\n';
    o << "     EN:   " << s.reason_en << '\n';
    if (!s.inputs.empty()) {
      o << "     inputs 输入:";
      for (const auto& in : s.inputs) o << ' ' << in.name << '=' << in.value << ';';
      o << '\n';
    }
    for (const auto& p : s.params)
      o << "     parameter 参数: " << p.name << " = " << p.value << " (in force from 自 "
        << rules::formatDate(p.effective) << ")\n";
  }
  o << "\nRule set 规则版本: " << d.rule_set_version << '\n';
  return o.str();
}

std::string problemsToJson(const Problems& problems) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "problems");
  w.StartArray();
  for (const auto& p : problems) {
    w.StartObject();
    key(w, "path");
    str(w, p.path);
    key(w, "problem");
    str(w, p.problem);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace xj::household
