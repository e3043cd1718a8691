// Messages: tickets, referrals and notifications in (POST, each by its sender's role), one
// message by id (GET /v1/messages/{id}: its receipt, where it is now and what was sent), and the
// caller organisation's own recent messages (GET /v1/messages?mine=1, the console's list).
// I/O thread; the store answers on its threads (api_support.h).
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class MessagesApi : public ApiHandlers {
 public:
  explicit MessagesApi(ApiShared& shared) : ApiHandlers(shared) {}

  void ticket(ApiRequest req, Reply reply);
  void referral(ApiRequest req, Reply reply);
  void notification(ApiRequest req, Reply reply);
  void get(ApiRequest req, Reply reply);
  void listOwn(ApiRequest req, Reply reply);

 private:
  void ingest(MessageKind kind, ApiRequest req, Reply reply);
};

}  // namespace xj::http
