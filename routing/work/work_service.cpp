#include "routing/work/work_service.h"

#include <chrono>

#include "hub/core/message.h"
#include "hub/core/time_format.h"
#include "routing/rules/date.h"

namespace xj::routing {

PersonFields personFieldsFor(const Partner& partner) {
  PersonFields out;
  for (const char* f : {"name", "phone", "id_number", "township", "village", "address"})
    if (partner.mayReceive(f)) out.subject.emplace_back(f);
  out.household = partner.mayReceive("household");
  out.needs = partner.mayReceive("needs");
  return out;
}

ProgressDueCounter progressDueCounter(PartnersInForce partners, WorkingDayCount deadline) {
  return [partners = std::move(partners), deadline = std::move(deadline)](
             const std::string& partner, const std::string& from) {
    auto dir = partners ? partners() : nullptr;
    const Partner* p = dir ? dir->find(partner) : nullptr;
    if (!p || p->progress_every_working_days <= 0 || !deadline) return std::string();
    return deadline(from, p->progress_every_working_days).date;
  };
}

std::optional<rules::WorkingDaysLeft> WorkService::workingDaysLeft(const std::string& due) const {
  if (due.empty() || !deps_.working_days_between) return std::nullopt;
  return deps_.working_days_between(acceptedOn(deps_.clock.now()), due);
}

bool WorkService::ingest(IngestRecord record, MessageStore::IngestCallback done) const {
  return deps_.messages.submit(std::move(record), std::move(done));
}

bool WorkService::act(ItemActionRequest req, std::function<void(ActionResult)> done) const {
  const auto now = deps_.clock.now();
  req.at = formatRfc3339(now);
  if (req.action == ItemAction::kResolve) {
    // A resolved ticket gets a follow-up visit when the route table in force asks for one; the
    // writer creates it only for a ticket case, so the deadline is counted for every resolve.
    if (auto table = deps_.routes.get(); table->follow_up_on_resolve) {
      req.create_follow_up = true;
      req.follow_up_from = acceptedOn(now);
      req.follow_up_working_days = table->follow_up_working_days;
      if (deps_.deadline) {
        auto follow_up = deps_.deadline(req.follow_up_from, req.follow_up_working_days);
        req.follow_up_deadline = follow_up.date;
        req.follow_up_provisional = follow_up.provisional;
      }
    }
    // Where a category change goes: the platform's fields in the directory in force.
    if (auto dir = deps_.partners ? deps_.partners() : nullptr; dir && dir->platform.enabled) {
      req.platform.enabled = true;
      req.platform.id_number = dir->platform.mayReceive("id_number");
      req.platform.township = dir->platform.mayReceive("township");
      req.platform.village = dir->platform.mayReceive("village");
    }
  }
  return deps_.work.submitAction(std::move(req), std::move(done));
}

void WorkService::referOut(ExchangeCommand cmd, Problems problems,
                           std::function<bool(const Queue&)> may_see,
                           std::function<void(ReferralAnswer)> done) const {
  auto refuse = [&done](ReferralAnswer::Outcome outcome, Problems p = {}) {
    done(ReferralAnswer{outcome, std::move(p), {}});
  };
  const auto now = deps_.clock.now();
  cmd.kind = ExchangeCommand::Kind::kCreateOutbound;
  cmd.at = formatRfc3339(now);
  auto dir = deps_.partners ? deps_.partners() : nullptr;
  const Partner* partner = dir && !cmd.partner.empty() ? dir->find(cmd.partner) : nullptr;
  if (!cmd.partner.empty() && !partner)
    problems.push_back({"/partner", "not in the partner directory"});
  if (partner && !cmd.need.empty() && !partner->offers(cmd.need))
    problems.push_back({"/need", "the partner does not offer this service"});
  if (partner && partner->capacity == PartnerCapacity::kFull)
    problems.push_back({"/partner", "the partner has no capacity (full): see suggestions"});
  auto table = deps_.routes.get();
  const Queue* queue = cmd.queue.empty() ? nullptr : table->findQueue(cmd.queue);
  if (!cmd.queue.empty() && !queue) problems.push_back({"/queue", "unknown queue"});
  if (!problems.empty() || !queue || !partner)
    return refuse(ReferralAnswer::Outcome::kInvalid, std::move(problems));
  if (may_see && !may_see(*queue)) return refuse(ReferralAnswer::Outcome::kForbidden);
  // A township queue names the township at once; the item's own township is checked once read
  // (an item transferred to a county queue keeps its township).
  if (!queue->township.empty() && !partner->servesTownship(queue->township))
    return refuse(ReferralAnswer::Outcome::kInvalid,
                  {{"/partner", "does not serve the item's township"}});
  if (partner->accept_within_working_days > 0 && deps_.deadline)
    cmd.due = deps_.deadline(acceptedOn(now), partner->accept_within_working_days).date;
  referItem(std::make_shared<ExchangeCommand>(std::move(cmd)), *partner, std::move(done));
}

// Reads the item (scope: its queue) and its message, keeps of the person what the partner may
// see, then submits the referral as one write job.
void WorkService::referItem(std::shared_ptr<ExchangeCommand> cmd, Partner partner,
                            std::function<void(ReferralAnswer)> done) const {
  auto shared_done = std::make_shared<std::function<void(ReferralAnswer)>>(std::move(done));
  auto answer = [shared_done](ReferralAnswer::Outcome outcome, Problems p = {}) {
    (*shared_done)(ReferralAnswer{outcome, std::move(p), {}});
  };
  bool queued = deps_.work.getItem(
      cmd->queue, cmd->item_id,
      [this, cmd, partner, shared_done, answer](bool ok, std::optional<ItemRecord> item,
                                                std::vector<HistoryEntry>) {
        if (!ok) return answer(ReferralAnswer::Outcome::kUnreadable);
        if (!item) return answer(ReferralAnswer::Outcome::kItemNotFound);
        if (!partner.servesTownship(item->township))
          return answer(ReferralAnswer::Outcome::kInvalid,
                        {{"/partner", "does not serve the item's township"}});
        bool looked = deps_.messages.lookup(
            item->hub_id, "",
            [this, cmd, partner, shared_done, answer](std::optional<StoredMessage> m, bool ok2) {
              if (!ok2 || !m) return answer(ReferralAnswer::Outcome::kUnreadable);
              if (deps_.encode_person)
                cmd->person_json =
                    deps_.encode_person(m->payload, personFieldsFor(partner), cmd->need);
              bool submitted = deps_.work.submitExchange(*cmd, [shared_done](
                                                                   ExchangeCommandResult r) {
                (*shared_done)(ReferralAnswer{ReferralAnswer::Outcome::kDone, {}, std::move(r)});
              });
              if (!submitted) answer(ReferralAnswer::Outcome::kBusy);
            });
        if (!looked) answer(ReferralAnswer::Outcome::kBusy);
      });
  if (!queued) answer(ReferralAnswer::Outcome::kBusy);
}

bool WorkService::partnerSubject(const ExchangeRecord& ex, SubjectDone done) const {
  auto dir = deps_.partners ? deps_.partners() : nullptr;
  const Partner* partner = dir ? dir->find(ex.partner) : nullptr;
  if (ex.direction != ExchangeDirection::kOutbound || !partner || !deps_.encode_person ||
      ex.hub_seq <= 0) {
    done(true, "", {});
    return true;
  }
  return deps_.messages.lookup(hubIdOf(ex.hub_seq), "",
                               [this, fields = personFieldsFor(*partner), need = ex.need,
                                done = std::move(done)](std::optional<StoredMessage> m, bool ok) {
                                 if (!ok) return done(false, "", {});
                                 if (!m) return done(true, "", {});
                                 done(true, deps_.encode_person(m->payload, fields, need),
                                      std::move(m->person_keys));
                               });
}

bool WorkService::report(ExchangeCommand cmd,
                         std::function<void(ExchangeCommandResult)> done) const {
  cmd.kind = ExchangeCommand::Kind::kEvent;
  cmd.at = formatRfc3339(deps_.clock.now());
  // A partner's event ids are its organisation's, over HTTP and MQTT alike (a report resent over
  // the other transport is still a resend); civil affairs' are its staff organisation's.
  if (!cmd.event_id.empty())
    cmd.event_scope = cmd.party == ExchangeParty::kPartner ? "partner:" + cmd.partner_org
                                                           : "civil_affairs:" + cmd.caller_org;
  return deps_.work.submitExchange(std::move(cmd), std::move(done));
}

bool WorkService::sweep(const std::string& today,
                        std::function<void(std::optional<SweepResult>)> done) const {
  // Items without a deadline are late once older than escalate_undated_after_days calendar
  // days: created before the start (China time) of the day that many days before `today`.
  std::string undated_before;
  auto routes = deps_.routes.get();
  if (auto d = rules::parseDate(today); d && routes->escalate_undated_after_days > 0)
    undated_before = formatRfc3339(std::chrono::sys_days(std::chrono::days(
                                       d->plusDays(-routes->escalate_undated_after_days).days)) -
                                   std::chrono::hours(8));
  return deps_.work.sweep(today, routes->escalation_queue, formatRfc3339(deps_.clock.now()),
                          undated_before, std::move(done));
}

bool WorkService::replay(
    int64_t outbox_id, std::string actor,
    std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) const {
  if (!deps_.outbox) return false;
  return deps_.outbox->replayOutbound(outbox_id, std::move(actor), formatRfc3339(deps_.clock.now()),
                                      std::move(done));
}

std::vector<Partner> WorkService::suggestPartners(const std::string& township,
                                                  const std::string& need,
                                                  const std::string& except) const {
  std::vector<Partner> out;
  auto dir = deps_.partners ? deps_.partners() : nullptr;
  if (!dir) return out;
  for (auto cap : {PartnerCapacity::kAvailable, PartnerCapacity::kWaitlist})
    for (const auto& p : dir->partners)
      if (p.capacity == cap && p.org != except && p.servesTownship(township) &&
          (need.empty() || p.offers(need)))
        out.push_back(p);
  return out;
}

std::optional<std::vector<Partner>> WorkService::nextCandidates(const ExchangeRecord& ex) const {
  // A rejection for capacity: its reason names it (the partner is full or has a waiting list).
  const bool for_capacity = ex.reason.find("capacity") != std::string::npos ||
                            ex.reason == "full" || ex.reason == "waitlist";
  if (ex.direction != ExchangeDirection::kOutbound || ex.state != ExchangeState::kRejected ||
      !for_capacity)
    return std::nullopt;
  if (!deps_.partners || !deps_.partners()) return std::nullopt;
  return suggestPartners(ex.township, ex.need, ex.partner);
}

}  // namespace xj::routing
