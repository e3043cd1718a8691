// AccessTable: the access record (the access_log table) as the admin CLI reads it: every record
// in seq order, or those matching a filter, and the retention anchor. It reads only: the hub
// writes the table (through its writer's WorkTransaction); nothing changes a row, and only the
// hub's retention removes the oldest. Owns its own connection; one
// thread uses it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hub/core/access_record.h"
#include "hub/core/status.h"
#include "hub/security/field_cipher.h"

namespace xj::storage {

// Which records a query wants; empty fields match every record.
struct AccessFilter {
  std::string person_key;  // a PersonKeyer id key (hex): records that name it
  std::string org;
  std::string from_day;  // YYYY-MM-DD (UTC), inclusive
  std::string to_day;    // YYYY-MM-DD (UTC), inclusive
};

class AccessTable {
 public:
  // Opens (and migrates, as the other CLI tables do) the database at `path`; kNotFound if absent.
  // Opens (and migrates) the database at `path`, kNotFound if absent; `kek` unwraps its data
  // keys, so that sealed fields read in clear here.
  static Result<std::unique_ptr<AccessTable>> open(const std::string& path,
                                                   const security::KeyEncryptionKey& kek);
  ~AccessTable();

  // The retention anchor the kept records follow on from (nullopt inside: never pruned).
  Result<std::optional<AccessAnchor>> anchor();

  // Calls `each` for every matching record in seq order; `each` returning false stops the walk.
  Status forEach(const AccessFilter& filter, const std::function<bool(const AccessRecord&)>& each);

 private:
  struct Impl;
  explicit AccessTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace xj::storage
