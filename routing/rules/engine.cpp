#include "routing/rules/engine.h"

#include <algorithm>
#include <array>
#include <utility>

#include "routing/rules/names.h"

namespace xj::rules {

const char* categoryId(Category c) {
  switch (c) {
    case Category::kNone:
      return "none";
    case Category::kRigidExpense:
      return "rigid_expense";
    case Category::kDibaoEdge:
      return "dibao_edge";
    case Category::kDibao:
      return "dibao";
    case Category::kTekun:
      return "tekun";
  }
  return "none";
}

const char* categoryZh(Category c) {
  switch (c) {
    case Category::kNone:
      return "不符合";
    case Category::kRigidExpense:
      return "刚性支出困难家庭";
    case Category::kDibaoEdge:
      return "低保边缘家庭";
    case Category::kDibao:
      return "最低生活保障";
    case Category::kTekun:
      return "特困人员";
  }
  return "不符合";
}

const char* careLevelId(CareLevel c) {
  switch (c) {
    case CareLevel::kNone:
      return "";
    case CareLevel::kSelfCare:
      return "self_care";
    case CareLevel::kPartiallyLost:
      return "partially_lost";
    case CareLevel::kFullyLost:
      return "fully_lost";
  }
  return "";
}

const char* notMemberReasonEn(NotMemberReason r) {
  switch (r) {
    case NotMemberReason::kNone:
      return "";
    case NotMemberReason::kPrison:
      return "art.7 excluded: prison";
    case NotMemberReason::kDrugRehab:
      return "art.7 excluded: compulsory isolated drug rehabilitation";
    case NotMemberReason::kMissing:
      return "art.7 excluded: declared missing";
    case NotMemberReason::kReligious:
      return "art.7 excluded: religious personnel away >=3 years";
    case NotMemberReason::kOwnHousehold:
      return "not co-resident: has own separate household";
    case NotMemberReason::kNotCoresident:
      return "not co-resident: lives apart most of the year";
    case NotMemberReason::kNoSupportDuty:
      return "no legal support obligation with applicant";
  }
  return "";
}

const char* notMemberReasonZh(NotMemberReason r) {
  switch (r) {
    case NotMemberReason::kNone:
      return "";
    case NotMemberReason::kPrison:
      return "第七条排除：服刑人员";
    case NotMemberReason::kDrugRehab:
      return "第七条排除：强制隔离戒毒人员";
    case NotMemberReason::kMissing:
      return "第七条排除：宣告失踪人员";
    case NotMemberReason::kReligious:
      return "第七条排除：脱离家庭三年以上的宗教教职人员";
    case NotMemberReason::kOwnHousehold:
      return "非共同生活：已另立门户";
    case NotMemberReason::kNotCoresident:
      return "非共同生活：未长期共同居住";
    case NotMemberReason::kNoSupportDuty:
      return "与申请人无法定赡养、抚养或扶养关系";
  }
  return "";
}

const char* singleRouteEn(SingleRoute r) {
  switch (r) {
    case SingleRoute::kNone:
      return "";
    case SingleRoute::kEdgeFamilySpecial:
      return "edge-family special member (办法 art.8)";
    case SingleRoute::kAdultSevereDisabled:
      return "adult unemployed severely disabled as single-person household (2022 notice §一(一))";
  }
  return "";
}

const char* singleRouteZh(SingleRoute r) {
  switch (r) {
    case SingleRoute::kNone:
      return "";
    case SingleRoute::kEdgeFamilySpecial:
      return "低保边缘家庭中的重残、重病成员单独申请（办法第八条）";
    case SingleRoute::kAdultSevereDisabled:
      return "成年无业重度残疾人单人户（2022年通知）";
  }
  return "";
}

namespace {

constexpr int kAdultAge = 18;  // 民法典 art.17: majority; not a local parameter
constexpr int kSinglePersonCarerExemptAge = 60;  // 2022 notice §一(一): carers aged 60+

enum class Level : uint8_t { kDibao, kTekun, kEdge, kRigid };

const char* assetStepId(Level l) {
  switch (l) {
    case Level::kDibao:
      return "assets.dibao";
    case Level::kTekun:
      return "assets.tekun";
    case Level::kEdge:
      return "assets.edge";
    case Level::kRigid:
      return "assets.rigid";
  }
  return "assets";
}

const char* levelId(Level l) {
  switch (l) {
    case Level::kDibao:
      return "dibao";
    case Level::kTekun:
      return "tekun";
    case Level::kEdge:
      return "edge";
    case Level::kRigid:
      return "rigid";
  }
  return "";
}
const char* levelZh(Level l) {
  switch (l) {
    case Level::kDibao:
      return "低保";
    case Level::kTekun:
      return "特困";
    case Level::kEdge:
      return "低保边缘";
    case Level::kRigid:
      return "刚性支出";
  }
  return "";
}

bool isCompulsoryOrSecondary(SchoolLevel s) {
  return s == SchoolLevel::kPrimary || s == SchoolLevel::kJunior || s == SchoolLevel::kSenior ||
         s == SchoolLevel::kSecondaryVocational;
}
bool isBachelorOrBelow(SchoolLevel s) {
  return s != SchoolLevel::kNone && s != SchoolLevel::kPostgraduate;
}

std::string yuan(Fen f) { return formatYuan(f); }

enum class SupportMode : uint8_t {
  kHousehold,  // unit income: internal transfers ignored, outside support at max(actual, assessed)
  kSinglePerson,  // §6.5: siblings and carers aged 60+ exempt, the rest at max(actual, assessed)
  kObligorOwn,    // a person's own income: every support payment at max(actual, assessed)
};

class Evaluator {
 public:
  Evaluator(const Household& h, const RuleSet& rules, bool trace, Decision& d)
      : h_(h), p_(rules.at(h.as_of)), tr_(trace), d_(d) {}

