// The access record's SQL on a given connection (statements in the registry, statements.h):
// a row read into an AccessRecord, and the records that name one item or exchange. Called by
// SqliteStore on a reader thread and by the CLI's AccessTable on its own connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/core/access_record.h"
#include "hub/core/status.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

// Reads one record (the columns of kAccessColumns, statements.h). Every read of the record goes
// through here, so that a column stored otherwise (e.g. an encrypted purpose) is turned back in
// one place.
AccessRecord readAccessRow(const Stmt& st);

// The retention anchor (hub_meta 'access_anchor'); nullopt inside when retention never ran.
Result<std::optional<AccessAnchor>> readAccessAnchor(Db& db);
// Its stored form, "seq chain mac".
std::string formatAccessAnchor(const AccessAnchor& a);

// The records naming `q`'s object, newest first (access_objects); nullopt on a storage error.
std::optional<std::vector<AccessRecord>> readAccessOf(Db& db, const AccessQuery& q);

}  // namespace xj::storage
