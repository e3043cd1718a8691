#include "config/standards.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace xj::household {

namespace {

// A parameter's value nests a few levels (an object keyed by level, a list of types); deeper
// than this is refused, because converting it and destroying the copy recurse once a level.
constexpr int kMaxValueDepth = 16;

int depthOf(const rapidjson::Value& v, int limit) {
  if (limit < 0) return 1;
  int deepest = 0;
  if (v.IsObject())
    for (auto it = v.MemberBegin(); it != v.MemberEnd() && deepest <= limit; ++it)
      deepest = std::max(deepest, depthOf(it->value, limit - 1));
  else if (v.IsArray())
    for (auto e = v.Begin(); e != v.End() && deepest <= limit; ++e)
      deepest = std::max(deepest, depthOf(*e, limit - 1));
  return deepest + 1;
}

rules::RawValue toRaw(const rapidjson::Value& v) {
  rules::RawValue r;
  if (v.IsNumber()) {
    r.kind = rules::RawValue::Kind::kNumber;
    r.number = v.GetDouble();
  } else if (v.IsBool()) {
    r.kind = rules::RawValue::Kind::kBool;
    r.boolean = v.GetBool();
  } else if (v.IsString()) {
    r.kind = rules::RawValue::Kind::kText;
    r.text.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsObject()) {
    r.kind = rules::RawValue::Kind::kObject;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      r.object.push_back(rules::RawMember{
          std::string(it->name.GetString(), it->name.GetStringLength()), toRaw(it->value)});
  } else if (v.IsArray()) {
    r.kind = rules::RawValue::Kind::kList;
    for (const auto& e : v.GetArray()) r.list.push_back(toRaw(e));
  }
  return r;
}

bool parseDoc(std::string_view json, rapidjson::Document& doc, Problems& problems) {
  // Iterative: the recursive parser overflows the stack on a deeply nested file.
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    problems.push_back({"", std::string("not valid JSON: ") +
                                rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                                std::to_string(doc.GetErrorOffset())});
    return false;
  }
  if (!doc.IsObject()) {
    problems.push_back({"", "must be a JSON object"});
    return false;
  }
  return true;
}

bool readFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// The member `name` of `v` when `v` is an object that has it, else null. RapidJSON asserts (and
// without asserts reads the wrong union member) when an object call meets another type, so
// every lookup in a file from outside goes through a type check first.
const rapidjson::Value* objectMember(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

void prefixProblems(Problems& problems, size_t from, const std::string& file) {
  for (size_t i = from; i < problems.size(); ++i) problems[i].path = file + problems[i].path;
}

}  // namespace

Result<rules::RuleSet> parseParametersJson(std::string_view json, Problems& problems) {
  rapidjson::Document doc;
  if (!parseDoc(json, doc, problems)) return Status::invalid("parameters: not JSON");
  std::vector<rules::RawParameter> params;
  size_t before = problems.size();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (name == "_meta") continue;
    if (!it->value.IsObject()) {
      problems.push_back({"/" + name, "must be an object with \"values\" keyed by date"});
      continue;
    }
    const rapidjson::Value* values = objectMember(it->value, "values");
    if (!values || !values->IsObject()) {
      problems.push_back({"/" + name + "/values", values ? "must be an object keyed by date"
                                                         : "is required: an object keyed by date"});
      continue;
    }
    rules::RawParameter p;
    p.name = name;
    for (auto e = values->MemberBegin(); e != values->MemberEnd(); ++e) {
      std::string start(e->name.GetString(), e->name.GetStringLength());
      const rapidjson::Value* value = objectMember(e->value, "value");
      if (!value) {
        problems.push_back({"/" + name + "/values/" + start, "entry must hold a \"value\""});
        continue;
      }
      if (depthOf(*value, kMaxValueDepth) > kMaxValueDepth) {
        problems.push_back({"/" + name + "/values/" + start + "/value",
                            "nested deeper than " + std::to_string(kMaxValueDepth) + " levels"});
        continue;
      }
      p.entries.push_back({start, toRaw(*value)});
    }
    params.push_back(std::move(p));
  }
  auto rs = rules::RuleSet::build(params, json, problems);
  if (problems.size() != before) return Status::invalid("parameters: invalid");
  return rs;
}

