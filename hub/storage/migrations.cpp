#include "hub/storage/migrations.h"

#include <string>
#include <vector>

namespace xj::storage {
namespace {

// Append only: never edit a migration that has shipped.
const std::vector<const char*> kMigrations = {
    // 1: inbound messages (idempotency key = source + message_id) and API tokens.
    R"sql(
CREATE TABLE messages (
  hub_seq     INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  township    TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status      TEXT NOT NULL,
  body_hash   TEXT NOT NULL,
  payload     TEXT NOT NULL,
  UNIQUE (source, message_id)
);
CREATE TABLE tokens (
  token_id    TEXT PRIMARY KEY,
  org         TEXT NOT NULL,
  role        TEXT NOT NULL,
  townships   TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
)sql",
};

}  // namespace

int latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st.valid() || st.step() != SQLITE_ROW) return Status::ioError("read user_version: " + db.lastError());
  int current = static_cast<int>(st.int64(0));
  st = Stmt();
  if (current > latestSchemaVersion())
    return Status::invalid("database schema " + std::to_string(current) + " is newer than this build (" +
                           std::to_string(latestSchemaVersion()) + ")");
  for (int v = current; v < latestSchemaVersion(); ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[static_cast<size_t>(v)] +
                      "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (auto s = db.exec(sql); !s.isOk()) {
      (void)db.exec("ROLLBACK");
      return Status::ioError("migration " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  return Status::ok();
}

}  // namespace xj::storage
