#include "routing/platform/category_upload.h"

#include <chrono>
#include <cstdio>

#include "hub/core/partner_directory.h"
#include "hub/core/time_format.h"

namespace xj::routing {
namespace {

// The day an instant falls on in China Standard Time (UTC+8, no daylight saving).
std::string chinaDate(const std::string& rfc3339) {
  auto t = parseRfc3339(rfc3339);
  if (!t) return rfc3339.substr(0, 10);
  std::chrono::year_month_day ymd{
      std::chrono::floor<std::chrono::days>(*t + std::chrono::hours(8))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

std::optional<std::string> categoryOfOutcome(const std::string& outcome) {
  if (outcome == "eligible_dibao") return "dibao";
  if (outcome == "eligible_tekun") return "tekun";
  if (outcome == "eligible_dibao_edge") return "dibao_edge";
  if (outcome == "eligible_rigid_expense") return "rigid_expense";
  if (outcome == "not_eligible") return "none";
  return std::nullopt;
}

Status onResolvedCategory(WorkTransaction& tx, const ItemActionRequest& req,
                          const ItemRecord& after, const OutboundBodies& bodies) {
  if (req.action != ItemAction::kResolve) return Status::ok();
  auto category = categoryOfOutcome(req.outcome);
  if (!category) return Status::ok();
  auto person = tx.itemPerson(after.item_id);
  if (!person.isOk()) return person.status();
  const ItemPerson& who = person.value();
  if (who.id_key.empty()) return Status::ok();  // nobody the platform could identify
  auto before = tx.personCategory(who.id_key);
  if (!before.isOk()) return before.status();
  const std::string previous = before.value() ? before.value()->category : "none";
  if (previous == *category) return Status::ok();  // confirmed as it was: no change
  PersonCategory now{who.id_key, *category, chinaDate(req.at), after.item_id, req.at};
  if (auto s = tx.setPersonCategory(now); !s.isOk()) return s;
  const std::string state(toString(after.state));
  if (auto s = tx.appendHistory(after.item_id, {req.at, req.actor, "category", state, state,
                                                "category " + previous + " -> " + *category});
      !s.isOk())
    return s;
  if (!req.platform.enabled) return Status::ok();
  const char* change = previous == "none" ? "added" : *category == "none" ? "removed" : "changed";
  CategoryChange upload;
  upload.person_key = who.id_key;
  if (req.platform.id_number && !who.id_number.empty()) upload.id_number = who.id_number;
  if (req.platform.township) upload.township = after.township;
  if (req.platform.village && !who.village.empty()) upload.village = who.village;
  upload.previous_category = previous;
  upload.category = *category;
  upload.change = change;
  upload.effective_date = now.since;
  upload.item_id = after.item_id;
  upload.outcome = req.outcome;
  upload.reason = req.reason_code;
  upload.at = req.at;
  OutboundMessage m;
  m.partner = kPlatformPartner;
  m.lane_key = who.id_key;  // one person's changes in the order they were made
  m.kind = "platform.category_change";
  m.idempotency_key = "platform-item-" + std::to_string(after.item_id);
  m.body_json = bodies.categoryChange(upload);
  m.created_at = req.at;
  auto id = tx.enqueueOutbound(m);
  if (!id.isOk()) return id.status();
  return Status::ok();
}

}  // namespace xj::routing
