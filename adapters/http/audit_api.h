// The access record over HTTP: GET /v1/audit?item=ID (or ?exchange=ID) answers who read or
// changed that item's or exchange's data, newest first, for the console's item page. County
// admins only (the admin role; every other role 403): the record names who looked at a
// person's file, itself something to keep to few. The answer carries when, who (token id,
// organisation, role), what they did, through which endpoint and why, never the person keys.
// The read is itself recorded (its route is a read), naming the object it asked about.
// I/O thread; the store answers on a reader thread.
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class AuditApi : public ApiHandlers {
 public:
  explicit AuditApi(ApiShared& shared) : ApiHandlers(shared) {}

  void list(ApiRequest req, Reply reply);
};

}  // namespace xj::http
