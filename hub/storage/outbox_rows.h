// The outbox's SQL on a given connection (statements in the registry, statements.h): reading
// rows, recording outcomes, replaying dead letters. Called by SqliteStore on its writer thread
// (inside the batch's transaction) or a reader thread; by the CLI on its own connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/core/outbox_store.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

// Reads one outbox row (the columns of kOutboxColumns, statements.h).
OutboxRecord readOutboxRow(const Stmt& st);

std::optional<std::vector<OutboxRecord>> readPendingOutbox(Db& db, int64_t after_id, int limit);
std::optional<std::vector<OutboxRecord>> readPendingOutboxOf(Db& db, const std::string& partner,
                                                             int64_t after_id, int limit);
// Pending rows and the oldest creation time, by partner.
std::optional<std::vector<OutboxDepth>> readPendingDepth(Db& db);
std::optional<std::vector<OutboxRecord>> readOutbox(Db& db, std::optional<OutboxState> state,
                                                    int64_t after_id, int limit);
// ok=false on a storage error; empty when there is no such row.
bool readOutboxRecord(Db& db, int64_t id, std::optional<OutboxRecord>& out);

Status writeOutcome(Db& db, const OutboxOutcome& outcome);
// dead -> pending; logs the replay. kNotFound / kNotDead leave everything as it was.
Result<ReplayResult> replayDead(Db& db, int64_t id, const std::string& actor, const std::string& at,
                                std::optional<OutboxRecord>& replayed);
// The CLI's request, applied by the running hub (applyReplayRequests).
Status requestReplay(Db& db, int64_t id, const std::string& actor, const std::string& at);
// Applies every unapplied request; the rows made pending go to `replayed`.
Status applyRequestedReplays(Db& db, const std::string& at, std::vector<OutboxRecord>& replayed);

}  // namespace xj::storage
