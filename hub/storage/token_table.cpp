#include "hub/storage/token_table.h"

#include <filesystem>

#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

struct TokenTable::Impl {
  Db db;
};

TokenTable::TokenTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenTable::~TokenTable() = default;

Result<std::unique_ptr<TokenTable>> TokenTable::open(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto db = Db::open(path, false);
  if (!db.isOk()) return db.status();
  if (auto s = migrate(db.value()); !s.isOk()) return s;
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db).value();
  return std::unique_ptr<TokenTable>(new TokenTable(std::move(impl)));
}

Status TokenTable::insert(const TokenRecord& r) {
  std::string townships;
  for (const auto& t : r.principal.townships) townships += (townships.empty() ? "" : ",") + t;
  auto st = impl_->db.prepare(
      "INSERT INTO tokens(token_id, org, role, townships, secret_hash, created_at, expires_at, "
      "person) VALUES(?1,?2,?3,?4,?5,?6,NULLIF(?7,''),?8)");
  st.bind(1, r.principal.token_id)
      .bind(2, r.principal.org)
      .bind(3, toString(r.principal.role))
      .bind(4, townships)
      .bind(5, r.secret_hash)
      .bind(6, r.created_at)
      .bind(7, r.expires_at)
      .bind(8, r.principal.person);
  if (st.step() != SQLITE_DONE) return Status::ioError("insert token: " + impl_->db.lastError());
  return Status::ok();
}

Result<std::vector<TokenRecord>> TokenTable::list() {
  auto st = impl_->db.prepare(
      "SELECT token_id, org, role, townships, secret_hash, created_at, revoked_at, "
      "coalesce(expires_at, ''), person FROM tokens "
      "ORDER BY created_at, token_id");
  if (!st.valid()) return Status::ioError("list tokens: " + impl_->db.lastError());
  std::vector<TokenRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    TokenRecord r;
    r.principal.token_id = st.text(0);
    r.principal.org = st.text(1);
    r.principal.role = parseRole(st.text(2)).value_or(Role::kHotline);
    std::string t = st.text(3);
    size_t pos = 0;
    while (!t.empty() && pos <= t.size()) {
      size_t comma = t.find(',', pos);
      if (comma == std::string::npos) comma = t.size();
      if (comma > pos) r.principal.townships.push_back(t.substr(pos, comma - pos));
      pos = comma + 1;
    }
    r.secret_hash = st.text(4);
    r.created_at = st.text(5);
    r.revoked = !st.isNull(6);
    r.expires_at = st.text(7);
    r.principal.person = st.text(8);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Status::ioError("list tokens: " + impl_->db.lastError());
  return out;
}

Status TokenTable::revoke(const std::string& token_id, const std::string& revoked_at) {
  auto st =
      impl_->db.prepare("UPDATE tokens SET revoked_at=?2 WHERE token_id=?1 AND revoked_at IS NULL");
  st.bind(1, token_id).bind(2, revoked_at);
  if (st.step() != SQLITE_DONE) return Status::ioError("revoke token: " + impl_->db.lastError());
  if (sqlite3_changes(impl_->db.raw()) == 0) return Status::notFound("no active token " + token_id);
  return Status::ok();
}

Status TokenTable::endBy(const std::string& token_id, const std::string& expires_at) {
  // RFC 3339 UTC strings of one format compare as times: the earlier end wins.
  auto st = impl_->db.prepare(
      "UPDATE tokens SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > ?2 THEN ?2 "
      "ELSE expires_at END WHERE token_id=?1 AND revoked_at IS NULL");
  st.bind(1, token_id).bind(2, expires_at);
  if (st.step() != SQLITE_DONE) return Status::ioError("end token: " + impl_->db.lastError());
  if (sqlite3_changes(impl_->db.raw()) == 0) return Status::notFound("no active token " + token_id);
  return Status::ok();
}

int64_t TokenTable::dataVersion() {
  auto st = impl_->db.prepare("PRAGMA data_version");
  if (st.step() != SQLITE_ROW) return -1;
  return st.int64(0);
}

}  // namespace xj::storage
