// How person keys (hub/core/person_keys.h: 64 lower-case hex characters of an HMAC-SHA256) are
// stored: as the 32 bytes they spell (a BLOB), half the size of the text in every row and index
// entry that holds one (persons, items.id_key/phone_key, person_categories), so that the indexes
// taking a random insert per message are half as large. The domain keeps the
// hex text; the conversion happens only here, at the binding and the reading of a column.
// A value that is not 64 lower-case hex characters is stored as it is (text): nothing is lost,
// and a lookup binds it the same way. Pure; any thread.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "hub/core/status.h"

namespace xj::storage {

// Binds `key` at parameter `i`: its 32 bytes when it is a hex key, else the text as it is.
void bindPersonKey(sqlite3_stmt* st, int i, std::string_view key);

// Reads a person-key column back as the domain's text (hex for a BLOB key, '' for none).
std::string personKeyColumn(sqlite3_stmt* st, int col);

// Registers xj_person_key(value) on a connection, for migrations that convert stored keys:
// hex text -> its bytes, anything else unchanged.
[[nodiscard]] Status registerPersonKeyFunction(sqlite3* db);

}  // namespace xj::storage
