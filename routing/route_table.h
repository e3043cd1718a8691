// RouteTable and route(): which civil-affairs queues a message goes to. An ordered list of rules
// from config/routes.jsonc; the first rule whose every condition holds decides; a message that
// no rule matches goes to the triage queue, never nowhere. Pure and std-only; a RouteTable is
// immutable once built and shared read-only (the hub swaps a whole new table on SIGHUP).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hub/core/message.h"

namespace xj::routing {

// "@township" in a rule's targets means the assistance team queue of the message's township.
inline constexpr const char* kTownshipTarget = "@township";
std::string townshipQueueId(const std::string& township_code);  // "township-451229205"

struct Queue {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string township;  // the township code for a township team queue; empty for county queues
};

// A condition list that is empty matches anything; otherwise the value must be one of it.
struct RuleMatch {
  std::vector<std::string> kinds;      // ticket, referral, notification
  std::vector<std::string> sources;    // sender org ids
  std::vector<std::string> townships;  // 2023 township codes
  std::vector<std::string>
      categories;                 // pre-screen household category: tekun, dibao, ..., none, unknown
  std::vector<std::string> tags;  // pre-screen household tags: any one of them present
  std::vector<std::string> urgencies;          // tickets: low, normal, high, critical
  std::vector<std::string> signals;            // notifications: large_medical_bill, ...
  std::vector<std::string> ticket_categories;  // tickets: dibao, medical, temporary_aid, ...
};

struct Rule {
  std::string name;
  std::string description;
  RuleMatch match;
  std::vector<std::string> targets;  // queue ids or kTownshipTarget
};

// What the router looks at: the envelope's fields and the rules core's pre-screen.
struct RoutingInput {
  MessageKind kind = MessageKind::kTicket;
  std::string source;
  std::string township;
  std::string category = "unknown";  // no household described: "unknown"
  std::vector<std::string> tags;
  std::string urgency;
  std::string signal;
  std::string ticket_category;
};

// Working days allowed for the next step of an item: first rule matching (item kind, message
// kind, category) wins; "*" matches anything.
struct DeadlineRule {
  std::string item_kind = "*";  // case, follow_up, risk_alert
  std::string kind = "*";       // ticket, referral, notification
  std::string category = "*";   // pre-screen category, or a ticket's category
  int working_days = 15;
};

struct RouteTable {
  std::string version;  // from the file, or a hash of its bytes
  std::vector<Queue> queues;
  std::vector<Rule> rules;
  std::string triage_queue = "county-triage";
  std::string escalation_queue = "county-task-force";
  std::vector<DeadlineRule> deadlines;
  int default_working_days = 15;
  int repeat_window_days = 30;       // hotline repeat-caller linking window
  bool follow_up_on_resolve = true;  // a resolved ticket gets a 回访 task
  int follow_up_working_days = 5;
  int sweep_interval_seconds = 60;
  // An open item with no deadline (no calendar for its year when it came in) is escalated like an
  // overdue one once it is this many calendar days old; 0: never.
  int escalate_undated_after_days = 0;

  const Queue* findQueue(const std::string& id) const;
  int workingDaysFor(const std::string& item_kind, const std::string& kind,
                     const std::string& category) const;
};

struct RouteDecision {
  std::string rule;                 // the rule that matched; "triage" when none did
  std::string version;              // route table version
  std::vector<std::string> queues;  // resolved queue ids, at least one
  std::string why;                  // one sentence: which conditions held
};

RouteDecision route(const RouteTable& table, const RoutingInput& input);

// The table in force. Readers take a shared_ptr copy and keep using it even if a reload swaps
// in a new one meanwhile. Thread-safe.
class RouteTableHolder {
 public:
  explicit RouteTableHolder(std::shared_ptr<const RouteTable> t) : table_(std::move(t)) {}
  std::shared_ptr<const RouteTable> get() const {
    std::lock_guard lock(mu_);
    return table_;
  }
  void set(std::shared_ptr<const RouteTable> t) {
    std::lock_guard lock(mu_);
    table_ = std::move(t);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RouteTable> table_;
};

}  // namespace xj::routing
