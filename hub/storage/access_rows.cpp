#include "hub/storage/access_rows.h"

#include <limits>
#include <sstream>

#include "hub/storage/sealed_columns.h"
#include "hub/storage/statements.h"

namespace xj::storage {

AccessRecord readAccessRow(const Stmt& st) {
  AccessRecord r;
  r.seq = st.int64(0);
  r.at = st.text(1);
  r.token_id = st.text(2);
  r.org = st.text(3);
  r.role = st.text(4);
  r.action = st.text(5);
  r.endpoint = st.text(6);
  r.objects = st.text(7);
  r.person_keys = st.text(8);
  r.purpose = st.opened(9, sealed::kAccessPurpose);
  r.chain = st.text(10);
  return r;
}

std::string formatAccessAnchor(const AccessAnchor& a) {
  return std::to_string(a.seq) + " " + a.chain + " " + a.mac;
}

Result<std::optional<AccessAnchor>> readAccessAnchor(Db& db) {
  auto st = db.cached(Sql::kAccessAnchor);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<AccessAnchor>();
  if (rc != SQLITE_ROW) return Status::ioError("access anchor: " + db.lastError());
  const std::string v = st.text(0);
  std::istringstream in(v);
  AccessAnchor a;
  // A value that does not parse is kept as an anchor that cannot fit (verify names it), never
  // taken for "no anchor", which would hide that it was tampered with.
  if (!(in >> a.seq >> a.chain >> a.mac)) a = AccessAnchor{0, "", "unreadable"};
  return std::optional<AccessAnchor>(std::move(a));
}

std::optional<std::vector<AccessRecord>> readAccessOf(Db& db, const AccessQuery& q) {
  auto st = db.cached(Sql::kAccessOfObject);
  const int64_t before = q.before > 0 ? q.before : std::numeric_limits<int64_t>::max();
  st.bind(1, std::string_view(q.kind))
      .bind(2, q.object_id)
      .bind(3, before)
      .bind(4, static_cast<int64_t>(q.limit));
  std::vector<AccessRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readAccessRow(st.raw()));
  if (rc != SQLITE_DONE) return std::nullopt;
  return out;
}

}  // namespace xj::storage
