// OutboxTable: the outbox as the admin CLI sees it (`xianjie outbox list|replay`), on its own
// connection to the hub's SQLite file. A replay from the CLI is a request in the replay log that
// the running hub applies within about a second (and a stopped hub at its next start), so that
// the delivery thread, which the CLI cannot reach, learns of it. One thread uses an instance.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/outbox.h"
#include "hub/core/status.h"
#include "hub/security/field_cipher.h"

namespace xj::storage {

class OutboxTable {
 public:
  // Opens (and migrates) the database at `path`, kNotFound if absent; `kek` unwraps its data
  // keys, so that sealed fields read in clear here.
  static Result<std::unique_ptr<OutboxTable>> open(const std::string& path,
                                                   const security::KeyEncryptionKey& kek);
  ~OutboxTable();

  Result<std::vector<OutboxRecord>> list(std::optional<OutboxState> state, int64_t after_id,
                                         int limit);
  Result<std::optional<OutboxRecord>> get(int64_t id);
  // kNotFound for no such row, kConflict unless it is dead; else the request is logged.
  Status requestReplay(int64_t id, const std::string& actor, const std::string& at);

 private:
  struct Impl;
  explicit OutboxTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace xj::storage
