// Versioned schema migrations, tracked in PRAGMA user_version. Each migration runs in its own
// transaction, so a crash mid-way leaves the previous version intact. Writer connection only.
#pragma once

#include "hub/core/status.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

// Brings the database to the newest schema (or to version `up_to`, for tests of a migration on
// a database as an older build left it). Refuses a database newer than this binary.
Status migrate(Db& db, int up_to = -1);
int latestSchemaVersion();

}  // namespace xj::storage
