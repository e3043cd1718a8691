#include "routing/route_table.h"

#include <algorithm>

namespace xj::routing {
namespace {

bool allows(const std::vector<std::string>& list, const std::string& v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

std::string describe(const char* field, const std::vector<std::string>& list,
                     const std::string& value) {
  if (list.empty()) return {};
  return std::string(field) + "=" + (value.empty() ? "(none)" : value);
}

}  // namespace

std::string townshipQueueId(const std::string& township_code) {
  return "township-" + township_code;
}

const Queue* RouteTable::findQueue(const std::string& id) const {
  for (const auto& q : queues)
    if (q.id == id) return &q;
  return nullptr;
}

int RouteTable::workingDaysFor(const std::string& item_kind, const std::string& kind,
                               const std::string& category) const {
  for (const auto& d : deadlines) {
    if ((d.item_kind == "*" || d.item_kind == item_kind) && (d.kind == "*" || d.kind == kind) &&
        (d.category == "*" || d.category == category))
      return d.working_days;
  }
  if (item_kind == "follow_up") return follow_up_working_days;
  return default_working_days;
}

RouteDecision route(const RouteTable& table, const RoutingInput& in) {
  RouteDecision d;
  d.version = table.version;
  const std::string kind(toString(in.kind));
  for (const auto& r : table.rules) {
    const auto& m = r.match;
    bool tag_ok =
        m.tags.empty() || std::any_of(in.tags.begin(), in.tags.end(), [&](const std::string& t) {
          return std::find(m.tags.begin(), m.tags.end(), t) != m.tags.end();
        });
    if (!allows(m.kinds, kind) || !allows(m.sources, in.source) ||
        !allows(m.townships, in.township) || !allows(m.categories, in.category) || !tag_ok ||
        !allows(m.urgencies, in.urgency) || !allows(m.signals, in.signal) ||
        !allows(m.ticket_categories, in.ticket_category))
      continue;
    d.rule = r.name;
    std::string why;
    for (const auto& part :
         {describe("kind", m.kinds, kind), describe("source", m.sources, in.source),
          describe("township", m.townships, in.township),
          describe("category", m.categories, in.category),
          m.tags.empty() ? std::string() : std::string("tag in rule's list"),
          describe("urgency", m.urgencies, in.urgency), describe("signal", m.signals, in.signal),
          describe("ticket_category", m.ticket_categories, in.ticket_category)}) {
      if (!part.empty()) why += (why.empty() ? "" : ", ") + part;
    }
    d.why = "rule '" + r.name + "' matched" + (why.empty() ? " (no conditions)" : ": " + why);
    for (const auto& t : r.targets) {
      std::string q = t == kTownshipTarget ? townshipQueueId(in.township) : t;
      if (std::find(d.queues.begin(), d.queues.end(), q) == d.queues.end()) d.queues.push_back(q);
    }
    return d;
  }
  d.rule = "triage";
  d.queues = {table.triage_queue};
  d.why = "no rule matched; sent to the triage queue";
  return d;
}

}  // namespace xj::routing