  Status run();

 private:
  // --- parameters: every read is recorded for the step and the decision -------------------
  const SlotValue& pv(Slot s) {
    uint64_t bit = slotBit(s);
    step_mask_ |= bit;
    d_.params_used |= bit;
    const SlotValue& v = p_[s];
    if (!v.present && missing_ == Slot::kCount) missing_ = s;
    return v;
  }
  int64_t pn(Slot s) { return pv(s).num; }
  // A switch of the Dahua pilot plan [L] (household.include_*, in force from the plan's date,
  // 2024-06-28). Before its first value the plan did not exist and the national text alone
  // decides: the rule is off. That is the plan's own start, stated in the trace, not a default
  // standing in for a missing figure (like the rigid rules before 2025-01-01, §6.4).
  bool pilotSwitch(Slot s, bool& not_in_force) {
    if (!p_[s].present) {
      not_in_force = true;
      return false;
    }
    return pn(s) != 0;
  }

  // --- trace ---------------------------------------------------------------------------------
  // The step being built: reuses a TraceStep (and its buffers) from earlier evaluations.
  TraceStep& cur() {
    if (!open_) {
      if (used_ == d_.trace.size()) {
        if (!d_.spare_steps.empty()) {
          d_.trace.push_back(std::move(d_.spare_steps.back()));
          d_.spare_steps.pop_back();
        } else {
          d_.trace.emplace_back();
        }
      }
      TraceStep& s = d_.trace[used_];
      s.inputs.clear();
      s.params.clear();
      open_ = true;
    }
    return d_.trace[used_];
  }
  void in(std::string_view name, std::string value) {
    if (tr_) cur().inputs.push_back({name, std::move(value)});
  }
  void inFen(std::string_view name, Fen v) {
    if (tr_) cur().inputs.push_back({name, yuan(v)});
  }
  void inInt(std::string_view name, int64_t v) {
    if (tr_) cur().inputs.push_back({name, std::to_string(v)});
  }
  // Closes the current step. `reasons` is called only when tracing and returns {zh, en}.
  template <class F>
  void step(std::string_view test, int subject, bool passed, F&& reasons) {
    if (tr_) {
      TraceStep& s = cur();
      s.test = test;
      if (subject < 0)
        s.subject.assign("household");
      else
        s.subject.assign(h_.members[static_cast<size_t>(subject)].pid);
      s.passed = passed;
      for (size_t i = 0; i < kSlotCount; ++i) {
        if (!(step_mask_ & (uint64_t{1} << i))) continue;
        Slot slot = static_cast<Slot>(i);
        s.params.push_back({slot, slotNameView(slot), p_.display[i], p_[slot].effective});
      }
      auto [zh, en] = reasons();
      s.reason_zh = std::move(zh);
      s.reason_en = std::move(en);
      ++used_;
      open_ = false;
    }
    step_mask_ = 0;
  }

 public:
  // Hands the unused tail of the trace back to the spare pool.
  void finishTrace() {
    while (d_.trace.size() > used_) {
      d_.spare_steps.push_back(std::move(d_.trace.back()));
      d_.trace.pop_back();
    }
  }

 private:
  // --- figures ----------------------------------------------------------------------------
  Fen employmentCost(const Person& p) {
    if (p.income.wage == 0) return 0;
    return mulMicroRounded(p.income.wage, pn(Slot::kEmploymentCostRate));
  }
  Fen countableIncome(const Person& p, SupportMode mode) {
    const Income& in = p.income;
    Fen total = in.wage - employmentCost(p) + in.business_net + in.property_net + in.pension_other +
                in.social_insurance + in.other_transfer;
    if (in.pension_basic_base != 0 && !pn(Slot::kExcludePensionBase))
      total += in.pension_basic_base;
    for (const auto& s : in.support_received) {
      Fen v = std::max(s.actual, s.assessed);
      switch (mode) {
        case SupportMode::kHousehold:
          if (!s.from_in_household) total += v;
          break;
        case SupportMode::kSinglePerson:
          if (s.from != SupporterKind::kSibling && !(s.from_age >= kSinglePersonCarerExemptAge))
            total += v;
          break;
        case SupportMode::kObligorOwn:
          total += v;
          break;
      }
    }
    total -= in.transfers_paid;
    return std::max<Fen>(total, 0);
  }
  // 特困办法 art.6: own income without the pension base, social insurance, 优待抚恤, 高龄津贴,
  // social assistance and disability subsidies.
  Fen tekunIncome(const Person& p) {
    const Income& in = p.income;
    Fen total = in.wage - employmentCost(p) + in.business_net + in.property_net + in.pension_other +
                in.other_transfer;
    for (const auto& s : in.support_received) total += std::max(s.actual, s.assessed);
    total -= in.transfers_paid;
    return std::max<Fen>(total, 0);
  }
  // FPM 人均纯收入 style: every income including exempt items and the pension base, support at
  // the amount actually paid; kept apart from civil-affairs income (SPEC.md §5).
  static Fen fpmIncome(const Person& p) {
    const Income& in = p.income;
    Fen total = in.wage + in.business_net + in.property_net + in.pension_basic_base +
                in.pension_other + in.social_insurance + in.other_transfer + in.exempt;
    for (const auto& s : in.support_received)
      if (!s.from_in_household) total += s.actual;
    total -= in.transfers_paid;
    return std::max<Fen>(total, 0);
  }

  bool severelyDisabled(DisabilityType t, int grade) {
    if (t == DisabilityType::kNone || grade <= 0) return false;
    int max_grade = pv(Slot::kSingleSevereDisability).grades[static_cast<size_t>(t)];
    return grade <= max_grade;
  }

  // Asset test of a level for a unit of n (SPEC.md §5). Single-person tests pass the person's
  // own financial assets and, when they are alone in the household, its vehicles and housing.
  bool assetsOk(Level level, Fen financial, int n, bool with_household_goods, int subject);

