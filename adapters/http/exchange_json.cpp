#include "adapters/http/exchange_json.h"

#include <rapidjson/document.h>

#include <cstdio>

#include "routing/exchange/exchange.h"

namespace xj::http {

namespace {

// `<key>_working_days` (and `<key>_working_days_provisional` when a year without its holiday
// notice was counted) for an open exchange's deadline; nothing when the calendar cannot count.
void writeDaysLeft(jsonout::Writer& w, const ExchangeRecord& ex, const DaysLeft& days_left,
                   const std::string& key, const std::string& due) {
  if (!days_left || due.empty() || routing::isTerminal(ex.state)) return;
  auto left = days_left(due);
  if (!left) return;
  w.Key((key + "_working_days").c_str());
  w.Int(left->days);
  if (left->provisional) {
    w.Key((key + "_working_days_provisional").c_str());
    w.Bool(true);
  }
}

}  // namespace

void writeExchange(jsonout::Writer& w, const ExchangeRecord& ex, bool staff,
                   const DaysLeft& days_left) {
  w.StartObject();
  jsonout::string(w, "id", ex.ex_id);
  jsonout::string(w, "direction", toString(ex.direction));
  jsonout::string(w, "partner", ex.partner);
  jsonout::string(w, "state", toString(ex.state));
  // The side the partner plays: what it may report is in the transition table for that side.
  jsonout::string(w, "partner_side",
                  toString(routing::sideOf(ex.direction, ExchangeParty::kPartner)));
  jsonout::string(w, "township", ex.township);
  if (!ex.need.empty()) jsonout::string(w, "need", ex.need);
  if (!ex.partner_ref.empty()) jsonout::string(w, "partner_ref", ex.partner_ref);
  if (!ex.reason.empty()) jsonout::string(w, "reason", ex.reason);
  if (!ex.outcome.empty()) jsonout::string(w, "outcome", ex.outcome);
  if (!ex.due.empty()) jsonout::string(w, "answer_due", ex.due);
  // While the partner works on a referral out: when its next progress report is due, so that
  // its pages can remind it before the hub escalates.
  if (!ex.progress_due.empty()) jsonout::string(w, "progress_due", ex.progress_due);
  writeDaysLeft(w, ex, days_left, "answer_due", ex.due);
  writeDaysLeft(w, ex, days_left, "progress_due", ex.progress_due);
  // The consent a referral out was sent under: staff see it, and so does its partner (the only
  // other caller who may see the exchange), which must know what the person agreed to.
  const bool consent = staff || ex.direction == ExchangeDirection::kOutbound;
  if (consent && !ex.consent_json.empty()) {
    rapidjson::Document c;
    c.Parse(ex.consent_json.c_str());
    if (!c.HasParseError()) {
      w.Key("consent");
      c.Accept(w);
    }
  }
  if (staff) {
    jsonout::string(w, "queue", ex.queue);
    w.Key("item_id");
    w.Int64(ex.item_id);
    char buf[32];
    std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(ex.hub_seq));
    jsonout::string(w, "hub_id", buf);
    jsonout::string(w, "created_by", ex.created_by);
  }
  jsonout::string(w, "created_at", ex.created_at);
  jsonout::string(w, "updated_at", ex.updated_at);
  w.Key("legal_moves");
  w.StartArray();
  for (const auto& m : routing::legalMoves(ex.state)) w.String(m.c_str());
  w.EndArray();
  w.EndObject();
}

}  // namespace xj::http