Result<std::vector<rules::CalendarYearData>> parseHolidaysJson(std::string_view json,
                                                               Problems& problems) {
  rapidjson::Document doc;
  if (!parseDoc(json, doc, problems)) return Status::invalid("holidays: not JSON");
  size_t before = problems.size();
  std::vector<rules::CalendarYearData> out;
  auto years = doc.FindMember("years");
  if (years == doc.MemberEnd() || !years->value.IsObject()) {
    problems.push_back({"/years", "missing object of years"});
    return Status::invalid("holidays: invalid");
  }
  for (auto y = years->value.MemberBegin(); y != years->value.MemberEnd(); ++y) {
    std::string ys(y->name.GetString(), y->name.GetStringLength());
    std::string base = "/years/" + ys;
    rules::CalendarYearData data;
    if (ys.size() != 4 ||
        !std::all_of(ys.begin(), ys.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      problems.push_back({base, "year must be four digits"});
      continue;
    }
    data.year = std::stoi(ys);
    if (!y->value.IsObject()) {
      problems.push_back({base, "must be an object"});
      continue;
    }
    for (const char* list : {"holidays", "makeup_workdays"}) {
      auto l = y->value.FindMember(list);
      if (l == y->value.MemberEnd() || !l->value.IsArray()) {
        problems.push_back({base + "/" + list, "missing list"});
        continue;
      }
      size_t i = 0;
      for (const auto& e : l->value.GetArray()) {
        std::string path = base + "/" + list + "/" + std::to_string(i++);
        const rapidjson::Value* d = &e;
        if (e.IsObject()) {
          auto m = e.FindMember("date");
          d = m == e.MemberEnd() ? nullptr : &m->value;
        }
        auto date = d && d->IsString() ? rules::parseDate(d->GetString()) : std::nullopt;
        if (!date) {
          problems.push_back({e.IsObject() ? path + "/date" : path, "date must be YYYY-MM-DD"});
          continue;
        }
        (std::string_view(list) == "holidays" ? data.holidays : data.makeup_workdays)
            .push_back(*date);
      }
    }
    out.push_back(std::move(data));
  }
  if (problems.size() != before) return Status::invalid("holidays: invalid");
  return out;
}

Result<std::vector<TownshipInfo>> parseTownshipsJson(std::string_view json, Problems& problems) {
  rapidjson::Document doc;
  if (!parseDoc(json, doc, problems)) return Status::invalid("townships: not JSON");
  size_t before = problems.size();
  std::vector<TownshipInfo> out;
  auto list = doc.FindMember("townships");
  if (list == doc.MemberEnd() || !list->value.IsArray()) {
    problems.push_back({"/townships", "missing list"});
    return Status::invalid("townships: invalid");
  }
  size_t i = 0;
  for (const auto& t : list->value.GetArray()) {
    std::string path = "/townships/" + std::to_string(i++);
    if (!t.IsObject()) {
      problems.push_back({path, "needs string code and name"});
      continue;
    }
    const rapidjson::Value* code = objectMember(t, "code");
    const rapidjson::Value* name = objectMember(t, "name");
    const rapidjson::Value* pilot = objectMember(t, "pilot");
    bool ok = true;
    for (auto [key, v] : {std::pair{"code", code}, {"name", name}})
      if (!v || !v->IsString()) {
        problems.push_back({path + "/" + key, "is required: a string"});
        ok = false;
      }
    // Absent means not in the pilot; any other type would be read as "not" without a word.
    if (pilot && !pilot->IsBool()) {
      problems.push_back({path + "/pilot", "must be true or false"});
      ok = false;
    }
    if (!ok) continue;
    TownshipInfo info;
    info.code.assign(code->GetString(), code->GetStringLength());
    info.name.assign(name->GetString(), name->GetStringLength());
    info.pilot = pilot && pilot->GetBool();
    if (info.code.size() != 9) problems.push_back({path + "/code", "must be 9 digits"});
    out.push_back(std::move(info));
  }
  if (problems.size() != before) return Status::invalid("townships: invalid");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return out;
}

Result<std::shared_ptr<const Standards>> loadStandards(const std::string& dir, Problems& problems) {
  namespace fs = std::filesystem;
  auto standards = std::make_shared<Standards>();
  size_t before = problems.size();
  std::string text;

  if (!readFile(fs::path(dir) / "parameters.json", text)) {
    problems.push_back({"parameters.json", "cannot read file in " + dir});
  } else {
    size_t from = problems.size();
    auto rs = parseParametersJson(text, problems);
    prefixProblems(problems, from, "parameters.json");
    if (rs.isOk()) standards->rules = std::move(rs).value();
  }

  std::vector<fs::path> holiday_files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("holidays", 0) == 0 && e.path().extension() == ".json")
      holiday_files.push_back(e.path());
  }
  std::sort(holiday_files.begin(), holiday_files.end());
  if (holiday_files.empty()) problems.push_back({"holidays-*.json", "no calendar file in " + dir});
  std::vector<rules::CalendarYearData> years;
  for (const auto& f : holiday_files) {
    std::string file = f.filename().string();
    if (!readFile(f, text)) {
      problems.push_back({file, "cannot read file"});
      continue;
    }
    size_t from = problems.size();
    auto y = parseHolidaysJson(text, problems);
    prefixProblems(problems, from, file);
    if (y.isOk()) years.insert(years.end(), y.value().begin(), y.value().end());
  }
  {
    size_t from = problems.size();
    auto cal = rules::WorkCalendar::build(years, problems);
    prefixProblems(problems, from, "holidays");
    if (cal.isOk()) standards->calendar = std::move(cal).value();
  }

  if (!readFile(fs::path(dir) / "dahua-townships.json", text)) {
    problems.push_back({"dahua-townships.json", "cannot read file in " + dir});
  } else {
    size_t from = problems.size();
    auto t = parseTownshipsJson(text, problems);
    prefixProblems(problems, from, "dahua-townships.json");
    if (t.isOk()) standards->townships = TownshipDirectory(std::move(t).value());
  }
  if (problems.size() != before)
    return Status::invalid("standards: " + std::to_string(problems.size() - before) +
                           " problem(s)");
  return std::shared_ptr<const Standards>(std::move(standards));
}

}  // namespace xj::household
