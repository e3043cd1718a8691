// The township report of the county dashboard (issue 12): per township, the items created in a
// period, open, overdue and resolved, and the median hours to first contact and to decision
// (routing/queues/township_report.h). JSON, or CSV with format=csv or Accept: text/csv. Staff
// limited to some townships get their townships' lines; county staff and admin all sixteen.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "adapters/http/api.h"
#include "adapters/http/http_util.h"
#include "adapters/http/json_out.h"
#include "routing/queues/township_report.h"

namespace xj::http {
namespace {

std::string hoursText(const std::optional<double>& h) {
  if (!h) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *h);
  return buf;
}

void hoursJson(jsonout::Writer& w, const char* key, const std::optional<double>& h) {
  w.Key(key);
  if (h) {
    w.Double(std::round(*h * 10) / 10);  // to the tenth of an hour, as in the CSV
  } else {
    w.Null();  // nothing to take a median of
  }
}

}  // namespace

void Api::townshipReport(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {Role::kStaff, Role::kAdmin}, "the township report");
  if (!who) return;
  auto q = parseQuery(req.target);
  Problems problems;
  auto range = parseDayRange(q, problems);
  std::string format = q.count("format") ? q["format"] : "";
  if (format.empty()) format = req.accept.find("text/csv") != std::string::npos ? "csv" : "json";
  if (format != "json" && format != "csv") problems.push_back({"format", "must be json or csv"});
  for (const auto& [k, v] : q)
    if (k != "from" && k != "to" && k != "format") {
      std::string shown;  // the key is the client's bytes: keep the answer valid JSON
      for (char ch : k.substr(0, 40)) shown.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
      problems.push_back({shown, "unknown parameter"});
    }
  if (!problems.empty()) return replyProblems(req, reply, "invalid_query", problems);
  // The caller's townships, in the directory's order.
  std::vector<std::string> townships;
  if (deps_.places)
    for (const auto& t : deps_.places->townships)
      if (who->role == Role::kAdmin || who->townships.empty() ||
          std::find(who->townships.begin(), who->townships.end(), t.code) != who->townships.end())
        townships.push_back(t.code);
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  bool queued = deps_.work.townshipReport(
      range.from, range.to,
      [this, shared_req, reply, townships, format, from_day = q["from"],
       to_day = q["to"]](std::optional<std::vector<TownshipReportRow>> rows) {
        if (!rows) return replyUnavailable(*shared_req, reply, false);
        auto lines = routing::townshipReport(*rows, townships);
        auto nameOf = [this](const std::string& code) {
          const PlaceTownship* t = deps_.places ? deps_.places->find(code) : nullptr;
          return t ? std::make_pair(t->name_zh, t->name_en) : std::make_pair(code, code);
        };
        if (format == "csv") {
          std::string csv =
              "township,name_zh,name_en,created,open,overdue,resolved,median_first_contact_hours,"
              "median_decision_hours\r\n";
          for (const auto& l : lines) {
            auto [zh, en] = nameOf(l.township);
            csv += l.township + "," + zh + "," + en + "," + std::to_string(l.created) + "," +
                   std::to_string(l.open) + "," + std::to_string(l.overdue) + "," +
                   std::to_string(l.resolved) + "," + hoursText(l.median_first_contact_hours) +
                   "," + hoursText(l.median_decision_hours) + "\r\n";
          }
          ApiResponse res{200, std::move(csv), "text/csv; charset=utf-8", {}};
          res.headers.emplace_back("Content-Disposition", "attachment; filename=\"townships-" +
                                                              from_day + "-" + to_day + ".csv\"");
          return finish(*shared_req, reply, std::move(res));
        }
        replyJson(*shared_req, reply, jsonout::document([&](jsonout::Writer& w) {
          w.StartObject();
          jsonout::string(w, "from", from_day);
          jsonout::string(w, "to", to_day);
          w.Key("townships");
          w.StartArray();
          for (const auto& l : lines) {
            auto [zh, en] = nameOf(l.township);
            w.StartObject();
            jsonout::string(w, "township", l.township);
            jsonout::string(w, "name_zh", zh);
            jsonout::string(w, "name_en", en);
            jsonout::integer(w, "created", l.created);
            jsonout::integer(w, "open", l.open);
            jsonout::integer(w, "overdue", l.overdue);
            jsonout::integer(w, "resolved", l.resolved);
            hoursJson(w, "median_first_contact_hours", l.median_first_contact_hours);
            hoursJson(w, "median_decision_hours", l.median_decision_hours);
            w.EndObject();
          }
          w.EndArray();
          w.EndObject();
        }));
      });
  if (!queued) replyUnavailable(*shared_req, reply, true);
}

}  // namespace xj::http
