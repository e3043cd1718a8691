#include "config/routes_config.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "config/jsonc_file.h"
#include "hub/core/vocabulary.h"

namespace xj {
namespace {

using rapidjson::Value;
using routing::RouteTable;
using routing::Rule;

// FNV-1a: a stable, dependency-free fingerprint of the file for the table version.
std::string fingerprint(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// Reads a string list; reports non-strings, values outside `allowed` (if given) and an
// explicitly empty list (it could never match).
std::vector<std::string> stringList(const Value& obj, const char* key, const std::string& path,
                                    const std::vector<std::string>* allowed, Problems& p) {
  std::vector<std::string> out;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return out;
  const std::string here = path + "/" + key;
  if (!it->value.IsArray()) {
    p.push_back({here, "must be an array of strings"});
    return out;
  }
  if (it->value.Empty())
    p.push_back({here, "is empty: the rule can never match (leave it out to match anything)"});
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const auto& v = it->value[i];
    if (!v.IsString()) {
      p.push_back({here + "/" + std::to_string(i), "must be a string"});
      continue;
    }
    std::string s = str(v);
    if (allowed && std::find(allowed->begin(), allowed->end(), s) == allowed->end()) {
      p.push_back({here + "/" + std::to_string(i),
                   "\"" + s + "\" is not a known value, so the rule can never match"});
      continue;
    }
    out.push_back(s);
  }
  return out;
}

// An optional string member of `obj`: left as it is when absent; any other type is a problem
// (a number where a name belongs is a mistake to show, not a name to drop without a word).
void optionalString(const Value& obj, const char* key, const std::string& path, std::string& out,
                    Problems& p) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return;
  if (!it->value.IsString()) return p.push_back({path + "/" + key, "must be a string"});
  out = str(it->value);
}

void checkKeys(const Value& obj, const std::string& path, const std::vector<std::string>& known,
               Problems& p) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string k = str(it->name);
    if (std::find(known.begin(), known.end(), k) == known.end())
      p.push_back({path + "/" + k, "unknown setting"});
  }
}

bool subset(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  if (outer.empty()) return true;  // outer matches anything
  if (inner.empty()) return false;
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& v) {
    return std::find(outer.begin(), outer.end(), v) != outer.end();
  });
}

// Does `earlier` match every message that `later` matches?
bool covers(const routing::RuleMatch& earlier, const routing::RuleMatch& later) {
  return subset(later.kinds, earlier.kinds) && subset(later.sources, earlier.sources) &&
         subset(later.townships, earlier.townships) &&
         subset(later.categories, earlier.categories) && earlier.tags.empty() &&
         subset(later.urgencies, earlier.urgencies) && subset(later.signals, earlier.signals) &&
         subset(later.ticket_categories, earlier.ticket_categories);
}

