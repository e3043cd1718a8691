// The key walk: re-encrypts every sealed column (sealed_columns.h) under the active data key, in
// small batches on the writer, while the hub runs. It runs after `xianjie key rotate` (rows under
// the retiring key) and once on a database from before encryption (values still in clear). Where
// it stands is kept in the key_walk table in the same transaction as each batch, so a failed
// commit repeats the batch and a restart resumes where it stopped. When it has passed every table,
// the retiring keys are destroyed (their wrapped bytes erased): no row needs them any more.
//
// Writer thread only (inside the writer's open transaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/core/status.h"
#include "hub/security/field_cipher.h"

namespace xj::storage {

class Db;

struct KeyWalkState {
  uint32_t active_key = 0;  // the active data key in data_keys (0: none yet)
  uint32_t walk_key = 0;    // the key the walk seals under
  int table_index = 0;      // kTables' index it is in
  int retiring_keys = 0;    // keys waiting for the walk to end
  bool done() const {
    return active_key != 0 && walk_key == active_key && table_index >= tableCount();
  }
  static int tableCount();
};

Result<KeyWalkState> readKeyWalk(Db& db);

struct KeyWalkStep {
  int64_t resealed = 0;             // values sealed again (or sealed for the first time)
  int64_t unreadable = 0;           // values that did not open (left as they were)
  bool finished = false;            // the walk passed the last table in this step
  std::vector<uint32_t> destroyed;  // the keys destroyed at its end
};

// Up to `rows` rows further: reads, re-seals under `cipher`'s active key what is not under it,
// moves the cursor. Restarts the walk when the active key changed since it began. `at`: now.
Result<KeyWalkStep> stepKeyWalk(Db& db, const security::FieldCipher& cipher, int rows,
                                const std::string& at);

// The walk's statements, for the query-plan test (statements.h allStatements()).
std::vector<std::pair<std::string, std::string>> keyWalkStatements();

}  // namespace xj::storage
