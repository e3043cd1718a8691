// xianjie audit verify|query: the access record (hub/core/access_record.h). `verify` walks the
// chain with the key derived from the person-key file and names the first record that does not
// fit; `query` answers who looked, when and through which endpoint. For --person the person key
// is made from the ID number here, with the hub's keyer: the number itself is never printed.
#include <cstdio>

#include "hub/cli/cli.h"
#include "hub/security/access_chain.h"
#include "hub/security/person_keys.h"
#include "hub/storage/access_table.h"
#include "routing/rules/id_number.h"

namespace xj::cli {
namespace {

bool isDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int auditVerify(const std::vector<std::string>& rest, storage::AccessTable& table,
                const security::HmacPersonKeyer& keys) {
  if (!rest.empty()) return usage();
  security::AccessChain chain(keys.derivedKey(security::AccessChain::kLabel));
  security::AccessChain::Walker walker(chain);
  // After retention the kept records follow on from the anchor, not from the start.
  auto anchor = table.anchor();
  if (!anchor.isOk()) {
    std::fprintf(stderr, "%s\n", anchor.status().toString().c_str());
    return 1;
  }
  if (anchor.value()) {
    if (walker.startAfter(*anchor.value()))
      std::printf("access log: records up to seq %lld were removed by retention\n",
                  static_cast<long long>(anchor.value()->seq));
  }
  auto s = walker.firstBad()
               ? Status::ok()
               : table.forEach({}, [&](const AccessRecord& r) { return walker.check(r); });
  if (!s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return 1;
  }
  if (auto bad = walker.firstBad()) {
    std::printf("access log: BROKEN at seq %lld: %s (%lld records before it are intact)\n",
                static_cast<long long>(*bad), walker.problem().c_str(),
                static_cast<long long>(walker.checked()));
    return 1;
  }
  std::printf("access log: ok, %lld records\n", static_cast<long long>(walker.checked()));
  return 0;
}

int auditQuery(const std::vector<std::string>& rest, storage::AccessTable& table,
               const security::HmacPersonKeyer& keys) {
  storage::AccessFilter f;
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& k = rest[i];
    if (i + 1 >= rest.size()) return usage();
    const std::string& v = rest[++i];
    if (k == "--person") {
      auto check = rules::checkIdNumber(v);
      if (!check.ok()) {
        // Described without the number: the terminal's scrollback is a log too.
        std::fprintf(stderr, "--person: not a valid ID number (%s)\n",
                     rules::describe(check.error));
        return 2;
      }
      f.person_key = keys.idKey(check.normalised);
    } else if (k == "--org") {
      f.org = v;
    } else if (k == "--from" || k == "--to") {
      if (!isDay(v)) {
        std::fprintf(stderr, "%s must be a day, YYYY-MM-DD (UTC)\n", k.c_str());
        return 2;
      }
      (k == "--from" ? f.from_day : f.to_day) = v;
    } else {
      return usage();
    }
  }
  std::printf("%-6s  %-20s  %-14s  %-20s  %-7s  %-6s  %-45s  %-30s  %s\n", "SEQ", "AT", "TOKEN",
              "ORG", "ROLE", "ACTION", "ENDPOINT", "OBJECTS", "PURPOSE");
  auto s = table.forEach(f, [](const AccessRecord& r) {
    std::printf("%-6lld  %-20s  %-14s  %-20s  %-7s  %-6s  %-45s  %-30s  %s\n",
                static_cast<long long>(r.seq), r.at.c_str(), r.token_id.c_str(), r.org.c_str(),
                r.role.c_str(), r.action.c_str(), r.endpoint.c_str(), r.objects.c_str(),
                r.purpose.c_str());
    return true;
  });
  if (!s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int auditCommand(int argc, char** argv) {
  StoreCommand c;
  int code = 0;
  if (!storeCommandFromArgs(argc, argv, c, code)) return code;
  auto keys = security::HmacPersonKeyer::load(c.config.store.key_file);
  if (!keys.isOk()) {
    std::fprintf(stderr, "%s\n", keys.status().toString().c_str());
    return 1;
  }
  auto table = storage::AccessTable::open(c.config.store.path, *c.kek);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  if (c.verb == "verify") return auditVerify(c.rest, *table.value(), keys.value());
  if (c.verb == "query") return auditQuery(c.rest, *table.value(), keys.value());
  return usage();
}

}  // namespace xj::cli