bool mentions(const std::vector<std::string>& kinds, const char* kind) {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

Result<std::shared_ptr<const RouteTable>> parseRoutes(const std::string& text,
                                                      const TownshipDirectory& townships,
                                                      Problems& p) {
  rapidjson::Document doc;
  if (!parseJsonc(text, doc, p)) return Status::invalid("routes are not valid JSON");
  if (!doc.IsObject()) {
    p.push_back({"", "must be an object"});
    return Status::invalid("routes");
  }
  checkKeys(doc, "",
            {"version", "queues", "rules", "triage_queue", "escalation_queue", "deadlines",
             "hotline", "sweep_interval_seconds", "escalate_undated_after_days"},
            p);
  auto table = std::make_shared<RouteTable>();
  table->version = fingerprint(text);
  optionalString(doc, "version", "", table->version, p);

  // Every township has its assistance team queue; county queues come from the file.
  for (const auto& t : townships.all())
    table->queues.push_back({routing::townshipQueueId(t.code), t.name + "救助帮扶组",
                             "Assistance team " + t.code, t.code});
  std::set<std::string> queue_ids;
  for (const auto& q : table->queues) queue_ids.insert(q.id);
  if (auto it = doc.FindMember("queues"); it != doc.MemberEnd()) {
    if (!it->value.IsArray()) {
      p.push_back({"/queues", "must be an array"});
    } else {
      for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
        const auto& q = it->value[i];
        std::string path = "/queues/" + std::to_string(i);
        if (!q.IsObject()) {
          p.push_back({path, "must be an object"});
          continue;
        }
        checkKeys(q, path, {"id", "name_zh", "name_en"}, p);
        if (!q.HasMember("id") || !q["id"].IsString() || q["id"].GetStringLength() == 0) {
          p.push_back({path + "/id", "is required"});
          continue;
        }
        routing::Queue queue{str(q["id"]), "", "", ""};
        optionalString(q, "name_zh", path, queue.name_zh, p);
        optionalString(q, "name_en", path, queue.name_en, p);
        if (!queue_ids.insert(queue.id).second) {
          p.push_back({path + "/id", "duplicate queue id \"" + queue.id + "\""});
          continue;
        }
        table->queues.push_back(queue);
      }
    }
  }
  auto queueRef = [&](const char* key, std::string& out) {
    if (auto it = doc.FindMember(key); it != doc.MemberEnd()) {
      if (!it->value.IsString()) return p.push_back({std::string("/") + key, "must be a queue id"});
      out = str(it->value);
    }
    if (!queue_ids.count(out))
      p.push_back({std::string("/") + key, "unknown queue \"" + out + "\""});
  };
  queueRef("triage_queue", table->triage_queue);
  queueRef("escalation_queue", table->escalation_queue);

  const std::vector<std::string> kinds = {"ticket", "referral", "notification"};
  std::vector<std::string> township_codes;
  for (const auto& t : townships.all()) township_codes.push_back(t.code);
  std::set<std::string> rule_names;
  if (auto it = doc.FindMember("rules"); it == doc.MemberEnd() || !it->value.IsArray()) {
    p.push_back({"/rules", "is required: an array of rules"});
  } else {
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      const auto& r = it->value[i];
      std::string path = "/rules/" + std::to_string(i);
      if (!r.IsObject()) {
        p.push_back({path, "must be an object"});
        continue;
      }
      checkKeys(r, path, {"name", "description", "match", "to"}, p);
      Rule rule;
      if (!r.HasMember("name") || !r["name"].IsString() || r["name"].GetStringLength() == 0) {
        p.push_back({path + "/name", "is required"});
      } else {
        rule.name = str(r["name"]);
        if (rule.name == "triage")
          p.push_back({path + "/name", "\"triage\" is reserved for the fallback"});
        if (!rule_names.insert(rule.name).second)
          p.push_back({path + "/name", "duplicate rule name \"" + rule.name + "\""});
      }
      optionalString(r, "description", path, rule.description, p);
      if (auto m = r.FindMember("match"); m != r.MemberEnd()) {
        const std::string mp = path + "/match";
        if (!m->value.IsObject()) {
          p.push_back({mp, "must be an object"});
        } else {
          const auto& mv = m->value;
          checkKeys(mv, mp,
                    {"kind", "source", "township", "category", "tags", "urgency", "signal",
                     "ticket_category"},
                    p);
          rule.match.kinds = stringList(mv, "kind", mp, &kinds, p);
          rule.match.sources = stringList(mv, "source", mp, nullptr, p);
          rule.match.townships = stringList(mv, "township", mp, &township_codes, p);
          rule.match.categories =
              stringList(mv, "category", mp, &vocabulary::kPrescreenCategories, p);
          rule.match.tags = stringList(mv, "tags", mp, &vocabulary::kHouseholdTags, p);
          rule.match.urgencies = stringList(mv, "urgency", mp, &vocabulary::kUrgencies, p);
          rule.match.signals = stringList(mv, "signal", mp, &vocabulary::kSignals, p);
          rule.match.ticket_categories =
              stringList(mv, "ticket_category", mp, &vocabulary::kTicketCategories, p);
          // Fields that only one kind carries contradict a kind list without that kind.
          if (!rule.match.urgencies.empty() && !mentions(rule.match.kinds, "ticket"))
            p.push_back({mp + "/urgency",
                         "only tickets have an urgency, and the rule excludes tickets: it can "
                         "never match"});
          if (!rule.match.ticket_categories.empty() && !mentions(rule.match.kinds, "ticket"))
            p.push_back({mp + "/ticket_category",
                         "only tickets have a ticket category, and the rule excludes tickets: it "
                         "can never match"});
          if (!rule.match.signals.empty() && !mentions(rule.match.kinds, "notification"))
            p.push_back({mp + "/signal",
                         "only notifications have a signal, and the rule excludes them: it can "
                         "never match"});
        }
      }
      if (auto to = r.FindMember("to");
          to == r.MemberEnd() || !to->value.IsArray() || to->value.Empty()) {
        p.push_back(
            {path + "/to", "is required: a non-empty array of queue ids (or \"@township\")"});
      } else {
        for (rapidjson::SizeType j = 0; j < to->value.Size(); ++j) {
          const auto& t = to->value[j];
          std::string tp = path + "/to/" + std::to_string(j);
          if (!t.IsString()) {
            p.push_back({tp, "must be a queue id"});
            continue;
          }
          std::string q = str(t);
          if (q != routing::kTownshipTarget && !queue_ids.count(q)) {
            p.push_back({tp, "unknown queue \"" + q + "\""});
            continue;
          }
          rule.targets.push_back(q);
        }
      }
      for (size_t e = 0; e < table->rules.size(); ++e) {
        if (covers(table->rules[e].match, rule.match)) {
          p.push_back({path, "can never match: rule \"" + table->rules[e].name + "\" (/rules/" +
                                 std::to_string(e) +
                                 ") comes first and takes every message this rule would"});
          break;
        }
      }
      table->rules.push_back(std::move(rule));
    }
  }

  if (auto it = doc.FindMember("deadlines"); it != doc.MemberEnd()) {
    const auto& d = it->value;
    if (!d.IsObject()) {
      p.push_back({"/deadlines", "must be an object"});
    } else {
      checkKeys(d, "/deadlines", {"default_working_days", "rules"}, p);
      if (auto dw = d.FindMember("default_working_days"); dw != d.MemberEnd()) {
        if (!dw->value.IsInt() || dw->value.GetInt() < 1 || dw->value.GetInt() > 120)
          p.push_back({"/deadlines/default_working_days", "must be an integer from 1 to 120"});
        else
          table->default_working_days = dw->value.GetInt();
      }
      if (auto rs = d.FindMember("rules"); rs != d.MemberEnd()) {
        if (!rs->value.IsArray()) {
          p.push_back({"/deadlines/rules", "must be an array"});
        } else {
          const std::vector<std::string> item_kinds = {"*", "case", "follow_up", "risk_alert"};
          std::vector<std::string> kinds_any = {"*", "ticket", "referral", "notification"};
          std::vector<std::string> cats = vocabulary::kPrescreenCategories;
          cats.insert(cats.end(), vocabulary::kTicketCategories.begin(),
                      vocabulary::kTicketCategories.end());
          cats.push_back("*");
          for (rapidjson::SizeType i = 0; i < rs->value.Size(); ++i) {
            const auto& r = rs->value[i];
            std::string path = "/deadlines/rules/" + std::to_string(i);
            if (!r.IsObject()) {
              p.push_back({path, "must be an object"});
              continue;
            }
            checkKeys(r, path, {"item", "kind", "category", "working_days"}, p);
            routing::DeadlineRule dr;
            auto pick = [&](const char* key, std::string& out,
                            const std::vector<std::string>& allowed) {
              if (auto f = r.FindMember(key); f != r.MemberEnd()) {
                if (!f->value.IsString() ||
                    std::find(allowed.begin(), allowed.end(), str(f->value)) == allowed.end())
                  p.push_back({path + "/" + key, "is not a known value"});
                else
                  out = str(f->value);
              }
            };
            pick("item", dr.item_kind, item_kinds);
            pick("kind", dr.kind, kinds_any);
            pick("category", dr.category, cats);
            if (auto w = r.FindMember("working_days"); w == r.MemberEnd() || !w->value.IsInt() ||
                                                       w->value.GetInt() < 1 ||
                                                       w->value.GetInt() > 120)
              p.push_back({path + "/working_days", "is required: an integer from 1 to 120"});
            else
              dr.working_days = w->value.GetInt();
            table->deadlines.push_back(dr);
          }
        }
      }
    }
  }
  if (auto it = doc.FindMember("hotline"); it != doc.MemberEnd()) {
    const auto& h = it->value;
    if (!h.IsObject()) {
      p.push_back({"/hotline", "must be an object"});
    } else {
      checkKeys(h, "/hotline",
                {"repeat_window_days", "follow_up_on_resolve", "follow_up_working_days"}, p);
      if (auto w = h.FindMember("repeat_window_days"); w != h.MemberEnd()) {
        if (!w->value.IsInt() || w->value.GetInt() < 0 || w->value.GetInt() > 3650)
          p.push_back({"/hotline/repeat_window_days", "must be an integer from 0 to 3650"});
        else
          table->repeat_window_days = w->value.GetInt();
      }
      if (auto f = h.FindMember("follow_up_on_resolve"); f != h.MemberEnd()) {
        if (!f->value.IsBool())
          p.push_back({"/hotline/follow_up_on_resolve", "must be true or false"});
        else
          table->follow_up_on_resolve = f->value.GetBool();
      }
      if (auto w = h.FindMember("follow_up_working_days"); w != h.MemberEnd()) {
        if (!w->value.IsInt() || w->value.GetInt() < 1 || w->value.GetInt() > 120)
          p.push_back({"/hotline/follow_up_working_days", "must be an integer from 1 to 120"});
        else
          table->follow_up_working_days = w->value.GetInt();
      }
    }
  }
  if (auto it = doc.FindMember("sweep_interval_seconds"); it != doc.MemberEnd()) {
    if (!it->value.IsInt() || it->value.GetInt() < 1 || it->value.GetInt() > 86400)
      p.push_back({"/sweep_interval_seconds", "must be an integer from 1 to 86400"});
    else
      table->sweep_interval_seconds = it->value.GetInt();
  }
  if (auto it = doc.FindMember("escalate_undated_after_days"); it != doc.MemberEnd()) {
    if (!it->value.IsInt() || it->value.GetInt() < 0 || it->value.GetInt() > 3650)
      p.push_back({"/escalate_undated_after_days", "must be an integer from 0 (never) to 3650"});
    else
      table->escalate_undated_after_days = it->value.GetInt();
  }
  if (!p.empty()) return Status::invalid("routes have " + std::to_string(p.size()) + " problem(s)");
  return std::shared_ptr<const RouteTable>(std::move(table));
}

Result<std::shared_ptr<const RouteTable>> loadRoutes(const std::string& path,
                                                     const TownshipDirectory& townships,
                                                     Problems& problems) {
  auto text = readConfigText(path, problems);
  if (!text) return Status::notFound(path);
  return parseRoutes(*text, townships, problems);
}

}  // namespace xj
