#include "hub/storage/access_table.h"

#include <filesystem>

#include "hub/storage/data_keys.h"
#include "hub/storage/access_rows.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/statements.h"

namespace xj::storage {

struct AccessTable::Impl {
  security::FieldCipher cipher;  // before db: the connection uses it until it closes
  Db db;
};

AccessTable::AccessTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccessTable::~AccessTable() = default;

Result<std::unique_ptr<AccessTable>> AccessTable::open(const std::string& path,
                                                       const security::KeyEncryptionKey& kek) {
  auto impl = std::make_unique<Impl>();
  auto db = openWithKeys(path, kek, impl->cipher);
  if (!db.isOk()) return db.status();
  impl->db = std::move(db).value();
  return std::unique_ptr<AccessTable>(new AccessTable(std::move(impl)));
}

Result<std::optional<AccessAnchor>> AccessTable::anchor() { return readAccessAnchor(impl_->db); }

// An admin's query over the whole record: a scan in seq order is what `verify` needs anyway,
// and the filters are few and bound, never spliced.
Status AccessTable::forEach(const AccessFilter& f,
                            const std::function<bool(const AccessRecord&)>& each) {
  auto st = impl_->db.prepare(std::string("SELECT ") + kAccessColumns +
                              " FROM access_log WHERE (?1 = '' OR instr(person_keys, ?1) > 0) AND "
                              "(?2 = '' OR org = ?2) AND (?3 = '' OR substr(at, 1, 10) >= ?3) AND "
                              "(?4 = '' OR substr(at, 1, 10) <= ?4) ORDER BY seq");
  if (!st.valid()) return Status::ioError("access log: " + impl_->db.lastError());
  st.bind(1, f.person_key).bind(2, f.org).bind(3, f.from_day).bind(4, f.to_day);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    if (!each(readAccessRow(st))) return Status::ok();
  if (rc != SQLITE_DONE) return Status::ioError("access log: " + impl_->db.lastError());
  return Status::ok();
}

}  // namespace xj::storage
