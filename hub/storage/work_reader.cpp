#include "hub/storage/work_reader.h"

#include <algorithm>
#include <limits>
#include <map>

#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_work_transaction.h"

namespace xj::storage {

std::optional<std::vector<QueueCount>> readQueueCounts(Db& db) {
  auto st = db.cached(Sql::kQueueCounts);
  std::map<std::string, QueueCount> by_queue;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto& q = by_queue[st.text(0)];
    q.queue = st.text(0);
    q.open += st.int64(2);
    q.overdue += st.int64(3);
    q.by_state.emplace_back(st.text(1), st.int64(2));
  }
  if (rc != SQLITE_DONE) return std::nullopt;
  std::vector<QueueCount> out;
  for (auto& [k, v] : by_queue) out.push_back(std::move(v));
  return out;
}

std::optional<std::vector<ItemRecord>> readItems(Db& db, const ItemQuery& q) {
  // Built from the registry's fixed fragments only (statements.h); every value is bound.
  auto st = db.prepare(
      itemListSql({.state = !q.state.empty(),
                   .open_state = !q.state.empty() && q.state != toString(ItemState::kResolved),
                   .overdue = q.overdue.has_value(),
                   .category = !q.category.empty(),
                   .township = !q.township.empty(),
                   .text = !q.text.empty()}));
  if (!st.valid()) return std::nullopt;
  st.bind(1, q.queue).bind(2, q.after);
  if (!q.state.empty()) st.bind(3, q.state);
  if (q.overdue) st.bind(4, static_cast<int64_t>(*q.overdue ? 1 : 0));
  if (!q.category.empty()) st.bind(5, q.category);
  if (!q.township.empty()) st.bind(6, q.township);
  if (!q.text.empty()) st.bind(7, q.text);
  st.bind(8, static_cast<int64_t>(q.limit));
  std::vector<ItemRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readItemRow(st));
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

bool readItem(Db& db, const std::string& queue, int64_t item_id, std::optional<ItemRecord>& item,
              std::vector<HistoryEntry>& history) {
  auto st = db.cached(Sql::kItemInQueue);
  st.bind(1, item_id).bind(2, queue);
  int rc = st.step();
  if (rc == SQLITE_DONE) return true;
  if (rc != SQLITE_ROW) return false;
  item = readItemRow(st.raw());
  st.reset();
  auto h = db.cached(Sql::kItemHistory);
  h.bind(1, item_id);
  while ((rc = h.step()) == SQLITE_ROW)
    history.push_back({h.text(0), h.text(1), h.text(2), h.text(3), h.text(4),
                       h.opened(5, sealed::kHistoryDetail)});
  return rc == SQLITE_DONE;
}

std::optional<std::vector<QueueEvent>> readEvents(Db& db, const std::string& queue, int64_t after,
                                                  int limit) {
  auto st = db.cached(Sql::kEvents);
  st.bind(1, queue).bind(2, after).bind(3, static_cast<int64_t>(limit));
  std::vector<QueueEvent> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back({st.int64(0), st.text(1), st.int64(2),
                   parseEventType(st.text(3)).value_or(EventType::kNoted), st.text(4)});
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

namespace {
bool collect(ScopedStmt& st, std::vector<ExchangeRecord>& out) {
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readExchangeRow(st.raw()));
  return rc == SQLITE_DONE;
}
}  // namespace

std::optional<std::vector<ExchangeRecord>> readExchanges(Db& db, const ExchangeQuery& q) {
  std::vector<ExchangeRecord> out;
  const auto limit = static_cast<int64_t>(q.limit);
  if (!q.partner.empty()) {
    auto st = db.cached(Sql::kExchangesByPartner);
    st.bind(1, q.partner).bind(2, q.after).bind(3, limit);
    if (!collect(st, out)) return std::nullopt;
  } else if (!q.townships.empty()) {
    // One indexed read per township, each at most `limit` rows, merged in id order.
    for (const auto& t : q.townships) {
      auto st = db.cached(Sql::kExchangesByTownship);
      st.bind(1, t).bind(2, q.after).bind(3, limit);
      if (!collect(st, out)) return std::nullopt;
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.exchange_id < b.exchange_id; });
    if (out.size() > static_cast<size_t>(q.limit)) out.resize(static_cast<size_t>(q.limit));
  } else {
    auto st = db.cached(Sql::kExchangesAll);
    st.bind(1, q.after).bind(2, limit);
    if (!collect(st, out)) return std::nullopt;
  }
  return out;
}

