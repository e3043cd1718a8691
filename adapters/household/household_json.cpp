#include "adapters/household/household_json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <set>
#include <vector>

#include "routing/rules/id_number.h"
#include "routing/rules/names.h"

namespace xj::household {

namespace {

using rapidjson::Value;
using rules::Fen;

// Oldest plausible age on as_of: a birth date further back is a typing error (1800 for 1980).
constexpr int kMaxAge = 130;

std::string escapeSegment(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Reads fields of one JSON object, recording problems under its path.
class Reader {
 public:
  Reader(const Value* obj, std::string path, Problems& problems)
      : obj_(obj), path_(std::move(path)), problems_(problems) {}

  std::string at(std::string_view key) const { return path_ + "/" + escapeSegment(key); }
  void problem(std::string_view key, std::string what) const {
    problems_.push_back({at(key), std::move(what)});
  }
  const Value* get(std::string_view key) const {
    if (!obj_ || !obj_->IsObject()) return nullptr;
    auto it = obj_->FindMember(rapidjson::StringRef(key.data(), key.size()));
    if (it == obj_->MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }
  bool has(std::string_view key) const { return get(key) != nullptr; }

  std::optional<std::string> str(std::string_view key, bool required) const {
    const Value* v = get(key);
    if (!v) {
      if (required) problem(key, "missing");
      return std::nullopt;
    }
    if (!v->IsString()) {
      problem(key, "must be a string");
      return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  bool boolean(std::string_view key, bool dflt = false) const {
    const Value* v = get(key);
    if (!v) return dflt;
    if (!v->IsBool()) {
      problem(key, "must be true or false");
      return dflt;
    }
    return v->GetBool();
  }
  rules::Tri tri(std::string_view key) const {
    const Value* v = get(key);
    if (!v) return rules::Tri::kUnset;
    if (!v->IsBool()) {
      problem(key, "must be true or false");
      return rules::Tri::kUnset;
    }
    return v->GetBool() ? rules::Tri::kTrue : rules::Tri::kFalse;
  }
  std::optional<int> integer(std::string_view key, int lo, int hi) const {
    const Value* v = get(key);
    if (!v) return std::nullopt;
    if (!v->IsNumber() || std::floor(v->GetDouble()) != v->GetDouble()) {
      problem(key, "must be a whole number");
      return std::nullopt;
    }
    double d = v->GetDouble();
    if (d < lo || d > hi) {
      problem(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return std::nullopt;
    }
    return static_cast<int>(d);
  }
  // Yuan -> fen; negative and non-numbers are problems (`what` names the kind, e.g. "income").
  Fen money(std::string_view key, const char* what) const {
    const Value* v = get(key);
    if (!v) return 0;
    return moneyOf(*v, at(key), what, problems_);
  }
  static Fen moneyOf(const Value& v, const std::string& path, const char* what,
                     Problems& problems) {
    if (!v.IsNumber() || !std::isfinite(v.GetDouble())) {
      problems.push_back({path, std::string(what) + " must be a number (yuan)"});
      return 0;
    }
    double d = v.GetDouble();
    if (d < 0) {
      problems.push_back({path, std::string("negative ") + what});
      return 0;
    }
    if (d > 1e11) {
      problems.push_back({path, std::string(what) + " implausibly large"});
      return 0;
    }
    return static_cast<Fen>(std::llround(d * 100.0));
  }
  const Value* obj() const { return obj_; }
  const std::string& path() const { return path_; }
  Problems& problems() const { return problems_; }
  Reader child(std::string_view key) const { return Reader(get(key), at(key), problems_); }

 private:
  const Value* obj_;
  std::string path_;
  Problems& problems_;
};

// Edit distance, for "did you mean" on a misspelled field name (short names only).
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The fields of each object of the household input, by object name (see household_json.h).
const std::map<std::string, std::vector<std::string>>& fieldTable() {
  static const std::map<std::string, std::vector<std::string>> kFields = {
      {"disability", {"type", "grade"}},
      {"support_received", {"actual", "assessed", "from_age", "from_in_household", "from"}},
      {"obligor_member", {"ref", "relation"}},
      {"obligor",
       {"relation", "age", "annual_income", "disability", "current_status", "status",
        "dibao_recipient", "receives_dibao", "tekun", "no_civil_capacity", "missing",
        "declared_missing", "in_prison", "exclusion", "financial_assets", "assets"}},
      {"obligor_assets", {"financial"}},
      {"case_file",
       {"household", "as_of", "id", "title", "parameters", "expected", "exercises", "flags",
        "depends_on_assumptions", "note"}},
      {"household",
       {"as_of", "township_code", "township", "residence", "relocated_to_town", "members", "assets",
        "rigid_expenditure_12m", "fpm"}},
      {"member",
       {"pid",
        "relation",
        "sex",
        "birth_date",
        "id_number",
        "school",
        "disability",
        "serious_illness",
        "employed",
        "employment",
        "away_for_work_only",
        "own_separate_household",
        "months_coresident",
        "exclusion",
        "religious_absence_years",
        "no_civil_capacity",
        "income",
        "assets_personal",
        "adl_failures",
        "current_status",
        "tekun_as_minor",
        "tekun_since_minor",
        "applies_individually",
        "orphan",
        "de_facto_unsupported",
        "prefers_orphan_allowance",
        "can_live_independently",
        "legal_obligation",
        "depends_on_family",
        "on_fpm_roster",
        "fpm_monitoring_object",
        "is_monitoring_object",
        "monitoring_object",
        "fpm",
        "obligors"}},
      {"school", {"level", "full_time"}},
      {"assets_personal", {"financial"}},
      {"member_fpm", {"is_monitoring_object"}},
      {"assets", {"financial", "vehicles", "extra_housing_units"}},
      {"vehicle", {"type", "value"}},
      {"fpm", {"is_monitoring_object", "risk_eliminated", "type", "members", "roster"}},
      {"rigid_expenditure_12m", {"medical_oop", "education", "rehab_oop", "rehab", "other"}},
  };
  return kFields;
}

// Every member of the object `r` reads must be one of `known`: a misspelled or invented field
// would otherwise be ignored without a word and the decision silently wrong.
void refuseUnknownKeys(const Reader& r, const std::string& object) {
  const auto& known = fieldTable().at(object);
  const Value* obj = r.obj();
  if (!obj || !obj->IsObject()) return;
  for (auto it = obj->MemberBegin(); it != obj->MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string what = "unknown field";
    std::string_view best;
    size_t best_d = 3;
    for (const auto& k : known) {
      size_t d = editDistance(key.substr(0, 64), k);
      if (d < best_d) best_d = d, best = k;
    }
    if (!best.empty()) what += " (did you mean " + std::string(best) + "?)";
    // The key is the client's text: keep only printable ASCII in the path we echo back.
    std::string shown;
    for (char c : key.substr(0, 64)) shown.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    r.problem(shown, what);
  }
}

enum class IncomeKind {
  kWage,
  kBusiness,
  kProperty,
  kPensionBase,
  kPensionOther,
  kSocialInsurance,
  kOtherTransfer,
  kExempt,
  kPaid
};

std::optional<IncomeKind> incomeKind(std::string_view k) {
  static const std::map<std::string_view, IncomeKind> kKinds{
      {"wage", IncomeKind::kWage},
      {"wages", IncomeKind::kWage},
      {"salary", IncomeKind::kWage},
      {"business_net", IncomeKind::kBusiness},
      {"farming_net", IncomeKind::kBusiness},
      {"operating_net", IncomeKind::kBusiness},
      {"property_net", IncomeKind::kProperty},
      {"interest", IncomeKind::kProperty},
      {"dividends", IncomeKind::kProperty},
      {"rent", IncomeKind::kProperty},
      {"land_transfer", IncomeKind::kProperty},
      {"pension_basic_base", IncomeKind::kPensionBase},
      {"pension_other", IncomeKind::kPensionOther},
      {"pension_retirement", IncomeKind::kPensionOther},
      {"pension_enterprise", IncomeKind::kPensionOther},
      {"unemployment_insurance", IncomeKind::kSocialInsurance},
      {"social_insurance_benefits", IncomeKind::kSocialInsurance},
      {"transfer_net", IncomeKind::kOtherTransfer},
      {"transfer_other", IncomeKind::kOtherTransfer},
      {"other_transfer", IncomeKind::kOtherTransfer},
      {"compensation", IncomeKind::kOtherTransfer},
      {"regular_gifts", IncomeKind::kOtherTransfer},
      {"social_assistance", IncomeKind::kExempt},
      {"dibao_benefit", IncomeKind::kExempt},
      {"tekun_benefit", IncomeKind::kExempt},
      {"temporary_assistance", IncomeKind::kExempt},
      {"orphan_allowance", IncomeKind::kExempt},
      {"disability_living_subsidy", IncomeKind::kExempt},
      {"disability_care_subsidy", IncomeKind::kExempt},
      {"pension", IncomeKind::kPensionOther},
      {"unemployment_benefit", IncomeKind::kSocialInsurance},
      {"ecological_compensation", IncomeKind::kOtherTransfer},
      {"agricultural_subsidies", IncomeKind::kOtherTransfer},
      {"gifts", IncomeKind::kOtherTransfer},
      {"disability_subsidies", IncomeKind::kExempt},
      {"elderly_allowance", IncomeKind::kExempt},
      {"scholarship", IncomeKind::kExempt},
      {"preferential_treatment", IncomeKind::kExempt},
      {"family_planning_award", IncomeKind::kExempt},
      {"heroism_award", IncomeKind::kExempt},
      {"taxes_paid", IncomeKind::kPaid},
      {"social_insurance_paid", IncomeKind::kPaid},
      {"support_paid", IncomeKind::kPaid},
      {"transfers_paid", IncomeKind::kPaid},
  };
  // Every "exempt_*" item is exempt by name (exempt_scholarship, exempt_disability_subsidies ...).
  if (k.rfind("exempt_", 0) == 0 && k.size() > 7) return IncomeKind::kExempt;
  auto it = kKinds.find(k);
  if (it == kKinds.end()) return std::nullopt;
  return it->second;
}

void parseDisability(const Reader& r, rules::DisabilityType& type, int& grade) {
  const Value* d = r.get("disability");
  if (!d) return;
  if (!d->IsObject()) {
    r.problem("disability", "must be an object {type, grade}");
    return;
  }
  Reader dr = r.child("disability");
  refuseUnknownKeys(dr, "disability");
  auto t = dr.str("type", true);
  if (t) {
    auto dt = rules::disabilityTypeFromName(*t);
    if (!dt)
      dr.problem("type", "unknown disability type");
    else if (*dt == rules::DisabilityType::kNone)
      dr.problem("type", "none is not a disability type (leave disability out)");
    else
      type = *dt;
  }
  auto g = dr.integer("grade", 1, 4);
  if (!g && !dr.has("grade")) dr.problem("grade", "missing");
  if (g) grade = *g;
}

void parseIncome(const Reader& mr, rules::Income& income) {
  const Value* v = mr.get("income");
  if (!v) return;
  if (!v->IsObject()) {
    mr.problem("income", "must be an object of income types");
    return;
  }
  Reader ir = mr.child("income");
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (key == "support_received") {
      if (!it->value.IsArray()) {
        ir.problem(key, "must be a list");
        continue;
      }
      size_t i = 0;
      for (const auto& s : it->value.GetArray()) {
        Reader sr(&s, ir.at(key) + "/" + std::to_string(i++), ir.problems());
        if (!s.IsObject()) {
          ir.problems().push_back({sr.path(), "must be an object"});
          continue;
        }
        refuseUnknownKeys(sr, "support_received");
        rules::SupportPayment p;
        if (!sr.has("actual") && !sr.has("assessed")) sr.problem("actual", "missing");
        p.actual = sr.money("actual", "support");
        p.assessed = sr.money("assessed", "support");
        if (auto a = sr.integer("from_age", 0, 150)) p.from_age = *a;
        p.from_in_household = sr.boolean("from_in_household");
        if (auto f = sr.str("from", false)) {
          if (auto k = rules::supporterKindFromName(*f))
            p.from = *k;
          else
            sr.problem("from", "unknown payer (a relation such as son, parents, sibling, other)");
        }
        income.support_received.push_back(p);
      }
      continue;
    }
    auto kind = incomeKind(key);
    if (!kind) {
      ir.problem(key, "unknown income type");
      continue;
    }
    Fen f = Reader::moneyOf(it->value, ir.at(key), "income", ir.problems());
    switch (*kind) {
      case IncomeKind::kWage:
        income.wage += f;
        break;
      case IncomeKind::kBusiness:
        income.business_net += f;
        break;
      case IncomeKind::kProperty:
        income.property_net += f;
        break;
      case IncomeKind::kPensionBase:
        income.pension_basic_base += f;
        break;
      case IncomeKind::kPensionOther:
        income.pension_other += f;
        break;
      case IncomeKind::kSocialInsurance:
        income.social_insurance += f;
        break;
      case IncomeKind::kOtherTransfer:
        income.other_transfer += f;
        break;
      case IncomeKind::kExempt:
        income.exempt += f;
        break;
      case IncomeKind::kPaid:
        income.transfers_paid += f;
        break;
    }
  }
}

void parseObligors(const Reader& mr, rules::Person& p, const std::map<std::string, int>& pids,
                   int self) {
  const Value* v = mr.get("obligors");
  if (!v) return;
  if (!v->IsArray()) {
    mr.problem("obligors", "must be a list");
    return;
  }
  p.obligors_given = true;
  size_t i = 0;
  for (const auto& o : v->GetArray()) {
    Reader orr(&o, mr.at("obligors") + "/" + std::to_string(i++), mr.problems());
    if (!o.IsObject()) {
      mr.problems().push_back({orr.path(), "must be an object"});
      continue;
    }
    rules::Obligor ob;
    if (orr.has("ref")) {
      // An obligor who is a member is described by the member's own fields.
      refuseUnknownKeys(orr, "obligor_member");
    } else {
      refuseUnknownKeys(orr, "obligor");
    }
    if (auto rel = orr.str("relation", false); rel && !rules::relationFromName(*rel))
      orr.problem("relation", "unknown relation");
    if (auto ref = orr.str("ref", false)) {
      auto it = pids.find(*ref);
      if (it == pids.end())
        orr.problem("ref", "no member with this pid");
      else if (it->second == self)
        orr.problem("ref", "a person is not their own obligor");
      else
        ob.ref = it->second;
    } else {
      // Without an age the age-based incapacity rules cannot apply (the obligor counts as able).
      if (auto a = orr.integer("age", 0, 150)) ob.age = *a;
      if (orr.has("annual_income")) {
        ob.annual_income = orr.money("annual_income", "income");
        ob.income_known = true;
      }
      parseDisability(orr, ob.disability_type, ob.disability_grade);
      for (const char* key : {"current_status", "status"}) {
        if (auto s = orr.str(key, false)) {
          auto cs = rules::currentStatusFromName(*s);
          if (!cs)
            orr.problem(key, "unknown status (none, dibao, tekun)");
          else
            ob.current_status = *cs;
        }
      }
      if (orr.boolean("dibao_recipient") || orr.boolean("receives_dibao"))
        ob.current_status = rules::CurrentStatus::kDibao;
      if (orr.boolean("tekun")) ob.current_status = rules::CurrentStatus::kTekun;
      ob.no_civil_capacity = orr.boolean("no_civil_capacity");
      ob.missing = orr.boolean("missing") || orr.boolean("declared_missing");
      ob.in_prison = orr.boolean("in_prison");
      if (auto ex = orr.str("exclusion", false)) {
        auto e = rules::exclusionFromName(*ex);
        if (!e)
          orr.problem("exclusion", "unknown exclusion");
        else if (*e == rules::Exclusion::kPrison)
          ob.in_prison = true;
        else if (*e == rules::Exclusion::kMissing)
          ob.missing = true;
      }
      if (orr.has("financial_assets"))
        ob.financial_assets = orr.money("financial_assets", "assets");
      if (const Value* a = orr.get("assets")) {
        if (!a->IsObject()) {
          orr.problem("assets", "must be an object {financial}");
        } else {
          refuseUnknownKeys(orr.child("assets"), "obligor_assets");
          ob.financial_assets = orr.child("assets").money("financial", "assets");
        }
      }
    }
    p.obligors.push_back(ob);
  }
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& householdFields() { return fieldTable(); }

std::optional<ParsedHousehold> parseHouseholdJson(std::string_view json, const Standards& standards,
                                                  std::string_view as_of_override,
                                                  Problems& problems) {
  size_t before = problems.size();
  rapidjson::Document doc;
  // Iterative: a deeply nested body from a client must not exhaust the stack (the daemon never
  // crashes on what a client sends); invalid UTF-8 is refused, not stored.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(),
                                                                                    json.size());
  if (doc.HasParseError()) {
    problems.push_back({"", std::string("not valid JSON: ") +
                                rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                                std::to_string(doc.GetErrorOffset())});
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    problems.push_back({"", "must be a JSON object"});
    return std::nullopt;
  }
  ParsedHousehold out;
  const Value* hv = &doc;
  if (auto it = doc.FindMember("household"); it != doc.MemberEnd()) {
    if (!it->value.IsObject()) {
      problems.push_back({"/household", "must be an object"});
      return std::nullopt;
    }
    hv = &it->value;
    out.base_path = "/household";
    // A case file (tests/data/rules/cases): only `household` and `as_of` are read; the others
    // document the case and are named here so that a misspelled one is still caught.
    refuseUnknownKeys(Reader(&doc, "", problems), "case_file");
  }
  Reader hr(hv, out.base_path, problems);
  refuseUnknownKeys(hr, "household");
  rules::Household& h = out.household;

  // as_of: the override, else the household's, else the case file's.
  std::optional<rules::Date> as_of;
  if (!as_of_override.empty()) {
    as_of = rules::parseDate(as_of_override);
    if (!as_of) problems.push_back({"--as-of", "must be a date YYYY-MM-DD"});
  } else {
    std::string path = hr.at("as_of");
    const Value* v = hr.get("as_of");
    if (!v && hv != &doc && doc.HasMember("as_of")) {
      v = &doc["as_of"];
      path = "/as_of";
    }
    if (!v)
      problems.push_back({path, "missing"});
    else if (!v->IsString() || !(as_of = rules::parseDate(v->GetString())))
      problems.push_back({path, "must be a date YYYY-MM-DD"});
  }
  // The calendar is not consulted: a category never depends on working days; only
  // the review deadline does, and it says so when its year is provisional or missing.
  if (as_of) h.as_of = *as_of;

  // Township: the code, or failing that the name; both must be known.
  auto code = hr.str("township_code", false);
  auto name = hr.str("township", false);
  if (!code && !name) hr.problem("township_code", "missing");
  if (code) {
    const TownshipInfo* t = standards.findTownship(*code);
    if (!t)
      hr.problem("township_code", "unknown township");
    else
      out.township_code = t->code;
  }
  if (name) {
    const TownshipInfo* t = standards.findTownship(*name);
    if (!t)
      hr.problem("township", "unknown township");
    else if (!code)
      out.township_code = t->code;
    else if (!out.township_code.empty() && t->code != out.township_code)
      hr.problem("township", "does not match township_code");
  }

  if (auto r = hr.str("residence", true)) {
    if (*r == "rural")
      h.residence = rules::Residence::kRural;
    else if (*r == "urban")
      h.residence = rules::Residence::kUrban;
    else
      hr.problem("residence", "must be rural or urban");
  }
  h.relocated_to_town = hr.boolean("relocated_to_town");

  // Members: pids first, so that obligor refs and medical costs can name any member.
  const Value* mv = hr.get("members");
  std::map<std::string, int> pids;
  if (!mv || !mv->IsArray() || mv->GetArray().Empty()) {
    hr.problem("members", mv ? "must be a non-empty list" : "missing");
  } else if (mv->GetArray().Size() > rules::kMaxMembers) {
    hr.problem("members", "more than 64 members");
  } else {
    int i = 0;
    for (const auto& m : mv->GetArray()) {
      Reader mr(&m, hr.at("members") + "/" + std::to_string(i), problems);
      if (!m.IsObject()) {
        problems.push_back({mr.path(), "must be an object"});
      } else if (auto pid = mr.str("pid", true)) {
        if (pid->empty())
          mr.problem("pid", "must not be empty");
        else if (!pids.emplace(*pid, i).second)
          mr.problem("pid", "duplicate pid");
      }
      ++i;
    }
    int applicants = 0;
    std::map<std::string, int> id_numbers;  // normalised number -> first member index
    i = 0;
    for (const auto& m : mv->GetArray()) {
      Reader mr(&m, hr.at("members") + "/" + std::to_string(i), problems);
      rules::Person p;
      if (m.IsObject()) {
        refuseUnknownKeys(mr, "member");
        if (auto pid = mr.str("pid", false)) p.pid = *pid;
        if (auto rel = mr.str("relation", true)) {
          auto r = rules::relationFromName(*rel);
          if (!r)
            mr.problem("relation", "unknown relation");
          else
            p.relation = *r;
          if (r == rules::Relation::kApplicant) ++applicants;
        }
        std::optional<rules::Date> birth;
        if (auto b = mr.str("birth_date", true)) {
          birth = rules::parseDate(*b);
          if (!birth)
            mr.problem("birth_date", "must be a date YYYY-MM-DD");
          else if (as_of && *birth > *as_of)
            mr.problem("birth_date", "after as_of");
          else if (as_of && rules::ageOn(*birth, *as_of, false) > kMaxAge)
            mr.problem("birth_date",
                       "more than " + std::to_string(kMaxAge) + " years before as_of");
          else
            p.birth_date = *birth;
        }
        std::optional<std::string> sex = mr.str("sex", false);
        if (sex && *sex != "M" && *sex != "F") mr.problem("sex", "must be M or F");
        if (auto id = mr.str("id_number", false)) {
          auto check = rules::checkIdNumber(*id);
          if (!check.ok()) {
            mr.problem("id_number", rules::describe(check.error));
          } else {
            // GB 11643: characters 7-14 are the birth date, the 17th is odd for men.
            std::string_view n = check.normalised;
            if (birth && n.substr(6, 8) != rules::formatDate(*birth).erase(7, 1).erase(4, 1))
              mr.problem("id_number", "birth date in the number does not match birth_date");
            if (sex && ((n[16] - '0') % 2 == 1) != (*sex == "M"))
              mr.problem("id_number", "sex digit does not match sex");
            // One person listed twice would be counted twice (n, income, obligors).
            if (auto [it, fresh] = id_numbers.emplace(check.normalised, i); !fresh)
              mr.problem("id_number", "same ID number as /members/" + std::to_string(it->second));
          }
        }
        if (const Value* s = mr.get("school")) {
          if (!s->IsObject()) {
            mr.problem("school", "must be an object {level, full_time}");
          } else {
            Reader sr = mr.child("school");
            refuseUnknownKeys(sr, "school");
            if (auto l = sr.str("level", true)) {
              auto lv = rules::schoolLevelFromName(*l);
              if (!lv)
                sr.problem("level", "unknown school level");
              else
                p.school = *lv;
            }
            p.school_full_time = sr.boolean("full_time", true);
          }
        }
        parseDisability(mr, p.disability_type, p.disability_grade);
        p.serious_illness = mr.boolean("serious_illness");
        p.employed = mr.boolean("employed");
        // Only "migrant" (外出从业) changes a rule; other words describe local work.
        if (auto e = mr.str("employment", false); e && *e == "migrant")
          p.migrant_worker = true, p.employed = mr.boolean("employed", true);
        p.away_for_work_only = mr.boolean("away_for_work_only");
        p.own_separate_household = mr.boolean("own_separate_household");
        if (auto mc = mr.integer("months_coresident", 0, 12)) p.months_coresident = *mc;
        if (auto ex = mr.str("exclusion", false)) {
          auto e = rules::exclusionFromName(*ex);
          if (!e)
            mr.problem("exclusion", "unknown exclusion (prison, drug_rehab, missing, religious)");
          else
            p.exclusion = *e;
          if (e == rules::Exclusion::kReligious && !mr.has("religious_absence_years"))
            mr.problem("religious_absence_years", "missing for religious personnel");
        }
        if (auto y = mr.integer("religious_absence_years", 0, 150)) p.religious_absence_years = *y;
        p.no_civil_capacity = mr.boolean("no_civil_capacity");
        parseIncome(mr, p.income);
        if (const Value* a = mr.get("assets_personal")) {
          if (!a->IsObject()) {
            mr.problem("assets_personal", "must be an object {financial}");
          } else {
            refuseUnknownKeys(mr.child("assets_personal"), "assets_personal");
            p.personal_financial_assets = mr.child("assets_personal").money("financial", "assets");
          }
        }
        if (auto adl = mr.integer("adl_failures", 0, 6)) p.adl_failures = *adl;
        if (auto cs = mr.str("current_status", false)) {
          auto c = rules::currentStatusFromName(*cs);
          if (!c)
            mr.problem("current_status", "unknown status (none, dibao, tekun)");
          else
            p.current_status = *c;
        }
        p.tekun_as_minor = mr.boolean("tekun_as_minor") || mr.boolean("tekun_since_minor");
        p.applies_individually = mr.boolean("applies_individually");
        p.orphan = mr.boolean("orphan") || mr.boolean("de_facto_unsupported");
        p.prefers_orphan_allowance = mr.boolean("prefers_orphan_allowance");
        p.can_live_independently = mr.tri("can_live_independently");
        p.legal_obligation = mr.tri("legal_obligation");
        p.depends_on_family = mr.tri("depends_on_family");
        p.on_fpm_roster = mr.boolean("on_fpm_roster") || mr.boolean("fpm_monitoring_object") ||
                          mr.boolean("is_monitoring_object") || mr.boolean("monitoring_object");
        // The FPM system also records the flag per person: {"fpm": {"is_monitoring_object": true}}.
        if (const Value* f = mr.get("fpm")) {
          if (!f->IsObject()) {
            mr.problem("fpm", "must be an object {is_monitoring_object}");
          } else {
            refuseUnknownKeys(mr.child("fpm"), "member_fpm");
            p.on_fpm_roster |= mr.child("fpm").boolean("is_monitoring_object");
          }
        }
        parseObligors(mr, p, pids, i);
      }
      h.members.push_back(std::move(p));
      ++i;
    }
    if (applicants != 1)
      hr.problem("members", applicants ? "more than one applicant" : "no applicant");
  }

  // Household assets: must be declared; vehicles and extra housing default to none.
  if (const Value* a = hr.get("assets"); !a || !a->IsObject()) {
    hr.problem("assets", a ? "must be an object" : "missing");
  } else {
    Reader ar = hr.child("assets");
    refuseUnknownKeys(ar, "assets");
    if (!ar.has("financial")) ar.problem("financial", "missing");
    h.financial_assets = ar.money("financial", "assets");
    if (const Value* vs = ar.get("vehicles")) {
      if (!vs->IsArray()) {
        ar.problem("vehicles", "must be a list");
      } else {
        size_t i = 0;
        for (const auto& v : vs->GetArray()) {
          Reader vr(&v, ar.at("vehicles") + "/" + std::to_string(i++), problems);
          rules::Vehicle veh;
          if (!v.IsObject()) {
            problems.push_back({vr.path(), "must be an object {type, value}"});
            continue;
          }
          refuseUnknownKeys(vr, "vehicle");
          if (auto t = vr.str("type", true)) {
            auto vt = rules::vehicleTypeFromName(*t);
            if (!vt)
              vr.problem("type", "unknown vehicle type");
            else
              veh.type = *vt;
          }
          if (!vr.has("value")) vr.problem("value", "missing");
          veh.value = vr.money("value", "vehicle value");
          h.vehicles.push_back(veh);
        }
      }
    }
    if (auto n = ar.integer("extra_housing_units", 0, 1000)) h.extra_housing_units = *n;
  }

  if (const Value* r = hr.get("rigid_expenditure_12m")) {
    if (!r->IsObject()) {
      hr.problem("rigid_expenditure_12m", "must be an object");
    } else {
      Reader rr = hr.child("rigid_expenditure_12m");
      refuseUnknownKeys(rr, "rigid_expenditure_12m");
      h.education_12m = rr.money("education", "expenditure");
      h.rehab_12m = rr.money("rehab_oop", "expenditure") + rr.money("rehab", "expenditure");
      h.other_rigid_12m = rr.money("other", "expenditure");
      if (const Value* m = rr.get("medical_oop")) {
        if (!m->IsObject()) {
          rr.problem("medical_oop", "must be an object pid -> amount");
        } else {
          Reader mr = rr.child("medical_oop");
          for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
            std::string pid(it->name.GetString(), it->name.GetStringLength());
            Fen f = Reader::moneyOf(it->value, mr.at(pid), "expenditure", problems);
            auto p = pids.find(pid);
            if (p == pids.end())
              mr.problem(pid, "no member with this pid");
            else if (static_cast<size_t>(p->second) < h.members.size())
              h.members[static_cast<size_t>(p->second)].medical_oop += f;
          }
        }
      }
    }
  }

  if (const Value* f = hr.get("fpm")) {
    if (!f->IsObject()) {
      hr.problem("fpm", "must be an object");
    } else {
      Reader fr = hr.child("fpm");
      refuseUnknownKeys(fr, "fpm");
      h.fpm.is_monitoring_object = fr.boolean("is_monitoring_object");
      h.fpm.risk_eliminated = fr.boolean("risk_eliminated");
      // Risk elimination is marked on a monitoring object's record, which is kept (SPEC.md §6.6).
      if (h.fpm.risk_eliminated && fr.has("is_monitoring_object") && !h.fpm.is_monitoring_object)
        fr.problem("risk_eliminated", "true for a household that is not a monitoring object");
      if (auto t = fr.str("type", false)) {
        static const std::set<std::string_view> kTypes{"脱贫不稳定户", "边缘易致贫户",
                                                       "突发严重困难户"};
        if (!kTypes.count(*t)) fr.problem("type", "unknown monitoring object type");
      }
      for (const char* key : {"members", "roster"}) {
        const Value* l = fr.get(key);
        if (!l) continue;
        if (!l->IsArray()) {
          fr.problem(key, "must be a list of pids");
          continue;
        }
        size_t i = 0;
        for (const auto& e : l->GetArray()) {
          std::string path = fr.at(key) + "/" + std::to_string(i++);
          auto p = e.IsString() ? pids.find(e.GetString()) : pids.end();
          if (p == pids.end())
            problems.push_back({path, "no member with this pid"});
          else if (static_cast<size_t>(p->second) < h.members.size())
            h.members[static_cast<size_t>(p->second)].on_fpm_roster = true;
        }
      }
    }
  }

  if (problems.size() != before) return std::nullopt;
  return out;
}

}  // namespace xj::household
