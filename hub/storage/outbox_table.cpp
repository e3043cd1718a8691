#include "hub/storage/outbox_table.h"

#include <filesystem>

#include "hub/storage/data_keys.h"
#include "hub/storage/migrations.h"
#include "hub/storage/outbox_rows.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

struct OutboxTable::Impl {
  security::FieldCipher cipher;  // before db: the connection uses it until it closes
  Db db;
};

OutboxTable::OutboxTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboxTable::~OutboxTable() = default;

Result<std::unique_ptr<OutboxTable>> OutboxTable::open(const std::string& path,
                                                       const security::KeyEncryptionKey& kek) {
  auto impl = std::make_unique<Impl>();
  auto db = openWithKeys(path, kek, impl->cipher);
  if (!db.isOk()) return db.status();
  impl->db = std::move(db).value();
  return std::unique_ptr<OutboxTable>(new OutboxTable(std::move(impl)));
}

Result<std::vector<OutboxRecord>> OutboxTable::list(std::optional<OutboxState> state,
                                                    int64_t after_id, int limit) {
  auto rows = readOutbox(impl_->db, state, after_id, limit);
  if (!rows) return Status::ioError("outbox: " + impl_->db.lastError());
  return std::move(*rows);
}

Result<std::optional<OutboxRecord>> OutboxTable::get(int64_t id) {
  std::optional<OutboxRecord> row;
  if (!readOutboxRecord(impl_->db, id, row))
    return Status::ioError("outbox: " + impl_->db.lastError());
  return row;
}

Status OutboxTable::requestReplay(int64_t id, const std::string& actor, const std::string& at) {
  auto row = get(id);
  if (!row.isOk()) return row.status();
  if (!row.value()) return Status::notFound("no outbox row " + std::to_string(id));
  if (row.value()->state != OutboxState::kDead)
    return Status::conflict("outbox row " + std::to_string(id) + " is " +
                            toString(row.value()->state) + ", not dead");
  return storage::requestReplay(impl_->db, id, actor, at);
}

}  // namespace xj::storage
