#include "routing/rules/parameters.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "routing/rules/names.h"

namespace xj::rules {

namespace {

constexpr std::array<SlotInfo, kSlotCount> kSlots{{
    {"dibao.standard.rural_annual", nullptr, SlotKind::kMoney},
    {"dibao.standard.urban_monthly", nullptr, SlotKind::kMoney},
    {"edge.income_multiplier", nullptr, SlotKind::kRatio},
    {"local.per_capita_disposable_income_prev_year", nullptr, SlotKind::kMoney},
    {"rigid.expense_to_income_ratio_exclusive", nullptr, SlotKind::kRatio},
    {"rigid.living_expense_basis", nullptr, SlotKind::kText},
    {"income.employment_cost_deduction_rate", nullptr, SlotKind::kFraction},
    {"income.deduct_illness_disability_oop", nullptr, SlotKind::kBool},
    {"income.exclude_basic_pension_base", nullptr, SlotKind::kBool},
    {"income.impute_for_able_unemployed", nullptr, SlotKind::kBool},
    {"tekun.age_elderly_min", nullptr, SlotKind::kCount},
    {"tekun.age_minor_max_exclusive", nullptr, SlotKind::kCount},
    {"tekun.disability_no_work_ability", nullptr, SlotKind::kGradeMap},
    {"obligor.incapacity_age_low_income", nullptr, SlotKind::kCount},
    {"obligor.incapacity_dibao_age", nullptr, SlotKind::kCount},
    {"assets.financial_per_capita_max_x_annual_std", "dibao", SlotKind::kRatio},
    {"assets.financial_per_capita_max_x_annual_std", "tekun", SlotKind::kRatio},
    {"assets.financial_per_capita_max_x_annual_std", "edge", SlotKind::kRatio},
    {"assets.financial_per_capita_max_x_annual_std", "rigid", SlotKind::kRatio},
    {"assets.exempt_vehicle_types", nullptr, SlotKind::kVehicleList},
    {"assets.nonexempt_vehicle_value_max", "dibao", SlotKind::kMoney},
    {"assets.nonexempt_vehicle_value_max", "tekun", SlotKind::kMoney},
    {"assets.nonexempt_vehicle_value_max", "edge", SlotKind::kMoney},
    {"assets.nonexempt_vehicle_value_max", "rigid", SlotKind::kMoney},
    {"assets.extra_housing_units_max", "dibao", SlotKind::kCount},
    {"assets.extra_housing_units_max", "tekun", SlotKind::kCount},
    {"assets.extra_housing_units_max", "edge", SlotKind::kCount},
    {"assets.extra_housing_units_max", "rigid", SlotKind::kCount},
    {"household.cohabitation_min_months", nullptr, SlotKind::kCount},
    {"household.religious_absence_years", nullptr, SlotKind::kCount},
    {"single_person.severe_disability", nullptr, SlotKind::kGradeMap},
    {"fpm.monitoring_income_line", nullptr, SlotKind::kMoney},
    {"household.include_dependent_postgraduates", nullptr, SlotKind::kBool},
    {"household.include_unsplit_migrant_workers", nullptr, SlotKind::kBool},
    {"household.include_fpm_roster_members", nullptr, SlotKind::kBool},
    {"age.reached_on", nullptr, SlotKind::kText},
    {"tekun.basic_living_multiplier", nullptr, SlotKind::kRatio},
    {"tekun.care_fraction_of_min_wage", "self_care", SlotKind::kFraction},
    {"tekun.care_fraction_of_min_wage", "partially_lost", SlotKind::kFraction},
    {"tekun.care_fraction_of_min_wage", "fully_lost", SlotKind::kFraction},
    {"min_wage.monthly", nullptr, SlotKind::kMoney},
    {"income.lookback_months", nullptr, SlotKind::kCount},
    {"rigid.lookback_months", nullptr, SlotKind::kCount},
    {"rigid.validity_months_max", nullptr, SlotKind::kCount},
    {"deadline.pilot_review_wd", nullptr, SlotKind::kCount},
    {"deadline.dibao_wd", nullptr, SlotKind::kCount},
    {"deadline.tekun_township_wd", nullptr, SlotKind::kCount},
    {"deadline.rigid_wd", nullptr, SlotKind::kCount},
    {"procedure.publicity_days", nullptr, SlotKind::kCount},
    {"dibao.gradual_exit_months_max", nullptr, SlotKind::kCount},
}};

// Words accepted by the text slots, in the order of their enum values.
const std::vector<std::string_view>& textWords(Slot s) {
  static const std::vector<std::string_view> kAge{"birthday", "day_after_birthday"};
  static const std::vector<std::string_view> kLiving{"dibao_standard_annual_x_members"};
  static const std::vector<std::string_view> kNone;
  if (s == Slot::kAgeReachedOn) return kAge;
  if (s == Slot::kRigidLivingBasis) return kLiving;
  return kNone;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// FNV-1a: a stable, dependency-free fingerprint; it names a parameter file, it guards nothing.
uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Converts one raw value for a slot; appends a problem and returns nullopt when it is wrong.
std::optional<SlotValue> convert(Slot slot, const RawValue& raw, const std::string& path,
                                 Problems& problems) {
  const SlotInfo& info = slotInfo(slot);
  SlotValue out;
  out.present = true;
  auto bad = [&](const std::string& what) {
    problems.push_back({path, what});
    return std::nullopt;
  };
  auto number = [&]() -> std::optional<double> {
    if (raw.kind != RawValue::Kind::kNumber || !std::isfinite(raw.number)) return std::nullopt;
    return raw.number;
  };
  switch (info.kind) {
    case SlotKind::kMoney: {
      auto n = number();
      if (!n) return bad("must be a number (yuan)");
      if (*n < 0) return bad("must not be negative");
      if (*n > 1e10) return bad("implausibly large amount");
      double fen = *n * 100.0;
      if (std::fabs(fen - std::round(fen)) > 1e-6) return bad("more than two decimals (fen)");
      out.num = static_cast<int64_t>(std::llround(fen));
      return out;
    }
    case SlotKind::kRatio:
    case SlotKind::kFraction: {
      auto n = number();
      if (!n) return bad("must be a number");
      if (info.kind == SlotKind::kRatio && (*n <= 0 || *n > 1000))
        return bad("must be a ratio above 0 and at most 1000");
      if (info.kind == SlotKind::kFraction && (*n < 0 || *n > 1))
        return bad("must be a fraction between 0 and 1");
      out.num = static_cast<int64_t>(std::llround(*n * static_cast<double>(kMicro)));
      return out;
    }
    case SlotKind::kCount: {
      auto n = number();
      if (!n) return bad("must be a whole number");
      if (*n < 0 || *n > 1000 || std::floor(*n) != *n)
        return bad("must be a whole number between 0 and 1000");
      out.num = static_cast<int64_t>(*n);
      return out;
    }
    case SlotKind::kBool:
      if (raw.kind != RawValue::Kind::kBool) return bad("must be true or false");
      out.num = raw.boolean ? 1 : 0;
      return out;
    case SlotKind::kText: {
      if (raw.kind != RawValue::Kind::kText) return bad("must be a string");
      const auto& words = textWords(slot);
      auto it = std::find(words.begin(), words.end(), raw.text);
      if (it == words.end()) {
        std::string list;
        for (auto w : words) list += (list.empty() ? "" : ", ") + std::string(w);
        return bad("unknown rule; supported: " + list);
      }
      out.num = it - words.begin();
      return out;
    }
    case SlotKind::kGradeMap: {
      if (raw.kind != RawValue::Kind::kObject) return bad("must be an object type -> grade");
      bool ok = true;
      int any = 0;
      std::array<int8_t, kDisabilityTypeCount> grades{};
      for (const auto& [key, v] : raw.object) {
        std::string kp = path + "/" + key;
        if (v.kind != RawValue::Kind::kNumber || v.number < 1 || v.number > 4 ||
            std::floor(v.number) != v.number) {
          problems.push_back({kp, "grade must be a whole number 1..4"});
          ok = false;
          continue;
        }
        int g = static_cast<int>(v.number);
        if (key == "any_type") {
          any = g;
          continue;
        }
        auto t = disabilityTypeFromName(key);
        if (!t || *t == DisabilityType::kNone) {
          problems.push_back({kp, "unknown disability type"});
          ok = false;
          continue;
        }
        grades[static_cast<size_t>(*t)] = static_cast<int8_t>(g);
      }
      if (!ok) return std::nullopt;
      for (size_t i = 1; i < grades.size(); ++i)
        grades[i] = static_cast<int8_t>(std::max<int>(grades[i], any));
      out.grades = grades;
      return out;
    }
    case SlotKind::kVehicleList: {
      if (raw.kind != RawValue::Kind::kList) return bad("must be a list of vehicle types");
      bool ok = true;
      for (size_t i = 0; i < raw.list.size(); ++i) {
        const auto& v = raw.list[i];
        auto t = v.kind == RawValue::Kind::kText ? vehicleTypeFromName(v.text) : std::nullopt;
        if (!t) {
          problems.push_back({path + "/" + std::to_string(i), "unknown vehicle type"});
          ok = false;
          continue;
        }
        out.num |= int64_t{1} << static_cast<unsigned>(*t);
      }
      if (!ok) return std::nullopt;
      return out;
    }
  }
  return bad("unsupported kind");
}

}  // namespace

const SlotInfo& slotInfo(Slot s) { return kSlots[static_cast<size_t>(s)]; }

std::string slotName(Slot s) {
  const SlotInfo& i = slotInfo(s);
  std::string n = i.parameter;
  if (i.key) {
    n += '.';
    n += i.key;
  }
  return n;
}

std::string_view slotNameView(Slot s) {
  static const std::array<std::string, kSlotCount> kNames = [] {
    std::array<std::string, kSlotCount> names;
    for (size_t i = 0; i < kSlotCount; ++i) names[i] = slotName(static_cast<Slot>(i));
    return names;
  }();
  return kNames[static_cast<size_t>(s)];
}

std::string formatSlotValue(Slot s, const SlotValue& v) {
  if (!v.present) return "(absent)";
  switch (slotInfo(s).kind) {
    case SlotKind::kMoney:
      return formatYuan(v.num);
    case SlotKind::kRatio:
    case SlotKind::kFraction:
      return formatMicro(v.num);
    case SlotKind::kCount:
      return std::to_string(v.num);
    case SlotKind::kBool:
      return v.num ? "true" : "false";
    case SlotKind::kText: {
      const auto& words = textWords(s);
      return v.num >= 0 && static_cast<size_t>(v.num) < words.size()
                 ? std::string(words[static_cast<size_t>(v.num)])
                 : "?";
    }
    case SlotKind::kGradeMap: {
      std::string out;
      for (size_t i = 1; i < v.grades.size(); ++i) {
        if (!v.grades[i]) continue;
        if (!out.empty()) out += ",";
        out += disabilityTypeName(static_cast<DisabilityType>(i));
        out += "<=";
        out += std::to_string(v.grades[i]);
      }
      return out;
    }
    case SlotKind::kVehicleList: {
      std::string out;
      for (int i = 0; i < kVehicleTypeCount; ++i) {
        if (!(v.num & (int64_t{1} << i))) continue;
        if (!out.empty()) out += ",";
        out += vehicleTypeName(static_cast<VehicleType>(i));
      }
      return out;
    }
  }
  return "?";
}

Result<RuleSet> RuleSet::build(const std::vector<RawParameter>& parameters,
                               std::string_view parameter_file_bytes, Problems& problems) {
  size_t problems_before = problems.size();
  // Per slot: entries (start, value) in file order.
  std::array<std::vector<std::pair<Date, SlotValue>>, kSlotCount> entries;
  std::map<std::string, const RawParameter*> by_name;
  for (const auto& p : parameters) {
    if (!by_name.emplace(p.name, &p).second)
      problems.push_back({"/" + p.name, "parameter given twice"});
  }
  // Every entry of every parameter must carry a real start date, known or not to the engine.
  for (const auto& p : parameters) {
    if (p.entries.empty()) problems.push_back({"/" + p.name + "/values", "no dated values"});
    for (const auto& e : p.entries)
      if (!parseDate(e.start))
        problems.push_back({"/" + p.name + "/values/" + e.start, "start is not a date YYYY-MM-DD"});
  }
  for (size_t si = 0; si < kSlotCount; ++si) {
    Slot slot = static_cast<Slot>(si);
    const SlotInfo& info = kSlots[si];
    auto it = by_name.find(info.parameter);
    if (it == by_name.end()) {
      // One problem per missing parameter, not per key.
      if (!info.key || si == 0 || kSlots[si - 1].parameter != std::string_view(info.parameter))
        problems.push_back({std::string("/") + info.parameter, "required parameter missing"});
      continue;
    }
    for (const auto& e : it->second->entries) {
      auto start = parseDate(e.start);
      if (!start) continue;  // reported above
      std::string path = std::string("/") + info.parameter + "/values/" + e.start + "/value";
      const RawValue* raw = &e.value;
      if (info.key) {
        if (e.value.kind != RawValue::Kind::kObject) {
          if (std::string_view(info.key) == "dibao" || std::string_view(info.key) == "self_care")
            problems.push_back({path, "must be an object keyed by level"});
          continue;
        }
        raw = nullptr;
        for (const auto& [k, v] : e.value.object)
          if (k == info.key) raw = &v;
        if (!raw) {
          problems.push_back({path + "/" + info.key, "missing key"});
          continue;
        }
        path += "/";
        path += info.key;
      }
      auto v = convert(slot, *raw, path, problems);
      if (!v) continue;
      v->effective = *start;
      entries[si].emplace_back(*start, *v);
    }
  }
  if (problems.size() != problems_before)
    return Status::invalid("parameters: " + std::to_string(problems.size() - problems_before) +
                           " problem(s)");

  std::vector<Date> starts;
  for (auto& list : entries) {
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [d, v] : list) starts.push_back(d);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

  RuleSet rs;
  // Interval 0 covers every date before the first start: all slots absent.
  ResolvedParameters before_all;
  before_all.start = Date{INT32_MIN};
  for (size_t si = 0; si < kSlotCount; ++si)
    before_all.display[si] = formatSlotValue(static_cast<Slot>(si), before_all.slots[si]);
  rs.intervals_.push_back(std::move(before_all));
  for (Date start : starts) {
    ResolvedParameters r;
    r.start = start;
    for (size_t si = 0; si < kSlotCount; ++si) {
      for (const auto& [d, v] : entries[si])
        if (d <= start) r.slots[si] = v;  // sorted: the last one <= start wins
      r.display[si] = formatSlotValue(static_cast<Slot>(si), r.slots[si]);
    }
    rs.intervals_.push_back(r);
  }
  uint64_t h = fnv1a(0xcbf29ce484222325ULL, kRulesVersion);
  h = fnv1a(h, "\n");
  h = fnv1a(h, parameter_file_bytes);
  rs.version_ = std::string(kRulesVersion) + "+" + hex64(h);
  return rs;
}

const ResolvedParameters& RuleSet::at(Date date) const {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), date,
                             [](Date d, const ResolvedParameters& r) { return d < r.start; });
  return *(it - 1);  // intervals_[0] starts at the smallest date, so it != begin()
}

std::string formatYuan(Fen fen) {
  bool neg = fen < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string out;
  if (neg) out += '-';
  out += std::to_string(a / 100);
  uint64_t cents = a % 100;
  if (cents) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02llu", static_cast<unsigned long long>(cents));
    out += '.';
    out += buf;
    if (out.back() == '0') out.pop_back();
  }
  return out;
}

std::string formatMicro(int64_t micro) {
  bool neg = micro < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-micro) : static_cast<uint64_t>(micro);
  std::string out;
  if (neg) out += '-';
  out += std::to_string(a / kMicro);
  uint64_t frac = a % kMicro;
  if (frac) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(frac));
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
  }
  return out;
}

}  // namespace xj::rules
