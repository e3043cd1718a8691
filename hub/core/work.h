// Work: what becomes of an accepted message (its routing, pre-screen and deadlines) and the
// queue items staff work on. Plain values; any thread. Planned by the intake (routing/intake),
// applied by the work policy (routing/queues/work_policy.h) in the store's writer transaction,
// read by the staff API.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/names.h"

namespace xj {

// Decided before the write, on the adapter's thread, from the message alone; stored in the same
// transaction as the message.
struct WorkPlan {
  std::string route_rule;  // "triage" when no rule matched
  std::string route_version;
  std::vector<std::string> queues;
  std::string prescreen_category = "unknown";  // rules core's household category, or unknown
  std::vector<std::string> prescreen_tags;
  std::string prescreen_json;  // the decision with its trace; empty when no household
  std::string rule_set_version;
  std::string urgency;          // tickets
  std::string signal;           // notifications
  std::string ticket_category;  // tickets
  std::string item_category;    // what items are filed under: the pre-screen category, or a
                                // ticket's own category when no household was described
  std::string phone_key;  // PersonKeyer key of the subject's/caller's phone digits; empty if none
  std::string id_key;     // PersonKeyer key of the subject's ID number; empty if none
  std::vector<std::string> member_id_keys;  // household members' ID numbers, keyed likewise
  std::string accepted_on;                  // YYYY-MM-DD in China Standard Time
  std::string case_deadline;   // YYYY-MM-DD; empty when the calendar has no data (calendar_missing)
  std::string alert_deadline;  // for a risk alert
  // How each deadline was counted (accepted_on + N working days), kept with the item so that a
  // provisional one -- counted in a year without its holiday notice -- can be recomputed.
  int case_working_days = 0;
  bool case_deadline_provisional = false;
  int alert_working_days = 0;
  bool alert_deadline_provisional = false;
  std::string township_queue;  // the township team's queue
  std::string repeat_since;  // RFC 3339: an open item from a ticket since then links a repeat call
};

struct ItemRecord {
  int64_t item_id = 0;
  std::string queue;
  ItemKind item_kind = ItemKind::kCase;
  int64_t hub_seq = 0;  // the message it came from
  std::string hub_id;   // the same, as the API shows it ("xj-" + zero-padded hub_seq)
  MessageKind kind = MessageKind::kTicket;
  std::string township;
  std::string category;
  std::string urgency;
  ItemState state = ItemState::kNew;
  std::string owner;
  std::string deadline;               // empty: calendar_missing
  bool deadline_provisional = false;  // counted without the year's holiday notice
  bool overdue = false;
  std::string created_at;
  std::string updated_at;
  std::string outcome;
  std::string reason_code;
  int64_t parent_item = 0;  // follow-ups: the resolved item
  int linked_messages = 0;  // repeat calls and merged signals
  std::string id_key;       // PersonKeyer key of the subject's ID number (the access record's
                            // person); never shown by the API; empty if none
};

struct HistoryEntry {
  std::string at;
  std::string actor;
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string detail;  // reason, note text, outcome; staff-written
};

struct QueueEvent {
  int64_t seq = 0;  // the cursor
  std::string queue;
  int64_t item_id = 0;
  EventType type = EventType::kCreated;
  std::string at;
};

struct QueueCount {
  std::string queue;
  int64_t open = 0;
  int64_t overdue = 0;
  std::vector<std::pair<std::string, int64_t>> by_state;
};

struct ItemQuery {
  std::string queue;
  std::string state;
  std::optional<bool> overdue;
  std::string category;
  std::string township;
  std::string text;
  int64_t after = 0;  // item_id cursor (stable pagination)
  int limit = 50;
};

// An organisation's own messages, newest first (the console's recent tickets).
struct MessageQuery {
  std::string source;
  int64_t before = 0;  // hub_seq cursor: messages before it; 0 = from the newest
  int limit = 20;
};

// One of them, with the first item it became (none while only accepted, e.g. never routed).
struct OwnMessage {
  int64_t hub_seq = 0;
  std::string message_id;
  MessageKind kind = MessageKind::kTicket;
  std::string received_at;
  std::string status;
  std::optional<ItemRecord> item;
};

// An item created in the report's period, with the first staff contact (claim, progress or
// note) and the first resolution, RFC 3339; empty when there was none.
struct TownshipReportRow {
  std::string township;
  ItemKind item_kind = ItemKind::kCase;
  ItemState state = ItemState::kNew;
  bool overdue = false;
  std::string created_at;
  std::string first_contact_at;
  std::string resolved_at;
};

// The designated information platform's upload as the partner directory in
// force has it (partners.jsonc `platform`), handed to the writer with a resolution.
struct PlatformUploadPolicy {
  bool enabled = false;    // false: a category change is recorded, nothing is enqueued
  bool id_number = false;  // the raw ID number may leave (its `fields` name id_number)
  bool township = true;
  bool village = true;
};

// A person's category as civil affairs last established it (the platform upload's "previous").
struct PersonCategory {
  std::string id_key;    // PersonKeyer key of the ID number
  std::string category;  // dibao | tekun | dibao_edge | rigid_expense | none (removed)
  std::string since;     // YYYY-MM-DD (China Standard Time): the effective date
  int64_t item_id = 0;   // the resolution that established it
  std::string updated_at;
};

// Who an item is about, from its message: for the platform upload only.
struct ItemPerson {
  std::string id_key;     // empty: the message named no (valid) ID number
  std::string village;    // subject.village; empty if not given
  std::string id_number;  // subject.id_number as stored; leaves only if the platform allows it
};

// A staff action on an item, checked against routing/queues/item.h in the writer.
struct ItemActionRequest {
  std::string queue;
  int64_t item_id = 0;
  ItemAction action = ItemAction::kNote;
  std::string actor;  // token id of the principal (no personal data)
  // The token's person, for the timeline of an exchange the action moves (never logged).
  std::string actor_name;
  std::string at;                           // RFC 3339
  std::string target_queue;                 // transfer
  std::string new_owner;                    // reassign: the token id that takes the item
  std::string text;                         // reason (transfer), note, or resolution note
  std::optional<ItemState> progress_state;  // progress
  std::string outcome;                      // resolve
  std::string reason_code;                  // resolve
  std::string follow_up_deadline;  // resolve of a ticket case when follow-ups are on; "" = none
  std::string follow_up_from;      // the day it counts from (YYYY-MM-DD) and how many working
  int follow_up_working_days = 0;  // days, so that a provisional deadline can be recomputed
  bool follow_up_provisional = false;
  bool create_follow_up = false;
  PlatformUploadPolicy platform;  // resolve: where a category change is uploaded, if anywhere
};

enum class ActionOutcome { kOk, kNotFound, kConflict, kUnavailable };

struct ActionResult {
  ActionOutcome outcome = ActionOutcome::kUnavailable;
  std::string problem;  // kConflict: names the current state and owner
  ItemRecord item;      // after the action (kOk) or as found (kConflict)
  int64_t follow_up_item = 0;
};

// A deadline counted again: from (YYYY-MM-DD) + working days -> date (empty: calendar_missing)
// and whether it is still provisional. Given by the hub from the calendar in force.
struct RecountedDeadline {
  std::string date;
  bool provisional = false;
};
using DeadlineCounter = std::function<RecountedDeadline(const std::string& from, int working_days)>;

struct SweepResult {
  int marked_overdue = 0;
  int deadlines_changed = 0;  // a recount of provisional deadlines
  int escalated = 0;
  int exchanges_overdue = 0;  // exchanges newly past the partner's answer deadline, escalated
  int exchanges_progress_overdue = 0;  // escalated now for no progress report in their period
  // Each exchange escalated by this sweep: (partner, reason "answer" or "progress").
  std::vector<std::pair<std::string, std::string>> exchange_escalations;
  std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> overdue_by_queue_township;
};

}  // namespace xj
