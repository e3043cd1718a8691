// Compares a decision (the JSON answer of `xianjie eval` and of POST /v1/eligibility/evaluate)
// with the `expected` object of a case file (tests/data/rules/cases, SPEC.md §11). Every field
// of `expected` is compared, and a field this comparison does not know is itself a difference:
// a case file that states something new cannot pass unread. `reason` is prose for people and
// the only field not compared. Header-only (unit and integration tests); test thread only.
#pragma once

#include <rapidjson/document.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace xj::testing {

namespace case_detail {

inline std::string text(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string("<not text>");
}
inline std::set<std::string> stringSet(const rapidjson::Value& v) {
  std::set<std::string> out;
  if (v.IsArray())
    for (const auto& e : v.GetArray()) out.insert(text(e));
  return out;
}
inline std::map<std::string, std::string> stringMap(const rapidjson::Value& v) {
  std::map<std::string, std::string> out;
  if (v.IsObject())
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      out[it->name.GetString()] = text(it->value);
  return out;
}
// pid -> tags, leaving out persons with no tag (an empty list and no entry say the same).
inline std::map<std::string, std::set<std::string>> tagMap(const rapidjson::Value& v) {
  std::map<std::string, std::set<std::string>> out;
  if (v.IsObject())
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (auto s = stringSet(it->value); !s.empty()) out[it->name.GetString()] = s;
  return out;
}
template <class C>
std::string show(const C& c) {
  std::string out = "{";
  for (const auto& e : c) {
    if (out.size() > 1) out += ", ";
    if constexpr (std::is_same_v<typename C::value_type, std::string>) {
      out += e;
    } else {
      out += e.first + ": ";
      if constexpr (std::is_same_v<typename C::mapped_type, std::string>)
        out += e.second;
      else
        out += show(e.second);
    }
  }
  return out + "}";
}
inline const rapidjson::Value* member(const rapidjson::Value& o, const char* k) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(k);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

}  // namespace case_detail

// One line per difference; empty when the decision meets every expectation.
inline std::vector<std::string> caseMismatches(const rapidjson::Value& expected,
                                               const rapidjson::Value& got) {
  using namespace case_detail;
  std::vector<std::string> out;
  if (!expected.IsObject() || !got.IsObject()) return {"expected or decision is not an object"};
  static const rapidjson::Value kNull;
  auto g = [&](const rapidjson::Value& o, const char* k) -> const rapidjson::Value& {
    const rapidjson::Value* v = member(o, k);
    return v ? *v : kNull;
  };
  for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    const rapidjson::Value& want = it->value;
    const rapidjson::Value& have = g(got, key.c_str());
    if (key == "reason") continue;
    if (key == "household_category") {
      if (text(want) != text(have))
        out.push_back(key + ": expected " + text(want) + ", got " + text(have));
    } else if (key == "person_categories") {
      if (stringMap(want) != stringMap(have))
        out.push_back(key + ": expected " + show(stringMap(want)) + ", got " +
                      show(stringMap(have)));
    } else if (key == "household_tags") {
      if (stringSet(want) != stringSet(have))
        out.push_back(key + ": expected " + show(stringSet(want)) + ", got " +
                      show(stringSet(have)));
    } else if (key == "person_tags") {
      if (tagMap(want) != tagMap(have))
        out.push_back(key + ": expected " + show(tagMap(want)) + ", got " + show(tagMap(have)));
    } else if (key == "detail") {
      if (!want.IsObject()) {
        out.push_back("detail: not an object in the case file");
        continue;
      }
      for (auto d = want.MemberBegin(); d != want.MemberEnd(); ++d) {
        std::string k = d->name.GetString();
        const rapidjson::Value* hv = member(have, k.c_str());
        std::string path = "detail." + k;
        if (!hv) {
          out.push_back(path + ": missing from the decision");
          continue;
        }
        if (k == "standard_kind") {
          if (text(d->value) != text(*hv))
            out.push_back(path + ": expected " + text(d->value) + ", got " + text(*hv));
        } else if (k == "members_counted") {
          if (stringSet(d->value) != stringSet(*hv))
            out.push_back(path + ": expected " + show(stringSet(d->value)) + ", got " +
                          show(stringSet(*hv)));
        } else if (k == "members_excluded" || k == "single_person_routes") {
          if (stringMap(d->value) != stringMap(*hv))
            out.push_back(path + ": expected " + show(stringMap(d->value)) + ", got " +
                          show(stringMap(*hv)));
        } else if (k == "standard_annual" || k == "household_countable_income_gross" ||
                   k == "illness_disability_deduction" || k == "per_capita_income" ||
                   k == "rigid_expenditure_total" || k == "fpm_per_capita_gross_income" ||
                   k == "rigid_ratio") {
          // Money to the fen (per-capita figures are rounded for display); the ratio to the
          // four decimals the cases give.
          double margin = k == "rigid_ratio" ? 0.00006 : 0.006;
          if (!d->value.IsNumber() || !hv->IsNumber() ||
              std::fabs(d->value.GetDouble() - hv->GetDouble()) > margin)
            out.push_back(path + ": expected " +
                          (d->value.IsNumber() ? std::to_string(d->value.GetDouble()) : "?") +
                          ", got " + (hv->IsNumber() ? std::to_string(hv->GetDouble()) : "?"));
        } else {
          out.push_back(path + ": an expectation this comparison does not know");
        }
      }
    } else {
      out.push_back(key + ": an expectation this comparison does not know");
    }
  }
  return out;
}

}  // namespace xj::testing
