#include "routing/delivery/outbox_lanes.h"

#include <algorithm>

namespace xj::routing {

AttemptKind classifyHttpStatus(long status) {
  if (status >= 200 && status < 300) return AttemptKind::kDelivered;
  if (status == 408 || status == 429 || status >= 500) return AttemptKind::kRetry;
  return AttemptKind::kPermanent;
}

int64_t backoffMs(const DeliveryPolicy& policy, int failed_attempts, uint64_t random) {
  int64_t d = policy.backoff_initial_ms;
  for (int i = 1; i < failed_attempts && d < policy.backoff_max_ms; ++i) d *= 2;
  d = std::min<int64_t>(d, policy.backoff_max_ms);
  int64_t half = d / 2;
  return (d - half) +
         (half > 0 ? static_cast<int64_t>(random % static_cast<uint64_t>(half + 1)) : 0);
}

void OutboxLanes::schedule(const LaneKey& key, Lane& lane) {
  if (lane.in_flight || lane.blocked || lane.rows.empty()) return;
  const auto& head = *lane.rows.begin();
  ReadyKey entry{head.second.due_ms, {head.first, key}};
  if (lane.ready_entry && *lane.ready_entry == entry) return;
  if (lane.ready_entry) ready_.erase(*lane.ready_entry);
  ready_.insert(entry);
  lane.ready_entry = entry;
}

void OutboxLanes::add(OutboxRecord record, int64_t due_ms) {
  const int64_t id = record.id;
  if (where_.count(id)) return;
  LaneKey key{record.message.partner, record.message.lane_key};
  partners_[key.first].created.emplace(id, record.message.created_at);
  Lane& lane = lanes_[key];
  lane.rows.emplace(id, Entry{std::move(record), due_ms});
  where_.emplace(id, key);
  ++rows_;
  schedule(key, lane);
}

std::vector<OutboxRecord> OutboxLanes::takeReady(int64_t now_ms, size_t max) {
  std::vector<OutboxRecord> out;
  const size_t lane_cap = static_cast<size_t>(policy_.max_lanes_per_partner);
  const size_t total_cap = static_cast<size_t>(policy_.max_in_flight);
  while (!ready_.empty() && out.size() < max && in_flight_ < total_cap) {
    auto it = ready_.begin();
    if (it->first > now_ms) break;
    LaneKey key = it->second.second;
    ready_.erase(it);
    Lane& lane = lanes_[key];
    lane.ready_entry.reset();
    PartnerState& partner = partners_[key.first];
    if (partner.in_flight >= lane_cap) {
      lane.blocked = true;
      partner.blocked.push_back(key);
      continue;
    }
    lane.in_flight = true;
    ++partner.in_flight;
    ++in_flight_;
    out.push_back(lane.rows.begin()->second.record);
  }
  return out;
}

std::optional<int64_t> OutboxLanes::nextDueMs() const {
  if (ready_.empty()) return std::nullopt;
  return ready_.begin()->first;
}

void OutboxLanes::release(const std::string& partner_name) {
  PartnerState& partner = partners_[partner_name];
  --partner.in_flight;
  --in_flight_;
  // The first blocked lane that still exists (a forgotten lane may have gone) gets the slot.
  while (!partner.blocked.empty()) {
    LaneKey key = partner.blocked.front();
    partner.blocked.erase(partner.blocked.begin());
    auto it = lanes_.find(key);
    if (it == lanes_.end()) continue;
    it->second.blocked = false;
    schedule(key, it->second);
    return;
  }
}

size_t OutboxLanes::rowsOf(const std::string& partner) const {
  auto it = partners_.find(partner);
  return it == partners_.end() ? 0 : it->second.created.size();
}

int64_t OutboxLanes::maxIdOf(const std::string& partner) const {
  auto it = partners_.find(partner);
  if (it == partners_.end() || it->second.created.empty()) return 0;
  return it->second.created.rbegin()->first;
}

int64_t OutboxLanes::forgetAbove(const std::string& partner, int64_t above) {
  auto p = partners_.find(partner);
  if (p == partners_.end()) return 0;
  int64_t forgotten = 0;
  auto& created = p->second.created;
  for (auto it = created.upper_bound(above); it != created.end();) {
    const int64_t id = it->first;
    auto w = where_.find(id);
    if (w == where_.end()) {
      it = created.erase(it);
      continue;
    }
    const LaneKey key = w->second;
    Lane& lane = lanes_[key];
    auto row = lane.rows.find(id);
    if (lane.in_flight && row == lane.rows.begin()) {  // in flight: its outcome is awaited
      ++it;
      continue;
    }
    lane.rows.erase(row);
    where_.erase(w);
    --rows_;
    forgotten = std::max(forgotten, id);
    it = created.erase(it);
    if (lane.rows.empty() && !lane.in_flight) {
      if (lane.ready_entry) ready_.erase(*lane.ready_entry);
      if (lane.blocked) {
        auto& b = p->second.blocked;
        b.erase(std::remove(b.begin(), b.end(), key), b.end());
      }
      lanes_.erase(key);
    } else {
      schedule(key, lane);  // its head may have changed
    }
  }
  return forgotten;
}

OutboxOutcome OutboxLanes::complete(int64_t id, const AttemptResult& result, int64_t now_ms,
                                    int64_t now_wall_ms, const std::string& at, uint64_t random) {
  OutboxOutcome out;
  out.id = id;
  out.at = at;
  auto w = where_.find(id);
  if (w == where_.end()) return out;  // not ours (cannot happen): record nothing final
  const LaneKey key = w->second;
  Lane& lane = lanes_[key];
  auto row = lane.rows.find(id);
  Entry& entry = row->second;
  const int attempts = entry.record.attempts + 1;
  out.attempts = attempts;
  if (lane.in_flight && row == lane.rows.begin()) {
    lane.in_flight = false;
    release(key.first);
  }
  bool final_state = true;
  if (result.kind == AttemptKind::kDelivered) {
    out.state = OutboxState::kDelivered;
  } else if (result.kind == AttemptKind::kPermanent || attempts >= policy_.max_attempts) {
    out.state = OutboxState::kDead;
    out.error = result.detail;
  } else {
    final_state = false;
    // The receiver's Retry-After is honoured as a floor, up to an hour.
    int64_t delay = std::max(backoffMs(policy_, attempts, random),
                             std::min<int64_t>(result.retry_after_ms, 3'600'000));
    entry.record.attempts = attempts;
    entry.record.last_error = result.detail;
    entry.due_ms = now_ms + delay;
    out.state = OutboxState::kPending;
    out.error = result.detail;
    out.next_attempt_ms = now_wall_ms + delay;
  }
  if (final_state) {
    partners_[key.first].created.erase(id);
    lane.rows.erase(row);
    where_.erase(w);
    --rows_;
  }
  if (lane.rows.empty() && !lane.in_flight) {
    if (lane.ready_entry) ready_.erase(*lane.ready_entry);
    lanes_.erase(key);
  } else {
    schedule(key, lane);
  }
  return out;
}

std::map<std::string, OutboxLanes::PartnerDepth> OutboxLanes::depth() const {
  std::map<std::string, PartnerDepth> out;
  for (const auto& [name, p] : partners_) {
    if (p.created.empty()) continue;
    auto& d = out[name];
    d.pending = static_cast<int64_t>(p.created.size());
    // Ids grow with commit time, so the lowest pending id is the oldest row (a replayed row keeps
    // its id and its creation time).
    d.oldest_created_at = p.created.begin()->second;
  }
  return out;
}

}  // namespace xj::routing