  void membership();
  void tekunTests();
  bool tekunPerson(size_t i);
  bool obligorsIncapable(size_t i);
  bool obligorIncapable(const Obligor& o, size_t i, std::string* why);
  void householdTests();
  void singlePersonRoutes();
  void tags();

  const Household& h_;
  const ResolvedParameters& p_;
  bool tr_;
  Decision& d_;
  uint64_t step_mask_ = 0;
  Slot missing_ = Slot::kCount;
  size_t used_ = 0;    // trace steps filled so far
  bool open_ = false;  // cur() holds a step being built
  Fen std_ = 0;
  uint64_t unit_ = 0;  // bit i: member i is in the unit (member, not tekun)
};

bool Evaluator::assetsOk(Level level, Fen financial, int n, bool with_household_goods,
                         int subject) {
  Slot fin_slot = Slot::kAssetFinDibao, veh_slot = Slot::kVehicleMaxDibao,
       house_slot = Slot::kHousingMaxDibao;
  switch (level) {
    case Level::kDibao:
      break;
    case Level::kTekun:
      fin_slot = Slot::kAssetFinTekun, veh_slot = Slot::kVehicleMaxTekun,
      house_slot = Slot::kHousingMaxTekun;
      break;
    case Level::kEdge:
      fin_slot = Slot::kAssetFinEdge, veh_slot = Slot::kVehicleMaxEdge,
      house_slot = Slot::kHousingMaxEdge;
      break;
    case Level::kRigid:
      fin_slot = Slot::kAssetFinRigid, veh_slot = Slot::kVehicleMaxRigid,
      house_slot = Slot::kHousingMaxRigid;
      break;
  }
  int64_t k = pn(fin_slot);
  // financial / n <= k x std  <=>  financial x 1e6 <= k x std x n
  bool fin_ok = static_cast<Wide>(financial) * kMicro <= static_cast<Wide>(k) * std_ * n;
  Fen vehicles = 0;
  int housing = 0;
  bool veh_ok = true, house_ok = true;
  if (with_household_goods) {
    int64_t exempt = pn(Slot::kExemptVehicleTypes);
    for (const auto& v : h_.vehicles)
      if (!(exempt & (int64_t{1} << static_cast<unsigned>(v.type)))) vehicles += v.value;
    housing = h_.extra_housing_units;
    veh_ok = vehicles <= pn(veh_slot);
    house_ok = housing <= pn(house_slot);
  }
  bool ok = fin_ok && veh_ok && house_ok;
  inFen("financial_assets", financial);
  inInt("persons", n);
  if (with_household_goods) {
    inFen("nonexempt_vehicle_value", vehicles);
    inInt("extra_housing_units", housing);
  }
  step(assetStepId(level), subject, ok, [&] {
    std::string zh = std::string(levelZh(level)) + "财产核查：人均金融资产" +
                     (fin_ok ? "未超过" : "超过") + "标准的" + formatMicro(k) + "倍";
    std::string en = std::string(levelId(level)) + " asset test: financial assets per person " +
                     (fin_ok ? "within " : "above ") + formatMicro(k) + " x standard";
    if (with_household_goods) {
      zh += std::string("；非豁免车辆") + yuan(vehicles) + "元" + (veh_ok ? "未超限" : "超限") +
            "；多余住房" + std::to_string(housing) + "套" + (house_ok ? "未超限" : "超限");
      en += "; non-exempt vehicles " + yuan(vehicles) + (veh_ok ? " within" : " above") +
            " limit; extra housing " + std::to_string(housing) + (house_ok ? " within" : " above") +
            " limit";
    }
    return std::pair{zh, en};
  });
  return ok;
}

void Evaluator::membership() {
  bool day_after = pn(Slot::kAgeReachedOn) == static_cast<int64_t>(AgeRule::kDayAfterBirthday);
  for (size_t i = 0; i < h_.members.size(); ++i) {
    PersonOutcome& o = d_.persons[i];
    o = PersonOutcome{};
    o.index = static_cast<uint16_t>(i);
    o.age = ageOn(h_.members[i].birth_date, h_.as_of, day_after);
    if (tr_) in("age", h_.members[i].pid + "=" + std::to_string(o.age));
  }
  step("age", -1, true, [&] {
    return std::pair{std::string("按受理日计算周岁"),
                     std::string("whole years of age on the acceptance date")};
  });

  for (size_t i = 0; i < h_.members.size(); ++i) {
    const Person& p = h_.members[i];
    PersonOutcome& o = d_.persons[i];
    const char* zh = "";
    const char* en = "";
    NotMemberReason r = NotMemberReason::kNone;
    bool member = false;
    bool pilot_absent = false;  // a pilot-plan rule was consulted but is not yet in force
    if (tr_) {
      in("relation", relationName(p.relation));
      inInt("age", o.age);
    }
    if (p.exclusion == Exclusion::kPrison) {
      r = NotMemberReason::kPrison;
    } else if (p.exclusion == Exclusion::kDrugRehab) {
      r = NotMemberReason::kDrugRehab;
    } else if (p.exclusion == Exclusion::kMissing) {
      r = NotMemberReason::kMissing;
    } else if (p.exclusion == Exclusion::kReligious &&
               p.religious_absence_years >= pn(Slot::kReligiousYears)) {
      inInt("religious_absence_years", p.religious_absence_years);
      r = NotMemberReason::kReligious;
    } else if (p.relation == Relation::kApplicant) {
      member = true, zh = "申请人", en = "applicant";
    } else if (p.on_fpm_roster && pilotSwitch(Slot::kIncludeFpmRoster, pilot_absent)) {
      member = true, zh = "农业农村部门认定的监测对象（试点方案）",
      en = "on the agriculture bureau's monitoring roster (pilot plan)";
    } else if (p.relation == Relation::kSpouse) {
      member = true, zh = "配偶（第七条第一项）", en = "spouse (art.7(1))";
    } else if (p.relation == Relation::kChild && o.age < kAdultAge) {
      member = true, zh = "未成年子女（第七条第二项）", en = "minor child (art.7(2))";
    } else {
      bool adult_child = p.relation == Relation::kChild;
      if (adult_child && p.school_full_time && isBachelorOrBelow(p.school)) {
        member = true, zh = "本科及以下全日制在校的成年子女（第七条第三项）",
        en = "adult child in full-time study at bachelor level or below (art.7(3))";
      } else if (adult_child && p.can_live_independently == Tri::kFalse) {
        member = true, zh = "不能独立生活的成年子女（第七条第三项）",
        en = "adult child unable to live independently (art.7(3))";
      } else if (adult_child && p.school_full_time && p.school == SchoolLevel::kPostgraduate &&
                 p.depends_on_family != Tri::kFalse &&
                 pilotSwitch(Slot::kIncludePostgraduates, pilot_absent) &&
                 countableIncome(p, SupportMode::kObligorOwn) == 0) {
        member = true, zh = "靠家庭供养且无收入的全日制研究生（试点方案）",
        en = "full-time postgraduate dependent on the family, no income (pilot plan)";
      } else {
        bool duty;
        if (p.legal_obligation != Tri::kUnset)
          duty = p.legal_obligation == Tri::kTrue;
        else
          duty = p.relation == Relation::kChild || p.relation == Relation::kParent;
        if (!duty) {
          r = NotMemberReason::kNoSupportDuty;
        } else if (p.own_separate_household) {
          r = NotMemberReason::kOwnHousehold;
        } else if (p.months_coresident < 0 ||
                   p.months_coresident >= pn(Slot::kCohabitationMonths)) {
          inInt("months_coresident", p.months_coresident < 0 ? 12 : p.months_coresident);
          member = true, zh = "有法定义务且长期共同居住（第七条第四项）",
          en = "legal support duty and long-term co-resident (art.7(4))";
        } else if ((p.migrant_worker || p.away_for_work_only) &&
                   pilotSwitch(Slot::kIncludeMigrantWorkers, pilot_absent)) {
          inInt("months_coresident", p.months_coresident);
          member = true, zh = "未分家外出从业人员（试点方案）",
          en = "migrant worker not split from the household (pilot plan)";
        } else {
          inInt("months_coresident", p.months_coresident);
          r = NotMemberReason::kNotCoresident;
        }
      }
    }
    o.member = member;
    o.not_member = r;
    if (pilot_absent && !member) in("pilot_plan", "not in force on as_of");
    step("household.membership", static_cast<int>(i), member, [&] {
      if (member)
        return std::pair{std::string("计入共同生活家庭成员：") + zh,
                         std::string("counted as a household member: ") + en};
      std::string why_zh = std::string("不计入家庭成员：") + notMemberReasonZh(r);
      std::string why_en = std::string("not a household member: ") + notMemberReasonEn(r);
      if (pilot_absent) {
        why_zh += "（受理日试点方案的家庭成员规则尚未施行）";
        why_en += " (the pilot plan's member rule is not in force on the acceptance date)";
      }
      return std::pair{why_zh, why_en};
    });
  }
}

bool Evaluator::obligorIncapable(const Obligor& o, size_t subject, std::string* why) {
  CurrentStatus status = o.current_status;
  int age = o.age;
  Fen income = o.annual_income;
  bool income_known = o.income_known;
  Fen assets = o.financial_assets;
  DisabilityType dt = o.disability_type;
  int dg = o.disability_grade;
  bool no_capacity = o.no_civil_capacity, missing = o.missing, prison = o.in_prison;
  if (o.ref >= 0) {
    const Person& q = h_.members[static_cast<size_t>(o.ref)];
    status = q.current_status;
    age = d_.persons[static_cast<size_t>(o.ref)].age;
    income = countableIncome(q, SupportMode::kObligorOwn);
    income_known = true;
    assets = q.personal_financial_assets;
    dt = q.disability_type;
    dg = q.disability_grade;
    no_capacity = q.no_civil_capacity;
    missing = q.exclusion == Exclusion::kMissing;
    prison = q.exclusion == Exclusion::kPrison;
  }
  (void)subject;
  // 1. already tekun; 2. a dibao recipient of 60+, both judged on status before this application
  if (status == CurrentStatus::kTekun) {
    if (why) *why = "tekun";
    return true;
  }
  if (status == CurrentStatus::kDibao && age >= 0 && age >= pn(Slot::kObligorDibaoAge)) {
    if (why) *why = "dibao recipient aged " + std::to_string(age);
    return true;
  }
  // "Assets within the low-income rule": the edge-level financial limit for one person.
  auto assets_low = [&] {
    return static_cast<Wide>(assets) * kMicro <= static_cast<Wide>(pn(Slot::kAssetFinEdge)) * std_;
  };
  auto income_low = [&] { return income_known && income < pn(Slot::kDisposableIncome); };
  if (age >= 0 && age >= pn(Slot::kObligorAgeLowIncome) && income_low() && assets_low()) {
    if (why)
      *why =
          "aged " + std::to_string(age) + ", income " + yuan(income) + " below disposable income";
    return true;
  }
  if (severelyDisabled(dt, dg) && income_low() && assets_low()) {
    if (why) *why = "severely disabled, low income";
    return true;
  }
  if ((no_capacity || missing || prison) && assets_low()) {
    if (why)
      *why = no_capacity ? "no civil capacity" : (missing ? "declared missing" : "in prison");
    return true;
  }
  if (why) *why = "capable";
  return false;
}

bool Evaluator::obligorsIncapable(size_t i) {
  const Person& p = h_.members[i];
  bool all_incapable = true;
  std::string why;
  auto check = [&](const Obligor& o, const std::string& label) {
    bool inc = obligorIncapable(o, i, tr_ ? &why : nullptr);
    if (tr_) in("obligor", label + (inc ? ": incapable: " : ": capable: ") + why);
    if (!inc) all_incapable = false;
  };
  size_t given = 0;
  if (p.obligors_given) {
    for (const auto& o : p.obligors) {
      ++given;
      std::string label;
      if (tr_) label = o.ref >= 0 ? h_.members[static_cast<size_t>(o.ref)].pid : "outside person";
      check(o, label);
    }
  } else {
    // Civil Code arts. 1059, 1067: spouse, parents of a child, adult children of a parent,
    // among the listed persons; relations are relative to the applicant.
    for (size_t j = 0; j < h_.members.size(); ++j) {
      if (j == i) continue;
      const Person& q = h_.members[j];
      bool adult_q = d_.persons[j].age >= kAdultAge;
      bool is_obligor = false;
      switch (p.relation) {
        case Relation::kApplicant:
          is_obligor = q.relation == Relation::kSpouse || q.relation == Relation::kParent ||
                       (q.relation == Relation::kChild && adult_q);
          break;
        case Relation::kSpouse:
          is_obligor =
              q.relation == Relation::kApplicant || (q.relation == Relation::kChild && adult_q);
          break;
        case Relation::kChild:
          is_obligor = q.relation == Relation::kApplicant || q.relation == Relation::kSpouse;
          break;
        case Relation::kParent:
          is_obligor = q.relation == Relation::kApplicant && adult_q;
          break;
        default:
          break;
      }
      if (!is_obligor) continue;
      ++given;
      Obligor o;
      o.ref = static_cast<int>(j);
      check(o, tr_ ? q.pid : std::string());
    }
  }
  inInt("obligors", static_cast<int64_t>(given));
  return all_incapable;
}

bool Evaluator::tekunPerson(size_t i) {
  const Person& p = h_.members[i];
  PersonOutcome& o = d_.persons[i];
  int subject = static_cast<int>(i);
  // 1. No work ability (art.5), or the art.24 continuation for those made tekun as minors.
  bool elderly = o.age >= pn(Slot::kTekunAgeElderly);
  bool minor = o.age < pn(Slot::kTekunAgeMinor);
  bool disabled = false;
  if (p.disability_type != DisabilityType::kNone && p.disability_grade > 0) {
    int max_grade = pv(Slot::kTekunDisability).grades[static_cast<size_t>(p.disability_type)];
    disabled = p.disability_grade <= max_grade;
  }
  bool continuation =
      (p.current_status == CurrentStatus::kTekun || p.tekun_as_minor) &&
      (o.age < kAdultAge || (p.school_full_time && isCompulsoryOrSecondary(p.school)));
  bool no_work = elderly || minor || disabled || continuation;
  inInt("age", o.age);
  if (p.disability_type != DisabilityType::kNone) {
    in("disability", std::string(disabilityTypeName(p.disability_type)) + " grade " +
                         std::to_string(p.disability_grade));
  }
  step("tekun.no_work_ability", subject, no_work, [&] {
    if (!no_work)
      return std::pair{std::string("具有劳动能力（年龄、残疾等级不符合特困条件）"),
                       std::string("has work ability (age and disability do not meet art.5)")};
    const char* zh = elderly    ? "年满60周岁"
                     : minor    ? "未满16周岁"
                     : disabled ? "残疾等级符合"
                                : "未成年时认定特困，在学延续";
    const char* en = elderly    ? "aged 60 or over"
                     : minor    ? "under 16"
                     : disabled ? "disability grade qualifies"
                                : "tekun since a minor, continued while in school";
    return std::pair{std::string("无劳动能力：") + zh, std::string("no work ability: ") + en};
  });
  if (!no_work) return false;

  // 2. No livelihood: own income below the standard and assets within the tekun limit.
  Fen income = tekunIncome(p);
  bool alone = h_.members.size() == 1;
  Fen fin = alone ? std::max(p.personal_financial_assets, h_.financial_assets)
                  : p.personal_financial_assets;
  bool income_ok = income < std_;
  inFen("own_income", income);
  inFen("standard_annual", std_);
  step("tekun.no_livelihood.income", subject, income_ok, [&] {
    return std::pair{std::string("本人收入") + yuan(income) + "元" +
                         (income_ok ? "低于" : "不低于") + "低保标准" + yuan(std_) + "元",
                     "own income " + yuan(income) + (income_ok ? " below" : " not below") +
                         " the standard " + yuan(std_)};
  });
  if (!income_ok) return false;
  if (!assetsOk(Level::kTekun, fin, 1, alone, subject)) return false;

  // 3. No capable obligor (art.8).
  bool none_capable = obligorsIncapable(i);
  step("tekun.no_capable_obligor", subject, none_capable, [&] {
    return none_capable ? std::pair{std::string("无法定义务人或义务人均无履行能力（第八条）"),
                                    std::string("no legal obligor able to support (art.8)")}
                        : std::pair{std::string("有具备履行能力的法定义务人"),
                                    std::string("a legal obligor is able to support")};
  });
  if (!none_capable) return false;

  // Art.9: an orphan minor may take the orphan allowance instead.
  if (p.orphan && o.age < kAdultAge) {
    o.tags |= kPersonTagAlsoEligibleOrphanAllowance;
    bool keeps = !p.prefers_orphan_allowance;
    in("prefers_orphan_allowance", p.prefers_orphan_allowance ? "true" : "false");
    step("tekun.orphan_choice", subject, keeps, [&] {
      return keeps ? std::pair{std::string("孤儿亦可领取孤儿基本生活费，现按特困认定"),
                               std::string("also eligible for the orphan allowance; tekun kept")}
                   : std::pair{std::string("选择孤儿基本生活费，不认定特困（第九条）"),
                               std::string("chose the orphan allowance instead of tekun (art.9)")};
    });
    if (!keeps) return false;
  }
  int f = p.adl_failures;
  o.care = f >= 4   ? CareLevel::kFullyLost
           : f >= 1 ? CareLevel::kPartiallyLost
                    : CareLevel::kSelfCare;
  return true;
}

void Evaluator::tekunTests() {
  for (size_t i = 0; i < h_.members.size(); ++i) {
    PersonOutcome& o = d_.persons[i];
    NotMemberReason r = o.not_member;
    bool hard_excluded = r == NotMemberReason::kPrison || r == NotMemberReason::kDrugRehab ||
                         r == NotMemberReason::kMissing || r == NotMemberReason::kReligious;
    if (hard_excluded) continue;
    if (tekunPerson(i)) {
      o.tekun = true;
      o.has_category = true;
      o.category = Category::kTekun;
    }
    if (o.member && !o.tekun) unit_ |= uint64_t{1} << i;
  }
}

void Evaluator::householdTests() {
  Detail& det = d_.detail;
  int n = 0;
  for (size_t i = 0; i < h_.members.size(); ++i)
    if (unit_ & (uint64_t{1} << i)) ++n;
  det.members_counted = n;
  if (n == 0) {
    bool any_tekun = false;
    for (const auto& o : d_.persons) any_tekun |= o.tekun;
    d_.household_category = any_tekun ? Category::kTekun : Category::kNone;
    step("household.unit", -1, any_tekun, [&] {
      return std::pair{std::string("家庭成员均已认定特困或无成员，不再进行家庭收入核查"),
                       std::string("no non-tekun members left; household tests not run")};
    });
    return;
  }
  det.income_tests_ran = true;

  // Income (§5).
  // Imputation is deliberately not implemented (2022 notice); run() refuses a true value.
  in("impute_for_able_unemployed", pn(Slot::kImputeUnemployed) ? "true" : "false");
  Fen gross = 0, deduction = 0;
  bool deduct = false;
  for (size_t i = 0; i < h_.members.size(); ++i) {
    if (!(unit_ & (uint64_t{1} << i))) continue;
    gross += countableIncome(h_.members[i], SupportMode::kHousehold);
  }
  deduct = pn(Slot::kDeductIllnessOop) != 0;
  if (deduct) {
    for (size_t i = 0; i < h_.members.size(); ++i) {
      if (!(unit_ & (uint64_t{1} << i))) continue;
      const Person& p = h_.members[i];
      if (p.serious_illness || p.disability_type != DisabilityType::kNone)
        deduction += p.medical_oop;
    }
    deduction += h_.rehab_12m;
  }
  Fen assessed = std::max<Fen>(gross - deduction, 0);
  det.gross = gross;
  det.deduction = deduction;
  det.assessed = assessed;
  inFen("countable_income_gross", gross);
  inFen("illness_disability_deduction", deduction);
  inFen("assessed_income", assessed);
  inInt("members_counted", n);
  step("income.household", -1, true, [&] {
    return std::pair{"家庭可计收入" + yuan(gross) + "元，扣减" + yuan(deduction) + "元，核定收入" +
                         yuan(assessed) + "元，共" + std::to_string(n) + "人",
                     "countable income " + yuan(gross) + ", deductions " + yuan(deduction) +
                         ", assessed " + yuan(assessed) + " for " + std::to_string(n) +
                         " member(s)"};
  });

  // The household's financial assets include the personal assets listed for each person (case
  // -01). Those of anyone outside the unit -- removed as tekun, excluded by art.7, not a member --
  // are theirs, not the unit's (SPEC.md §4: the unit is the one used for every standard; §5
  // divides the unit's assets by its n).
  Fen financial = h_.financial_assets;
  for (size_t i = 0; i < h_.members.size(); ++i)
    if (!(unit_ & (uint64_t{1} << i))) financial -= h_.members[i].personal_financial_assets;
  financial = std::max<Fen>(financial, 0);

  // Rigid expenditure figure R (§6.4). Always computed for the detail (the cases state it for
  // 2024 acceptances too: case-02, R 5,640, ratio 1.175); living is valued at standard x members,
  // the only basis there is. Before the 刚性办法 (2025-01-01) it is a figure for information:
  // the rigid test itself does not run then (below).
  {
    bool in_force = p_[Slot::kRigidLivingBasis].present;
    if (in_force) pn(Slot::kRigidLivingBasis);
    Fen living = std_ * n;
    Fen medical = 0;
    for (size_t i = 0; i < h_.members.size(); ++i)
      if (unit_ & (uint64_t{1} << i)) medical += h_.members[i].medical_oop;
    det.rigid_known = true;
    det.rigid_total = living + medical + h_.education_12m + h_.rehab_12m + h_.other_rigid_12m;
    inFen("living", living);
    inFen("medical_oop", medical);
    inFen("education", h_.education_12m);
    inFen("rehab", h_.rehab_12m);
    inFen("other", h_.other_rigid_12m);
    Fen total = det.rigid_total;
    step("rigid.expenditure_total", -1, true, [&] {
      return std::pair{"刚性支出合计" + yuan(total) + "元（生活支出按低保标准×人数）" +
                           (in_force ? "" : "；受理日刚性支出认定办法尚未施行，仅供参考"),
                       "rigid expenditure total " + yuan(total) +
                           " (living at standard x members)" +
                           (in_force ? ""
                                     : "; the rigid rules are not in force yet: for "
                                       "information only")};
    });
  }

  Category cat = Category::kNone;
  // 6.2 dibao: assessed < std x n (strict 低于), assets within the dibao limits.
  Wide line = static_cast<Wide>(std_) * n;
  bool dibao_income = assessed < line;
  inFen("assessed_income", assessed);
  inFen("standard_x_members", static_cast<Fen>(line));
  step("dibao.income", -1, dibao_income, [&] {
    return std::pair{"核定收入" + yuan(assessed) + "元" + (dibao_income ? "低于" : "不低于") +
                         "低保标准×人数" + yuan(static_cast<Fen>(line)) + "元",
                     "assessed income " + yuan(assessed) +
                         (dibao_income ? " below" : " not below") + " standard x members " +
                         yuan(static_cast<Fen>(line))};
  });
  if (dibao_income && assetsOk(Level::kDibao, financial, n, true, -1)) cat = Category::kDibao;

  if (cat == Category::kNone) {
    // 6.3 edge: assessed < multiplier x std x n.
    int64_t mult = pn(Slot::kEdgeMultiplier);
    Wide lhs = static_cast<Wide>(assessed) * kMicro;
    Wide rhs = static_cast<Wide>(mult) * std_ * n;
    bool edge_income = lhs < rhs;
    inFen("assessed_income", assessed);
    inFen("edge_line_x_members", static_cast<Fen>(rhs / kMicro));
    step("edge.income", -1, edge_income, [&] {
      return std::pair{
          "核定收入" + yuan(assessed) + "元" + (edge_income ? "低于" : "不低于") +
              formatMicro(mult) + "倍低保标准×人数" + yuan(static_cast<Fen>(rhs / kMicro)) + "元",
          "assessed income " + yuan(assessed) + (edge_income ? " below " : " not below ") +
              formatMicro(mult) + " x standard x members " + yuan(static_cast<Fen>(rhs / kMicro))};
    });
    if (edge_income && assetsOk(Level::kEdge, financial, n, true, -1)) cat = Category::kDibaoEdge;
  }

  if (cat == Category::kNone) {
    // 6.4 rigid: assessed < dpi x n, assets, R > ratio x gross.
    Fen dpi = pn(Slot::kDisposableIncome);
    Wide dpi_line = static_cast<Wide>(dpi) * n;
    bool rigid_income = assessed < dpi_line;
    inFen("assessed_income", assessed);
    inFen("disposable_income_x_members", static_cast<Fen>(dpi_line));
    step("rigid.income", -1, rigid_income, [&] {
      return std::pair{
          "核定收入" + yuan(assessed) + "元" + (rigid_income ? "低于" : "不低于") +
              "上年人均可支配收入×人数" + yuan(static_cast<Fen>(dpi_line)) + "元",
          "assessed income " + yuan(assessed) + (rigid_income ? " below" : " not below") +
              " prior-year disposable income x members " + yuan(static_cast<Fen>(dpi_line))};
    });
    if (rigid_income && !p_[Slot::kRigidRatio].present) {
      // The rigid-expenditure category exists only from the 认定办法's entry into force
      // (2025-01-01): before the first dated value the test does not apply. That is the law's
      // own start, stated in the trace, not a default standing in for a missing figure.
      step("rigid.in_force", -1, false, [&] {
        return std::pair{
            std::string("受理日刚性支出困难家庭认定办法尚未施行，不适用"),
            std::string(
                "the rigid-expenditure rules were not yet in force on the acceptance date")};
      });
    } else if (rigid_income && assetsOk(Level::kRigid, financial, n, true, -1)) {
      pn(Slot::kRigidLivingBasis);  // R depends on it; absent on the date means an error
      int64_t ratio = pn(Slot::kRigidRatio);
      Fen r = det.rigid_total;
      bool rigid_ratio = static_cast<Wide>(r) * kMicro > static_cast<Wide>(ratio) * gross;
      inFen("rigid_expenditure_total", r);
      inFen("countable_income_gross", gross);
      step("rigid.ratio", -1, rigid_ratio, [&] {
        return std::pair{"刚性支出" + yuan(r) + "元" + (rigid_ratio ? "超过" : "未超过") +
                             "家庭收入" + yuan(gross) + "元的" + formatMicro(ratio) + "倍",
                         "rigid expenditure " + yuan(r) +
                             (rigid_ratio ? " exceeds " : " does not exceed ") +
                             formatMicro(ratio) + " x household income " + yuan(gross)};
      });
      if (rigid_ratio) cat = Category::kRigidExpense;
    }
  }
  d_.household_category = cat;
  for (auto& o : d_.persons) {
    if (unit_ & (uint64_t{1} << o.index)) {
      o.has_category = true;
      o.category = cat;
    }
  }
  step("household.category", -1, cat != Category::kNone, [&] {
    return std::pair{std::string("家庭类别：") + categoryZh(cat),
                     std::string("household category: ") + categoryId(cat)};
  });
}

void Evaluator::singlePersonRoutes() {
  Category cat = d_.household_category;
  for (size_t i = 0; i < h_.members.size(); ++i) {
    if (!(unit_ & (uint64_t{1} << i))) continue;
    const Person& p = h_.members[i];
    if (!p.applies_individually) continue;
    PersonOutcome& o = d_.persons[i];
    Fen own = countableIncome(p, SupportMode::kSinglePerson);
    bool severe = severelyDisabled(p.disability_type, p.disability_grade);
    bool below = own < std_;
    SingleRoute route = SingleRoute::kNone;
    if (cat == Category::kDibaoEdge && (severe || p.serious_illness))
      route = SingleRoute::kEdgeFamilySpecial;
    else if (o.age >= kAdultAge && !p.employed && severe && cat != Category::kDibao)
      route = SingleRoute::kAdultSevereDisabled;
    bool upgrade = route != SingleRoute::kNone && below &&
                   static_cast<int>(o.category) < static_cast<int>(Category::kDibao);
    o.own_income = own;
    inFen("own_income", own);
    inFen("standard_annual", std_);
    in("household_category", categoryId(cat));
    step("single_person.dibao", static_cast<int>(i), upgrade, [&] {
      if (route == SingleRoute::kNone)
        return std::pair{std::string("不符合单独申请条件"),
                         std::string("no single-person route applies")};
      return std::pair{std::string(singleRouteZh(route)) + "：本人收入" + yuan(own) + "元" +
                           (below ? "低于" : "不低于") + "低保标准",
                       std::string(singleRouteEn(route)) + ": own income " + yuan(own) +
                           (below ? " below" : " not below") + " the standard"};
    });
    if (upgrade) {
      o.category = Category::kDibao;
      o.single_route = route;
      o.tags |= kPersonTagSinglePersonDibao;
    }
  }
}

void Evaluator::tags() {
  uint32_t t = 0;
  bool monitored = h_.fpm.is_monitoring_object;
  if (monitored) {
    t |= kTagMonitored;
    if (h_.fpm.risk_eliminated) t |= kTagMonitoringRiskEliminated;
    if (d_.household_category == Category::kNone) t |= kTagMonitoredWithoutCategory;
  }
  bool any_roster = false;
  for (size_t i = 0; i < h_.members.size(); ++i) {
    if (!h_.members[i].on_fpm_roster) continue;
    any_roster = true;
    if (!monitored) d_.persons[i].tags |= kPersonTagMonitored;
  }
  // FPM-style income over the members (tekun included), kept apart from countable income.
  Fen fpm = 0;
  int fpm_n = 0;
  for (size_t i = 0; i < h_.members.size(); ++i) {
    if (!d_.persons[i].member) continue;
    fpm += fpmIncome(h_.members[i]);
    ++fpm_n;
  }
  d_.detail.fpm_total = fpm;
  d_.detail.fpm_members = fpm_n;
  bool rural = h_.residence == Residence::kRural && !h_.relocated_to_town;
  if (rural && !monitored && !any_roster && fpm_n > 0) {
    Fen line = pn(Slot::kFpmLine);
    bool hint = fpm < static_cast<Wide>(line) * fpm_n;
    if (hint) t |= kTagMonitoringReferralSuggested;
    inFen("fpm_gross_income", fpm);
    inInt("members", fpm_n);
    step("fpm.referral_hint", -1, hint, [&] {
      return hint ? std::pair{std::string("人均纯收入低于防止返贫监测范围，建议转农业农村部门研判"),
                              std::string("per-capita gross income below the monitoring line: "
                                          "suggest referral to agriculture")}
                  : std::pair{std::string("人均纯收入不低于监测范围"),
                              std::string("per-capita gross income not below the monitoring line")};
    });
  }
  if (monitored && tr_) {
    in("risk_eliminated", h_.fpm.risk_eliminated ? "true" : "false");
  }
  if (monitored) {
    step("fpm.monitored_tag", -1, true, [&] {
      bool without = t & kTagMonitoredWithoutCategory;
      return std::pair{std::string("防止返贫监测对象，保留监测标识") +
                           (without ? "；四类均不符合，报县专班一事一议" : ""),
                       std::string("monitoring object: tag kept") +
                           (without ? "; no category met, refer to the county task force" : "")};
    });
  }
  d_.household_tags = t;
}

Status Evaluator::run() {
  d_.as_of = h_.as_of;
  d_.household_category = Category::kNone;
  d_.household_tags = 0;
  d_.detail = Detail{};
  d_.params_used = 0;
  d_.traced = tr_;
  d_.persons.resize(h_.members.size());

  if (h_.members.empty()) return Status::invalid("household has no members");
  if (h_.members.size() > kMaxMembers) return Status::invalid("household has more than 64 members");
  bool has_applicant = false;
  for (size_t i = 0; i < h_.members.size(); ++i) {
    const Person& p = h_.members[i];
    if (p.relation == Relation::kApplicant) has_applicant = true;
    if (p.birth_date > h_.as_of) return Status::invalid(p.pid + ": born after as_of");
    for (const auto& o : p.obligors)
      if (o.ref >= static_cast<int>(h_.members.size()) || o.ref == static_cast<int>(i))
        return Status::invalid(p.pid + ": obligor ref out of range");
  }
  if (!has_applicant) return Status::invalid("household has no applicant");

  // The standard for the unit: urban when urban or relocated to a town (特困办法 art.19; [A]
  // for dibao).
  bool urban = h_.residence == Residence::kUrban || h_.relocated_to_town;
  std_ = urban ? pn(Slot::kStdUrbanMonthly) * 12 : pn(Slot::kStdRuralAnnual);
  d_.detail.urban = urban;
  d_.detail.standard_annual = std_;
  in("residence", urban ? "urban" : "rural");
  step("standard", -1, true, [&] {
    return std::pair{std::string(urban ? "城市" : "农村") + "低保标准" + yuan(std_) + "元/人/年",
                     std::string(urban ? "urban" : "rural") + " dibao standard " + yuan(std_) +
                         " per person per year"};
  });

  membership();
  tekunTests();
  householdTests();
  singlePersonRoutes();
  tags();

  if (missing_ != Slot::kCount) {
    return Status::notFound("parameter_missing: " + std::string(slotInfo(missing_).parameter) +
                            " has no value in force on " + formatDate(h_.as_of));
  }
  if (p_[Slot::kImputeUnemployed].present && p_[Slot::kImputeUnemployed].num)
    return Status::invalid(
        "income.impute_for_able_unemployed=true is not supported (2022 notice §一(一))");
  return Status::ok();
}

}  // namespace

Status evaluate(const Household& household, const RuleSet& rules, const EvalOptions& options,
                Decision& out) {
  Evaluator e(household, rules, options.trace, out);
  out.rule_set_version = rules.version();
  Status s = e.run();
  e.finishTrace();
  return s;
}

Result<Decision> evaluate(const Household& household, const RuleSet& rules,
                          const EvalOptions& options) {
  Decision d;
  Status s = evaluate(household, rules, options, d);
  if (!s.isOk()) return s;
  return d;
}

}  // namespace xj::rules
