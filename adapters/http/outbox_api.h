// The outbox over HTTP: staff list outbound messages by state (dead letters above all) and replay
// a dead one. Scope: admin and county staff (no township scope) only: the outbox crosses
// townships, and a township's staff have no use for another's letters. The listing carries no
// message body (it may name a person); the row's identity, partner, state and last error are
// what a replay decision needs. I/O thread; the store answers on its threads.
#pragma once

#include <optional>

#include "adapters/http/api_support.h"

namespace xj::http {

class OutboxApi : public ApiHandlers {
 public:
  explicit OutboxApi(ApiShared& shared) : ApiHandlers(shared) {}

  void list(ApiRequest req, Reply reply);
  void replay(ApiRequest req, Reply reply);

 private:
  // Admin or county staff, and the outbox running; on refusal it has answered.
  std::optional<Principal> caller(const ApiRequest& req, const Reply& reply);
};

}  // namespace xj::http
