// AccessRecord: one line of the access record (the access_log table): who read or changed
// personal data, when, through which endpoint, about which objects and persons, and why when the
// request said so. The records are chained: each one's `chain` is a keyed hash of the previous
// one's chain and this record's canonical form (hub/security/access_chain.h), so that an edited,
// removed or inserted record is found by walking the chain (xianjie audit verify).
//
// AccessLog: the port the HTTP API records through. Plain values; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xj {

enum class AccessAction { kRead, kChange };

std::string_view toString(AccessAction action);

struct AccessRecord {
  int64_t seq = 0;          // its place in the chain: 1, 2, ... (assigned as it is stored)
  std::string at;           // RFC 3339, UTC
  std::string token_id;     // the public part of the token
  std::string org;          // the token's organisation
  std::string role;         // the token's role
  std::string action;       // toString(AccessAction): "read" or "change" (kept as stored, so
                            // that the chain check sees exactly what is in the table)
  std::string endpoint;     // the route template: "GET /v1/queues/{queue}/items/{item}"
  std::string objects;      // the path's ids and what the answer held: "queue=q item=12"
  std::string person_keys;  // PersonKeyer id keys (hex) of the persons read, comma-separated;
                            // never an ID number, a name or a phone
  std::string purpose;      // the request's X-Purpose header; empty when none was given
  std::string chain;        // hex HMAC-SHA256 of (previous chain, canonical form)
};

// The record's fields and seq (not its chain), each length-prefixed so that no two records
// have the same form whatever text their fields hold.
std::string canonicalForm(const AccessRecord& r);

// An object a record names, by which the record is found again (the access_objects index): an
// item ("item=12") or an exchange ("exchange=5", or the id of an /v1/exchanges/{id} route).
struct AccessObject {
  std::string kind;  // "item" or "exchange"
  int64_t id = 0;
};

// The items and exchanges `r` names (its objects and endpoint), each once, in the order named.
std::vector<AccessObject> accessObjects(const AccessRecord& r);

// The records that name one object, newest first: those with a seq below `before` (0: from the
// newest), at most `limit` of them.
struct AccessQuery {
  std::string kind;  // "item" or "exchange"
  int64_t object_id = 0;
  int64_t before = 0;
  int limit = 100;
};

// The last stored record: where the next one continues the chain ({0, ""} when there is none).
struct AccessTail {
  int64_t seq = 0;
  std::string chain;
};

// Where the kept record starts after retention removed the oldest ones: the seq and chain of the
// last removed record (the first kept one follows on from them), and a keyed hash of the two
// (AccessChain::anchorMac), so that an anchor moved by hand to hide removed records is found.
struct AccessAnchor {
  int64_t seq = 0;
  std::string chain;
  std::string mac;
};

class AccessLog {
 public:
  virtual ~AccessLog() = default;
  // Queues the record (seq and chain are assigned when it is written); never blocks on I/O.
  virtual void record(AccessRecord r) = 0;
};

}  // namespace xj
