#include "adapters/http/reports_api.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "adapters/http/csv_cell.h"
#include "adapters/http/http_util.h"
#include "adapters/http/json_out.h"
#include "routing/exchange/exchange_report.h"
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

// Reasons counted by name, "a=2;b=1" (an empty reason is "unspecified").
std::string reasonsText(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [k, n] : m)
    out += (out.empty() ? "" : ";") + (k.empty() ? std::string("unspecified") : k) + "=" +
           std::to_string(n);
  return out;
}

std::string exchangeReportCsv(const std::vector<routing::ExchangeReportLine>& lines) {
  // Partners and reasons are always quoted: reasons are partners' free text.
  auto quoted = [](const std::string& s) { return csvTextCell(s, CsvQuoting::kAlways); };
  std::string csv =
      "township,partner,sent,received,accepted,mean_hours_to_accept,closed,completed,"
      "closure_rate,rejected_reasons,failed_reasons\r\n";
  char buf[64];
  for (const auto& l : lines) {
    csv += csvTextCell(l.township) + "," + quoted(l.partner) + "," + std::to_string(l.sent) + "," +
           std::to_string(l.received) + "," + std::to_string(l.accepted) + ",";
    std::snprintf(buf, sizeof buf, "%.1f", l.mean_hours_to_accept);
    csv +=
        std::string(buf) + "," + std::to_string(l.closed) + "," + std::to_string(l.completed) + ",";
    std::snprintf(buf, sizeof buf, "%.3f", l.closure_rate);
    csv += std::string(buf) + "," + quoted(reasonsText(l.rejected_reasons)) + "," +
           quoted(reasonsText(l.failed_reasons)) + "\r\n";
  }
  return csv;
}

std::string exchangeReportJson(const std::string& from_day, const std::string& to_day,
                               const std::vector<routing::ExchangeReportLine>& lines) {
  return jsonout::document([&](jsonout::Writer& w) {
    w.StartObject();
    jsonout::string(w, "from", from_day);
    jsonout::string(w, "to", to_day);
    w.Key("lines");
    w.StartArray();
    for (const auto& l : lines) {
      w.StartObject();
      jsonout::string(w, "township", l.township);
      jsonout::string(w, "partner", l.partner);
      w.Key("sent");
      w.Int64(l.sent);
      w.Key("received");
      w.Int64(l.received);
      w.Key("accepted");
      w.Int64(l.accepted);
      w.Key("mean_hours_to_accept");
      w.Double(l.mean_hours_to_accept);
      w.Key("closed");
      w.Int64(l.closed);
      w.Key("completed");
      w.Int64(l.completed);
      w.Key("closure_rate");
      w.Double(l.closure_rate);
      for (const auto* m : {&l.rejected_reasons, &l.failed_reasons}) {
        w.Key(m == &l.rejected_reasons ? "rejected_reasons" : "failed_reasons");
        w.StartObject();
        for (const auto& [k, n] : *m) {
          w.Key(k.empty() ? "unspecified" : k.c_str());
          w.Int64(n);
        }
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace

// The township report (routing/queues/township_report.h): JSON, or CSV with format=csv or Accept:
// text/csv; county staff and admin get all sixteen townships.
void ReportsApi::townships(ApiRequest req, Reply reply) {
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
            csv += csvTextCell(l.township) + "," + csvTextCell(zh) + "," + csvTextCell(en) + "," +
                   std::to_string(l.created) + "," + std::to_string(l.open) + "," +
                   std::to_string(l.overdue) + "," + std::to_string(l.resolved) + "," +
                   hoursText(l.median_first_contact_hours) + "," +
                   hoursText(l.median_decision_hours) + "\r\n";
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

// GET /v1/reports/exchanges?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]: the exchanges created
// from the start of `from` to the end of `to` (China Standard Time), by township and partner.
// Staff limited to some townships get those townships' lines only.
void ReportsApi::exchanges(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return;
  if (who->role != Role::kStaff && who->role != Role::kAdmin)
    return finish(req, reply, error(403, "forbidden", "reports are for staff and admin"));
  auto q = parseQuery(req.target);
  Problems problems;
  auto [from, to] = parseDayRange(q, problems);
  const std::string format = q.count("format") ? q["format"] : "json";
  if (format != "json" && format != "csv") problems.push_back({"format", "must be json or csv"});
  if (!problems.empty())
    return finish(req, reply,
                  counted("invalid", error(400, "invalid_query", "bad query", problems)));
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  const Principal principal = *who;
  bool queued = deps_.work.exchangeReport(
      from, to,
      [this, shared_req, reply, principal, format, from_day = q["from"],
       to_day = q["to"]](std::optional<std::vector<ExchangeReportRow>> rows) {
        if (!rows)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        if (principal.role == Role::kStaff && !principal.townships.empty())
          std::erase_if(*rows, [&](const ExchangeReportRow& r) {
            return std::find(principal.townships.begin(), principal.townships.end(), r.township) ==
                   principal.townships.end();
          });
        auto lines = routing::exchangeReport(*rows);
        if (format == "csv")
          return finish(*shared_req, reply,
                        ApiResponse{200, exchangeReportCsv(lines), "text/csv; charset=utf-8", {}});
        finish(
            *shared_req, reply,
            ApiResponse{200, exchangeReportJson(from_day, to_day, lines), "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

}  // namespace xj::http
