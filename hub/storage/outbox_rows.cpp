#include "hub/storage/outbox_rows.h"

#include "hub/storage/sealed_columns.h"
#include "hub/storage/statements.h"

namespace xj::storage {

OutboxRecord readOutboxRow(const Stmt& st) {
  OutboxRecord r;
  r.id = st.int64(0);
  r.message.partner = st.text(1);
  r.message.lane_key = st.text(2);
  r.message.kind = st.text(3);
  r.message.idempotency_key = st.text(4);
  r.message.body_json = st.opened(5, sealed::kOutboxBody);
  r.message.created_at = st.text(6);
  r.state = parseOutboxState(st.text(7)).value_or(OutboxState::kPending);
  r.attempts = static_cast<int>(st.int64(8));
  r.next_attempt_ms = st.int64(9);
  r.last_error = st.text(10);
  r.updated_at = st.text(11);
  r.delivered_at = st.isNull(12) ? "" : st.text(12);
  return r;
}

namespace {
std::optional<std::vector<OutboxRecord>> readAll(ScopedStmt& st) {
  std::vector<OutboxRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readOutboxRow(st.raw()));
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}
}  // namespace

std::optional<std::vector<OutboxRecord>> readPendingOutbox(Db& db, int64_t after_id, int limit) {
  auto st = db.cached(Sql::kOutboxPending);
  st.bind(1, after_id).bind(2, static_cast<int64_t>(limit));
  return readAll(st);
}

std::optional<std::vector<OutboxRecord>> readPendingOutboxOf(Db& db, const std::string& partner,
                                                             int64_t after_id, int limit) {
  auto st = db.cached(Sql::kOutboxPendingOfPartner);
  st.bind(1, partner).bind(2, after_id).bind(3, static_cast<int64_t>(limit));
  return readAll(st);
}

std::optional<std::vector<OutboxDepth>> readPendingDepth(Db& db) {
  std::vector<OutboxDepth> out;
  std::vector<int64_t> oldest;
  {
    auto st = db.cached(Sql::kOutboxPendingDepth);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      out.push_back({st.text(0), st.int64(1), ""});
      oldest.push_back(st.int64(2));
    }
    if (rc != SQLITE_DONE) return std::nullopt;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    std::optional<OutboxRecord> row;
    if (!readOutboxRecord(db, oldest[i], row)) return std::nullopt;
    if (row) out[i].oldest_created_at = row->message.created_at;
  }
  return out;
}

std::optional<std::vector<OutboxRecord>> readOutbox(Db& db, std::optional<OutboxState> state,
                                                    int64_t after_id, int limit) {
  if (state) {
    auto st = db.cached(Sql::kOutboxByState);
    st.bind(1, toString(*state)).bind(2, after_id).bind(3, static_cast<int64_t>(limit));
    return readAll(st);
  }
  auto st = db.cached(Sql::kOutboxAfter);
  st.bind(1, after_id).bind(2, static_cast<int64_t>(limit));
  return readAll(st);
}

bool readOutboxRecord(Db& db, int64_t id, std::optional<OutboxRecord>& out) {
  auto st = db.cached(Sql::kOutboxById);
  st.bind(1, id);
  int rc = st.step();
  if (rc == SQLITE_ROW) out = readOutboxRow(st.raw());
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

Status writeOutcome(Db& db, const OutboxOutcome& o) {
  Sql id = o.state == OutboxState::kDelivered ? Sql::kOutboxDelivered
           : o.state == OutboxState::kDead    ? Sql::kOutboxDead
                                              : Sql::kOutboxRetry;
  auto st = db.cached(id);
  st.bind(1, o.id).bind(2, static_cast<int64_t>(o.attempts));
  if (o.state == OutboxState::kDelivered) {
    st.bind(3, o.at);
  } else if (o.state == OutboxState::kDead) {
    st.bind(3, o.error).bind(4, o.at);
  } else {
    st.bind(3, o.next_attempt_ms).bind(4, o.error).bind(5, o.at);
  }
  if (st.step() != SQLITE_DONE) return Status::ioError("outbox outcome: " + db.lastError());
  return Status::ok();
}

Result<ReplayResult> replayDead(Db& db, int64_t id, const std::string& actor, const std::string& at,
                                std::optional<OutboxRecord>& replayed) {
  std::optional<OutboxRecord> row;
  if (!readOutboxRecord(db, id, row)) return Status::ioError("outbox read: " + db.lastError());
  ReplayResult result = !row                               ? ReplayResult::kNotFound
                        : row->state != OutboxState::kDead ? ReplayResult::kNotDead
                                                           : ReplayResult::kReplayed;
  if (result == ReplayResult::kReplayed) {
    auto st = db.cached(Sql::kOutboxReplay);
    st.bind(1, id).bind(2, at);
    if (st.step() != SQLITE_DONE) return Status::ioError("outbox replay: " + db.lastError());
    row->state = OutboxState::kPending;
    row->attempts = 0;
    row->next_attempt_ms = 0;
    row->updated_at = at;
    replayed = row;
  }
  if (row) {  // the log records replays of existing rows, refused or not
    auto log = db.cached(Sql::kInsertReplay);
    log.bind(1, id).bind(2, actor).bind(3, at).bind(4, at).bind(
        5, result == ReplayResult::kReplayed ? "replayed" : "not dead");
    if (log.step() != SQLITE_DONE) return Status::ioError("replay log: " + db.lastError());
  }
  return result;
}

Status requestReplay(Db& db, int64_t id, const std::string& actor, const std::string& at) {
  auto st = db.cached(Sql::kInsertReplay);
  st.bind(1, id).bind(2, actor).bind(3, at).bindNull(4).bind(5, "");
  if (st.step() != SQLITE_DONE) return Status::ioError("replay request: " + db.lastError());
  return Status::ok();
}

Status applyRequestedReplays(Db& db, const std::string& at, std::vector<OutboxRecord>& replayed) {
  struct Request {
    int64_t seq, outbox_id;
    std::string actor;
  };
  std::vector<Request> requests;
  {
    auto st = db.cached(Sql::kUnappliedReplays);
    st.bind(1, static_cast<int64_t>(1000));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
      requests.push_back({st.int64(0), st.int64(1), st.text(2)});
    if (rc != SQLITE_DONE) return Status::ioError("replay requests: " + db.lastError());
  }
  for (const auto& r : requests) {
    std::optional<OutboxRecord> row;
    if (!readOutboxRecord(db, r.outbox_id, row))
      return Status::ioError("outbox read: " + db.lastError());
    std::string result = !row                               ? "not found"
                         : row->state != OutboxState::kDead ? "not dead"
                                                            : "replayed";
    if (result == "replayed") {
      auto st = db.cached(Sql::kOutboxReplay);
      st.bind(1, r.outbox_id).bind(2, at);
      if (st.step() != SQLITE_DONE) return Status::ioError("outbox replay: " + db.lastError());
      row->state = OutboxState::kPending;
      row->attempts = 0;
      row->next_attempt_ms = 0;
      row->updated_at = at;
      replayed.push_back(*row);
    }
    auto mark = db.cached(Sql::kMarkReplayApplied);
    mark.bind(1, r.seq).bind(2, at).bind(3, result);
    if (mark.step() != SQLITE_DONE) return Status::ioError("replay applied: " + db.lastError());
  }
  return Status::ok();
}

}  // namespace xj::storage