bool readExchange(Db& db, int64_t exchange_id, std::optional<ExchangeRecord>& exchange,
                  std::vector<ExchangeTimelineEntry>& timeline,
                  std::vector<ExchangeDelivery>& deliveries) {
  auto st = db.cached(Sql::kLoadExchange);
  st.bind(1, exchange_id);
  int rc = st.step();
  if (rc == SQLITE_DONE) return true;
  if (rc != SQLITE_ROW) return false;
  exchange = readExchangeRow(st.raw());
  st.reset();
  auto t = db.cached(Sql::kExchangeTimeline);
  t.bind(1, exchange_id);
  while ((rc = t.step()) == SQLITE_ROW) {
    ExchangeTimelineEntry e;
    e.seq = t.int64(0);
    e.at = t.text(1);
    e.actor = t.text(2);
    e.side = parseExchangeSide(t.text(3)).value_or(ExchangeSide::kRequester);
    e.event = t.text(4);
    e.from_state = t.text(5);
    e.to_state = t.text(6);
    e.reason = t.opened(7, sealed::kTimelineReason);
    e.outcome = t.opened(8, sealed::kTimelineOutcome);
    e.note = t.opened(9, sealed::kTimelineNote);
    e.actor_name = t.opened(10, sealed::kTimelineActorName);
    timeline.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return false;
  t.reset();
  // Messages about an exchange go to its partner in the exchange's own lane (exchange_policy).
  auto d = db.cached(Sql::kExchangeDeliveries);
  d.bind(1, exchange->ex_id).bind(2, exchange->partner);
  while ((rc = d.step()) == SQLITE_ROW) {
    ExchangeDelivery x;
    x.outbox_id = d.int64(0);
    x.kind = d.text(1);
    x.state = d.text(2);
    x.attempts = static_cast<int>(d.int64(3));
    x.last_error = d.text(4);
    x.created_at = d.text(5);
    x.updated_at = d.text(6);
    x.delivered_at = d.text(7);
    deliveries.push_back(std::move(x));
  }
  return rc == SQLITE_DONE;
}

std::optional<std::vector<ExchangeReportRow>> readExchangeReport(Db& db, const std::string& from,
                                                                 const std::string& to) {
  auto st = db.cached(Sql::kExchangeReport);
  st.bind(1, from).bind(2, to);
  std::vector<ExchangeReportRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    ExchangeReportRow r;
    r.direction = parseExchangeDirection(st.text(0)).value_or(ExchangeDirection::kOutbound);
    r.partner = st.text(1);
    r.township = st.text(2);
    r.state = parseExchangeState(st.text(3)).value_or(ExchangeState::kRequested);
    r.reason = st.opened(4, sealed::kExchangeReason);
    r.created_at = st.text(5);
    r.accepted_at = st.isNull(6) ? "" : st.text(6);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

std::optional<std::vector<ItemRecord>> readOpenItems(Db& db, const OpenItemQuery& q, int limit) {
  auto st =
      db.cached(q.key_type == PersonKey::kIdNumber ? Sql::kOpenItemsById : Sql::kOpenItemsByPhone);
  st.bindPersonKey(1, q.key)
      .bind(2, toString(q.item_kind))
      .bind(3, toString(q.from))
      .bind(4, q.created_since)
      .bind(5, static_cast<int64_t>(limit));
  std::vector<ItemRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readItemRow(st.raw()));
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

std::optional<std::vector<OwnMessage>> readOwnMessages(Db& db, const MessageQuery& q) {
  std::vector<OwnMessage> out;
  std::vector<int64_t> linked;
  {
    auto st = db.cached(Sql::kMessagesBySource);
    st.bind(1, q.source)
        .bind(2, q.before > 0 ? q.before : std::numeric_limits<int64_t>::max())
        .bind(3, static_cast<int64_t>(q.limit));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      OwnMessage m;
      m.hub_seq = st.int64(0);
      m.message_id = st.text(1);
      m.kind = parseMessageKind(st.text(2)).value_or(MessageKind::kTicket);
      m.received_at = st.text(3);
      m.status = st.text(4);
      linked.push_back(st.isNull(5) ? 0 : st.int64(5));
      out.push_back(std::move(m));
    }
    if (rc != SQLITE_DONE) return std::nullopt;
  }
  // The item: the one a repeat or signal joined (linked_item), else the first it became.
  for (size_t i = 0; i < out.size(); ++i) {
    auto st = db.cached(linked[i] ? Sql::kLoadItem : Sql::kFirstItemOfMessage);
    st.bind(1, linked[i] ? linked[i] : out[i].hub_seq);
    int rc = st.step();
    if (rc == SQLITE_ROW)
      out[i].item = readItemRow(st.raw());
    else if (rc != SQLITE_DONE)
      return std::nullopt;
  }
  return out;
}

std::optional<std::vector<TownshipReportRow>> readTownshipReport(Db& db, const std::string& from,
                                                                 const std::string& to) {
  auto st = db.cached(Sql::kTownshipReport);
  st.bind(1, from).bind(2, to);
  std::vector<TownshipReportRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    TownshipReportRow r;
    r.township = st.text(0);
    r.item_kind = parseItemKind(st.text(1)).value_or(ItemKind::kCase);
    r.state = parseItemState(st.text(2)).value_or(ItemState::kNew);
    r.overdue = st.int64(3) != 0;
    r.created_at = st.text(4);
    r.first_contact_at = st.isNull(5) ? "" : st.text(5);
    r.resolved_at = st.isNull(6) ? "" : st.text(6);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

bool readItemDetail(Db& db, const std::string& queue, int64_t item_id,
                    std::optional<ItemDetail>& detail) {
  std::optional<ItemRecord> item;
  std::vector<HistoryEntry> history;
  if (!readItem(db, queue, item_id, item, history)) return false;
  if (!item) return true;
  ItemDetail d;
  d.item = std::move(*item);
  d.history = std::move(history);
  int rc;
  {
    auto st = db.cached(Sql::kMessageBySeq);
    st.bind(1, d.item.hub_seq);
    rc = st.step();
    if (rc == SQLITE_ROW) {
      // columns: hub_seq, source, message_id, kind, received_at, status, payload, township
      StoredMessage m;
      m.receipt.hub_id = hubIdOf(st.int64(0));
      m.receipt.source = st.text(1);
      m.receipt.message_id = st.text(2);
      m.receipt.kind = parseMessageKind(st.text(3)).value_or(MessageKind::kTicket);
      m.receipt.received_at = st.text(4);
      m.receipt.status = st.text(5);
      m.payload = st.opened(6, sealed::kMessagePayload);
      m.township = st.text(7);
      d.message = std::move(m);
    } else if (rc != SQLITE_DONE) {
      return false;
    }
  }
  {
    auto st = db.cached(Sql::kPrescreenBySeq);
    st.bind(1, d.item.hub_seq);
    rc = st.step();
    if (rc == SQLITE_ROW) {
      d.prescreen = PrescreenRecord{d.item.hub_seq, st.text(0), st.text(1), st.text(2),
                                    st.opened(3, sealed::kPrescreenDecision)};
      d.prescreen_carried_from = st.isNull(4) ? 0 : st.int64(4);
    } else if (rc != SQLITE_DONE) {
      return false;
    }
  }
  {
    auto st = db.cached(Sql::kExchangesOfItem);
    st.bind(1, d.item.item_id);
    if (!collect(st, d.exchanges)) return false;
  }
  detail = std::move(d);
  return true;
}

}  // namespace xj::storage
