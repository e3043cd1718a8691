#include "tests/support/memory_work_transaction.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <tuple>

namespace xj::testing {
namespace {

bool isOpen(const ItemRecord& r) { return r.state != ItemState::kResolved; }

// The subject's string field of a stored payload ("" when absent), as json_extract reads it.
std::string subjectField(const std::string& payload, const char* name) {
  rapidjson::Document doc;
  doc.Parse(payload.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return "";
  auto subject = doc.FindMember("subject");
  if (subject == doc.MemberEnd() || !subject->value.IsObject()) return "";
  auto field = subject->value.FindMember(name);
  if (field == subject->value.MemberEnd() || !field->value.IsString()) return "";
  return field->value.GetString();
}

// GROUP BY partner over the exchanges that `pick` selects, in partner order.
template <class Pick>
std::vector<std::pair<std::string, int64_t>> countByPartner(
    const std::map<int64_t, ExchangeRecord>& exchanges, Pick pick) {
  std::map<std::string, int64_t> by;
  for (const auto& [id, e] : exchanges)
    if (pick(e)) ++by[e.partner];
  return {by.begin(), by.end()};
}

}  // namespace

Result<MessageInsert> MemoryWorkTransaction::insertMessage(const IngestRecord& record,
                                                           MessageStatus status) {
  MessageInsert out;
  auto key = std::make_pair(record.source, record.message_id);
  if (auto taken = message_keys_.find(key); taken != message_keys_.end()) {
    const Message& m = messages_.at(taken->second);
    Receipt r;
    r.hub_id = hubIdOf(m.hub_seq);
    r.source = m.record.source;
    r.message_id = m.record.message_id;
    r.kind = m.record.kind;
    r.received_at = m.record.received_at;
    r.status = toString(m.status);
    out.existing = r;
    out.existing_body_hash = m.record.body_hash;
    return out;
  }
  const int64_t seq = messages_.empty() ? 1 : messages_.rbegin()->first + 1;
  messages_[seq] = Message{record, seq, status, 0};
  message_keys_[key] = seq;
  out.hub_seq = seq;
  return out;
}

Result<bool> MemoryWorkTransaction::rememberPerson(const std::string& id_key, int64_t hub_seq) {
  return persons_.emplace(id_key, Person{hub_seq, 0}).second;
}

Status MemoryWorkTransaction::insertPrescreen(const PrescreenRecord& prescreen) {
  if (prescreens_.count(prescreen.hub_seq))
    return Status::ioError("prescreen: hub_seq already has one");
  prescreens_[prescreen.hub_seq] = Prescreen{prescreen, 0};
  return Status::ok();
}

Status MemoryWorkTransaction::rememberHousehold(const std::string& id_key, int64_t hub_seq) {
  auto [it, added] = persons_.emplace(id_key, Person{hub_seq, hub_seq});
  if (!added) it->second.household_seq = hub_seq;
  return Status::ok();
}

Status MemoryWorkTransaction::carryPrescreen(int64_t hub_seq, const std::string& id_key) {
  auto person = persons_.find(id_key);
  if (person == persons_.end() || person->second.household_seq == 0) return Status::ok();
  auto from = prescreens_.find(person->second.household_seq);
  if (from == prescreens_.end()) return Status::ok();
  if (prescreens_.count(hub_seq)) return Status::ioError("carried prescreen: hub_seq has one");
  PrescreenRecord copy = from->second.record;
  copy.hub_seq = hub_seq;
  prescreens_[hub_seq] = Prescreen{copy, person->second.household_seq};
  return Status::ok();
}

Result<std::optional<int64_t>> MemoryWorkTransaction::findOpenItem(const OpenItemQuery& q) {
  for (const auto& [id, item] : items_) {  // item_id order: the oldest first
    const std::string& key = q.key_type == PersonKey::kIdNumber ? item.id_key : item.phone_key;
    if (key.empty() || key != q.key || !isOpen(item.record)) continue;
    if (item.record.item_kind != q.item_kind || item.record.kind != q.from) continue;
    if (item.record.created_at < q.created_since) continue;
    return std::optional<int64_t>(id);
  }
  return std::optional<int64_t>();
}

Result<std::optional<ItemRecord>> MemoryWorkTransaction::loadItem(int64_t item_id) {
  auto it = items_.find(item_id);
  if (it == items_.end()) return std::optional<ItemRecord>();
  return std::optional<ItemRecord>(it->second.record);
}

Result<int64_t> MemoryWorkTransaction::insertItem(const NewItem& n) {
  const int64_t id = items_.empty() ? 1 : items_.rbegin()->first + 1;
  Item item;
  ItemRecord& r = item.record;
  r.item_id = id;
  r.queue = n.queue;
  r.item_kind = n.item_kind;
  r.hub_seq = n.hub_seq;
  r.hub_id = hubIdOf(n.hub_seq);
  r.kind = n.kind;
  r.township = n.township;
  r.category = n.category;
  r.urgency = n.urgency;
  r.state = ItemState::kNew;
  r.deadline = n.deadline;
  r.deadline_provisional = n.deadline_provisional && !n.deadline.empty();
  r.created_at = n.at;
  r.updated_at = n.at;
  r.parent_item = n.parent_item;
  item.phone_key = n.phone_key;
  item.id_key = n.id_key;
  item.deadline_from = n.deadline_from;
  item.deadline_working_days = n.deadline_working_days;
  items_[id] = std::move(item);
  return id;
}

Status MemoryWorkTransaction::updateItem(const ItemRecord& r) {
  auto it = items_.find(r.item_id);
  if (it == items_.end()) return Status::ok();  // an UPDATE of no row
  ItemRecord& s = it->second.record;
  s.state = r.state;
  s.owner = r.owner;
  s.queue = r.queue;
  s.updated_at = r.updated_at;
  s.overdue = r.overdue;
  s.outcome = r.outcome;
  s.reason_code = r.reason_code;
  s.linked_messages = r.linked_messages;
  return Status::ok();
}

Result<std::vector<int64_t>> MemoryWorkTransaction::itemsDueBefore(const std::string& date) {
  std::vector<std::pair<std::string, int64_t>> due;
  for (const auto& [id, item] : items_) {
    const ItemRecord& r = item.record;
    if (isOpen(r) && !r.overdue && !r.deadline.empty() && r.deadline < date)
      due.emplace_back(r.deadline, id);
  }
  std::sort(due.begin(), due.end());
  std::vector<int64_t> out;
  for (const auto& d : due) out.push_back(d.second);
  return out;
}

Result<std::vector<int64_t>> MemoryWorkTransaction::itemsUndatedCreatedBefore(
    const std::string& at) {
  std::vector<int64_t> out;
  for (const auto& [id, item] : items_) {
    const ItemRecord& r = item.record;
    if (isOpen(r) && !r.overdue && r.deadline.empty() && r.created_at < at) out.push_back(id);
  }
  return out;
}

Result<std::vector<OverdueCount>> MemoryWorkTransaction::overdueCounts() {
  std::map<std::pair<std::string, std::string>, int64_t> by;
  for (const auto& [id, item] : items_)
    if (item.record.overdue && isOpen(item.record)) ++by[{item.record.queue, item.record.township}];
  std::vector<OverdueCount> out;
  for (const auto& [key, n] : by) out.push_back({key.first, key.second, n});
  return out;
}

Result<std::vector<ProvisionalDeadline>> MemoryWorkTransaction::openProvisionalDeadlines() {
  std::vector<ProvisionalDeadline> out;
  for (const auto& [id, item] : items_) {
    const ItemRecord& r = item.record;
    if (!r.deadline_provisional || !isOpen(r)) continue;
    out.push_back(
        {id, r.queue, r.state, r.deadline, item.deadline_from, item.deadline_working_days});
  }
  return out;
}

Status MemoryWorkTransaction::setDeadline(int64_t item_id, const std::string& deadline,
                                          bool provisional, const std::string& at) {
  auto it = items_.find(item_id);
  if (it == items_.end()) return Status::ok();
  it->second.record.deadline = deadline;
  it->second.record.deadline_provisional = provisional;
  it->second.record.updated_at = at;
  return Status::ok();
}

Status MemoryWorkTransaction::appendHistory(int64_t item_id, const HistoryEntry& entry) {
  history_.emplace_back(item_id, entry);
  return Status::ok();
}

Status MemoryWorkTransaction::appendEvent(const std::string& queue, int64_t item_id, EventType type,
                                          const std::string& at) {
  events_.push_back({static_cast<int64_t>(events_.size()) + 1, queue, item_id, type, at});
  ++events_appended_;
  return Status::ok();
}

Status MemoryWorkTransaction::setMessageStatus(int64_t hub_seq, MessageStatus status,
                                               int64_t item_id) {
  auto it = messages_.find(hub_seq);
  if (it == messages_.end()) return Status::ok();
  it->second.status = status;
  it->second.linked_item = item_id;
  return Status::ok();
}

Result<ItemPerson> MemoryWorkTransaction::itemPerson(int64_t item_id) {
  ItemPerson p;
  auto item = items_.find(item_id);
  if (item == items_.end()) return p;
  auto message = messages_.find(item->second.record.hub_seq);
  if (message == messages_.end()) return p;  // the join finds no row
  p.id_key = item->second.id_key;
  p.village = subjectField(message->second.record.payload, "village");
  p.id_number = subjectField(message->second.record.payload, "id_number");
  return p;
}

Result<std::optional<PersonCategory>> MemoryWorkTransaction::personCategory(
    const std::string& id_key) {
  auto it = categories_.find(id_key);
  if (it == categories_.end()) return std::optional<PersonCategory>();
  return std::optional<PersonCategory>(it->second);
}

Status MemoryWorkTransaction::setPersonCategory(const PersonCategory& category) {
  categories_[category.id_key] = category;
  return Status::ok();
}

Result<int64_t> MemoryWorkTransaction::enqueueOutbound(const OutboundMessage& m) {
  for (const auto& [id, row] : outbox_)
    if (row.message.idempotency_key == m.idempotency_key)
      return Status::conflict("outbox: idempotency key already used");
  OutboxRecord r;
  r.id = outbox_.empty() ? 1 : outbox_.rbegin()->first + 1;
  r.message = m;
  r.updated_at = m.created_at;
  outbox_[r.id] = r;
  enqueued_.push_back(r);
  return r.id;
}

Status MemoryWorkTransaction::recordOutboxOutcome(const OutboxOutcome& o) {
  auto it = outbox_.find(o.id);
  if (it == outbox_.end() || it->second.state != OutboxState::kPending) return Status::ok();
  OutboxRecord& r = it->second;
  r.attempts = o.attempts;
  r.updated_at = o.at;
  if (o.state == OutboxState::kDelivered) {
    r.state = OutboxState::kDelivered;
    r.last_error.clear();
    r.delivered_at = o.at;
  } else if (o.state == OutboxState::kDead) {
    r.state = OutboxState::kDead;
    r.last_error = o.error;
  } else {
    r.next_attempt_ms = o.next_attempt_ms;
    r.last_error = o.error;
  }
  return Status::ok();
}

Result<OutboxReplay> MemoryWorkTransaction::replayOutbound(int64_t outbox_id,
                                                           const std::string& actor,
                                                           const std::string& at) {
  OutboxReplay out;
  auto it = outbox_.find(outbox_id);
  if (it == outbox_.end()) {
    out.result = ReplayResult::kNotFound;
    return out;
  }
  replay_requests_.push_back({outbox_id, actor, at, true});  // the log, refused or not
  if (it->second.state != OutboxState::kDead) {
    out.result = ReplayResult::kNotDead;
    return out;
  }
  OutboxRecord& r = it->second;
  r.state = OutboxState::kPending;
  r.attempts = 0;
  r.next_attempt_ms = 0;
  r.updated_at = at;
  out.result = ReplayResult::kReplayed;
  out.row = r;
  enqueued_.push_back(r);
  return out;
}

Result<int> MemoryWorkTransaction::applyRequestedReplays(const std::string& at) {
  int replayed = 0, seen = 0;
  for (auto& request : replay_requests_) {
    if (request.applied) continue;
    if (++seen > 1000) break;  // as many as the SQLite one takes per call
    request.applied = true;
    auto it = outbox_.find(request.outbox_id);
    if (it == outbox_.end() || it->second.state != OutboxState::kDead) continue;
    OutboxRecord& r = it->second;
    r.state = OutboxState::kPending;
    r.attempts = 0;
    r.next_attempt_ms = 0;
    r.updated_at = at;
    enqueued_.push_back(r);
    ++replayed;
  }
  return replayed;
}

Result<int64_t> MemoryWorkTransaction::insertExchange(const ExchangeRecord& exchange) {
  exchanges_changed_ = true;
  ExchangeRecord e = exchange;
  e.exchange_id = exchanges_.empty() ? 1 : exchanges_.rbegin()->first + 1;
  e.ex_id = exchangeIdOf(e.exchange_id);
  // Columns the insert does not write start at their defaults.
  e.overdue = false;
  e.progress_due.clear();
  e.progress_overdue = false;
  exchanges_[e.exchange_id] = e;
  ++exchange_states_[std::string(toString(e.state))];
  return e.exchange_id;
}

Result<std::optional<ExchangeRecord>> MemoryWorkTransaction::loadExchange(int64_t exchange_id) {
  auto it = exchanges_.find(exchange_id);
  if (it == exchanges_.end()) return std::optional<ExchangeRecord>();
  return std::optional<ExchangeRecord>(it->second);
}

Status MemoryWorkTransaction::updateExchange(const ExchangeRecord& e) {
  exchanges_changed_ = true;
  auto it = exchanges_.find(e.exchange_id);
  if (it == exchanges_.end()) return Status::ok();
  ExchangeRecord& s = it->second;
  if (s.state != e.state) {
    --exchange_states_[std::string(toString(s.state))];
    ++exchange_states_[std::string(toString(e.state))];
  }
  s.state = e.state;
  s.reason = e.reason;
  s.outcome = e.outcome;
  s.updated_at = e.updated_at;
  s.timeline_seq = e.timeline_seq;
  s.due = e.due;
  s.overdue = e.overdue;
  s.progress_due = e.progress_due;
  s.progress_overdue = e.progress_overdue;
  return Status::ok();
}

Result<std::optional<int64_t>> MemoryWorkTransaction::findExchangeByItem(
    int64_t item_id, ExchangeDirection direction) {
  for (auto it = exchanges_.rbegin(); it != exchanges_.rend(); ++it)  // the latest
    if (it->second.item_id == item_id && it->second.direction == direction)
      return std::optional<int64_t>(it->first);
  return std::optional<int64_t>();
}

Status MemoryWorkTransaction::appendExchangeTimeline(int64_t exchange_id,
                                                     const ExchangeTimelineEntry& entry) {
  for (const auto& [id, t] : timelines_)
    if (id == exchange_id && t.seq == entry.seq)
      return Status::ioError("exchange timeline: seq already written");
  timelines_.emplace_back(exchange_id, entry);
  return Status::ok();
}

Result<std::vector<int64_t>> MemoryWorkTransaction::exchangesDueBefore(const std::string& date) {
  std::vector<std::pair<std::string, int64_t>> due;
  for (const auto& [id, e] : exchanges_)
    if (!e.due.empty() && !e.overdue && e.due < date) due.emplace_back(e.due, id);
  std::sort(due.begin(), due.end());
  std::vector<int64_t> out;
  for (const auto& d : due) out.push_back(d.second);
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> MemoryWorkTransaction::exchangesByState() {
  return std::vector<std::pair<std::string, int64_t>>(exchange_states_.begin(),
                                                      exchange_states_.end());
}

Result<std::vector<std::pair<std::string, int64_t>>> MemoryWorkTransaction::overdueExchanges() {
  return countByPartner(exchanges_, [](const ExchangeRecord& e) { return e.overdue; });
}

Result<std::vector<int64_t>> MemoryWorkTransaction::exchangesProgressDueBefore(
    const std::string& date) {
  std::vector<std::pair<std::string, int64_t>> due;
  for (const auto& [id, e] : exchanges_)
    if (!e.progress_due.empty() && e.progress_due < date) due.emplace_back(e.progress_due, id);
  std::sort(due.begin(), due.end());
  std::vector<int64_t> out;
  for (const auto& d : due) out.push_back(d.second);
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>>
MemoryWorkTransaction::progressOverdueExchanges() {
  return countByPartner(exchanges_, [](const ExchangeRecord& e) { return e.progress_overdue; });
}

Result<std::optional<ExchangeEventRecord>> MemoryWorkTransaction::findExchangeEvent(
    const std::string& scope, const std::string& event_id) {
  auto it = exchange_events_.find({scope, event_id});
  if (it == exchange_events_.end()) return std::optional<ExchangeEventRecord>();
  return std::optional<ExchangeEventRecord>(it->second);
}

Status MemoryWorkTransaction::recordExchangeEvent(const ExchangeEventRecord& event) {
  if (exchange_events_.count({event.scope, event.event_id}))
    return Status::conflict("exchange event: id already recorded");
  // What the SQLite store keeps of the answer's exchange: the fields events change.
  ExchangeEventRecord kept = event;
  const ExchangeRecord& e = event.result.exchange;
  ExchangeRecord& k = kept.result.exchange;
  k = ExchangeRecord{};
  k.exchange_id = event.exchange_id;  // the exchange the event named
  k.ex_id = exchangeIdOf(event.exchange_id);
  k.state = e.state;
  k.reason = e.reason;
  k.outcome = e.outcome;
  k.updated_at = e.updated_at;
  k.timeline_seq = e.timeline_seq;
  k.due = e.due;
  k.overdue = e.overdue;
  k.progress_due = e.progress_due;
  k.progress_overdue = e.progress_overdue;
  kept.result.replayed = false;
  exchange_events_[{event.scope, event.event_id}] = std::move(kept);
  return Status::ok();
}

void MemoryWorkTransaction::requestReplay(int64_t outbox_id, const std::string& actor,
                                          const std::string& at) {
  replay_requests_.push_back({outbox_id, actor, at, false});
}

const MemoryWorkTransaction::Message* MemoryWorkTransaction::message(int64_t hub_seq) const {
  auto it = messages_.find(hub_seq);
  return it == messages_.end() ? nullptr : &it->second;
}

std::optional<MemoryWorkTransaction::Prescreen> MemoryWorkTransaction::prescreen(
    int64_t hub_seq) const {
  auto it = prescreens_.find(hub_seq);
  if (it == prescreens_.end()) return std::nullopt;
  return it->second;
}

std::vector<HistoryEntry> MemoryWorkTransaction::history(int64_t item_id) const {
  std::vector<HistoryEntry> out;
  for (const auto& [id, h] : history_)
    if (id == item_id) out.push_back(h);
  return out;
}

std::vector<QueueEvent> MemoryWorkTransaction::events(const std::string& queue) const {
  std::vector<QueueEvent> out;
  for (const auto& e : events_)
    if (e.queue == queue) out.push_back(e);
  return out;
}

std::vector<ExchangeTimelineEntry> MemoryWorkTransaction::timeline(int64_t exchange_id) const {
  std::vector<ExchangeTimelineEntry> out;
  for (const auto& [id, t] : timelines_)
    if (id == exchange_id) out.push_back(t);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

std::vector<OutboxRecord> MemoryWorkTransaction::outbox() const {
  std::vector<OutboxRecord> out;
  for (const auto& [id, r] : outbox_) out.push_back(r);
  return out;
}

Result<AccessTail> MemoryWorkTransaction::accessTail() {
  if (access_log_.empty()) return AccessTail{access_anchor_.seq, access_anchor_.chain};
  return AccessTail{access_log_.back().seq, access_log_.back().chain};
}

Result<std::vector<AccessRecord>> MemoryWorkTransaction::oldestAccess(int limit) {
  const size_t n = std::min(access_log_.size(), static_cast<size_t>(std::max(limit, 0)));
  return std::vector<AccessRecord>(access_log_.begin(), access_log_.begin() + static_cast<long>(n));
}

Status MemoryWorkTransaction::pruneAccess(const std::vector<AccessRecord>& records,
                                          const AccessAnchor& anchor) {
  for (const auto& r : records) {
    if (access_log_.empty() || access_log_.front().seq != r.seq)
      return Status::conflict("access record: pruning must remove the oldest first");
    access_log_.erase(access_log_.begin());
  }
  access_anchor_ = anchor;
  return Status::ok();
}

Status MemoryWorkTransaction::appendAccess(const AccessRecord& record) {
  if (!access_log_.empty() && record.seq <= access_log_.back().seq)
    return Status::conflict("access record: seq already used");
  access_log_.push_back(record);
  return Status::ok();
}

std::vector<OutboxRecord> MemoryWorkTransaction::takeEnqueued() {
  std::vector<OutboxRecord> out;
  out.swap(enqueued_);
  return out;
}

}  // namespace xj::testing
