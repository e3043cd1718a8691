#include "config/calendar_import.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <map>

#include "routing/rules/statutory_holidays.h"

namespace xj::household {

namespace {

using rapidjson::Value;

struct Collected {
  NamedDay day;
  std::string path;
  bool off = true;
};

// One entry: "YYYY-MM-DD" or {"date": ..., "name": ...}.
bool readEntry(const Value& e, const std::string& path, Collected& out, Problems& problems) {
  const Value* d = &e;
  if (e.IsObject()) {
    auto m = e.FindMember("date");
    d = m == e.MemberEnd() ? nullptr : &m->value;
    auto n = e.FindMember("name");
    if (n != e.MemberEnd()) {
      if (!n->value.IsString()) {
        problems.push_back({path + "/name", "must be a string"});
        return false;
      }
      out.day.name.assign(n->value.GetString(), n->value.GetStringLength());
    }
  }
  auto date = d && d->IsString() ? rules::parseDate(d->GetString()) : std::nullopt;
  if (!date) {
    problems.push_back({e.IsObject() ? path + "/date" : path, "date must be YYYY-MM-DD"});
    return false;
  }
  out.day.date = *date;
  out.path = path;
  return true;
}

}  // namespace

Result<YearArrangement> parseArrangement(std::string_view json, Problems& problems) {
  size_t before = problems.size();
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());  // no recursion per level
  if (doc.HasParseError()) {
    problems.push_back({"", std::string("not valid JSON: ") +
                                rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                                std::to_string(doc.GetErrorOffset())});
    return Status::invalid("arrangement: not JSON");
  }
  if (!doc.IsObject()) {
    problems.push_back({"", "must be a JSON object"});
    return Status::invalid("arrangement: invalid");
  }
  YearArrangement out;
  std::vector<Collected> days;
  if (doc.HasMember("years")) {  // the hub's own format
    const Value& years = doc["years"];
    if (!years.IsObject() || years.MemberCount() != 1) {
      problems.push_back({"/years", "must hold exactly one year (one file per year)"});
      return Status::invalid("arrangement: invalid");
    }
    auto y = years.MemberBegin();
    std::string ys(y->name.GetString(), y->name.GetStringLength());
    std::string base = "/years/" + ys;
    if (ys.size() != 4 ||
        !std::all_of(ys.begin(), ys.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      problems.push_back({base, "year must be four digits"});
      return Status::invalid("arrangement: invalid");
    }
    out.year = std::stoi(ys);
    if (!y->value.IsObject()) {
      problems.push_back({base, "must be an object"});
      return Status::invalid("arrangement: invalid");
    }
    for (const char* list : {"holidays", "makeup_workdays"}) {
      auto l = y->value.FindMember(list);
      if (l == y->value.MemberEnd() || !l->value.IsArray()) {
        problems.push_back({base + "/" + list, "missing list"});
        continue;
      }
      size_t i = 0;
      for (const auto& e : l->value.GetArray()) {
        Collected c;
        c.off = std::string_view(list) == "holidays";
        if (readEntry(e, base + "/" + list + "/" + std::to_string(i++), c, problems))
          days.push_back(std::move(c));
      }
    }
    auto src = y->value.FindMember("source_notice");
    if (src != y->value.MemberEnd() && !src->value.IsArray()) {
      problems.push_back({base + "/source_notice", "must be an array of strings"});
    } else if (src != y->value.MemberEnd()) {
      size_t i = 0;
      for (const auto& s : src->value.GetArray()) {
        std::string path = base + "/source_notice/" + std::to_string(i++);
        if (!s.IsString())
          problems.push_back({path, "must be a string"});
        else
          out.source_notice.emplace_back(s.GetString(), s.GetStringLength());
      }
    }
  } else if (doc.HasMember("days")) {  // holiday-cn
    if (!doc.HasMember("year") || !doc["year"].IsInt()) {
      problems.push_back({"/year", "must be the year as a number"});
      return Status::invalid("arrangement: invalid");
    }
    out.year = doc["year"].GetInt();
    if (!doc["days"].IsArray()) {
      problems.push_back({"/days", "must be a list"});
      return Status::invalid("arrangement: invalid");
    }
    size_t i = 0;
    for (const auto& e : doc["days"].GetArray()) {
      std::string path = "/days/" + std::to_string(i++);
      if (!e.IsObject()) {
        problems.push_back({path, "must be an object with name, date and isOffDay"});
        continue;
      }
      auto off = e.FindMember("isOffDay");
      if (off == e.MemberEnd() || !off->value.IsBool()) {
        problems.push_back({path + "/isOffDay", "must be true (day off) or false (make-up day)"});
        continue;
      }
      Collected c;
      c.off = off->value.GetBool();
      if (readEntry(e, path, c, problems)) days.push_back(std::move(c));
    }
    out.source_notice.emplace_back("holiday-cn " + std::to_string(out.year) + ".json");
  } else {
    problems.push_back(
        {"",
         "neither the hub's format (\"years\") nor the holiday-cn format (\"year\", \"days\")"});
    return Status::invalid("arrangement: invalid");
  }
  if (out.year < 1900 || out.year > 2200) {
    problems.push_back({doc.HasMember("days") ? "/year" : "/years", "not a plausible year"});
    return Status::invalid("arrangement: invalid");
  }

  std::map<int32_t, const Collected*> seen;
  for (const auto& c : days) {
    if (c.day.date.year() != out.year) {
      problems.push_back({c.path, "date outside " + std::to_string(out.year)});
      continue;
    }
    auto [it, fresh] = seen.emplace(c.day.date.days, &c);
    if (!fresh) {
      problems.push_back({c.path, it->second->off == c.off
                                      ? "day listed twice (also at " + it->second->path + ")"
                                      : "day is both a holiday and a make-up working day (see " +
                                            it->second->path + ")"});
      continue;
    }
    (c.off ? out.holidays : out.makeup_workdays).push_back(c.day);
  }
  // A make-up working day on a weekday, or a day off on a weekend, changes nothing: allowed
  // (the notices list whole blocks), but a make-up day must be a weekend day to mean anything.
  for (const auto& c : days) {
    int wd = c.day.date.weekday();
    if (!c.off && wd != 0 && wd != 6 && c.day.date.year() == out.year)
      problems.push_back({c.path, "a make-up working day must be a Saturday or Sunday"});
  }
  auto by_date = [](const NamedDay& a, const NamedDay& b) { return a.date < b.date; };
  std::sort(out.holidays.begin(), out.holidays.end(), by_date);
  std::sort(out.makeup_workdays.begin(), out.makeup_workdays.end(), by_date);
  if (problems.size() != before) return Status::invalid("arrangement: invalid");
  return out;
}

std::string calendarFileJson(const YearArrangement& year) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 1);
  w.StartObject();
  w.Key("schema");
  w.String("one entry per date that deviates from the default rule (Mon-Fri work, Sat/Sun rest)");
  w.Key("rule");
  w.String(
      "is_working_day(d) = d in makeup_workdays OR (weekday(d) in Mon..Fri AND d not in "
      "holidays)");
  w.Key("note");
  w.String("Written by `xianjie calendar import` from the State Council General Office notice.");
  w.Key("years");
  w.StartObject();
  w.Key(std::to_string(year.year).c_str());
  w.StartObject();
  w.Key("source_notice");
  w.StartArray();
  for (const auto& s : year.source_notice) w.String(s.c_str());
  w.EndArray();
  for (const auto* list : {&year.holidays, &year.makeup_workdays}) {
    w.Key(list == &year.holidays ? "holidays" : "makeup_workdays");
    w.StartArray();
    for (const auto& d : *list) {
      w.StartObject();
      w.Key("date");
      w.String(rules::formatDate(d.date).c_str());
      w.Key("name");
      w.String(d.name.c_str());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::vector<std::string> statutoryDaysNotOff(const YearArrangement& year) {
  std::vector<std::string> out;
  for (const auto& s : rules::statutoryHolidays(year.year)) {
    if (s.in_lieu) continue;
    int wd = s.date.weekday();
    if (wd == 0 || wd == 6) {
      // Off anyway unless the notice made it a make-up working day.
      bool worked = std::any_of(year.makeup_workdays.begin(), year.makeup_workdays.end(),
                                [&](const NamedDay& d) { return d.date == s.date; });
      if (!worked) continue;
    } else if (std::any_of(year.holidays.begin(), year.holidays.end(),
                           [&](const NamedDay& d) { return d.date == s.date; })) {
      continue;
    }
    out.push_back(rules::formatDate(s.date) + " " + std::string(s.name));
  }
  return out;
}

}  // namespace xj::household
