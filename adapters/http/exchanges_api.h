// Exchanges over HTTP: referrals out to partner organisations, the reports of either side, and
// the lists each side may see. Scope: a charity token sees and reports on only the exchanges it
// is party to; staff those of their townships (county staff and admin all). Anything outside the
// caller's scope is a 404, like an unknown id (exchange ids are sequential). Every change goes
// through the store's writer and routing/exchange's one transition table; what leaves for the
// partner is written to the outbox in the same transaction.
// A pages-only partner (channel poll) gets its messages by opening the exchange: its first GET
// marks the exchange's pending outbox rows for it delivered (a writer job) before answering.
// I/O thread; the store answers on its threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "adapters/http/api_support.h"

namespace xj::http {

class ExchangesApi : public ApiHandlers {
 public:
  explicit ExchangesApi(ApiShared& shared) : ApiHandlers(shared) {}

  void create(ApiRequest req, Reply reply);
  void list(ApiRequest req, Reply reply);
  void suggestions(ApiRequest req, Reply reply);
  void get(ApiRequest req, Reply reply);
  void event(ApiRequest req, Reply reply);

 private:
  // Staff, admin or a partner charity; on refusal it has answered.
  std::optional<Principal> caller(const ApiRequest& req, const Reply& reply);
  // The answer to a referral out (the work service decided it).
  void referralDone(const ApiRequest& req, const Reply& reply, const routing::ReferralAnswer& a);
  void exchangeDone(const ApiRequest& req, const Reply& reply, const ExchangeCommandResult& r,
                    int ok_status);
  // What GET /v1/exchanges/{id} read, answered once any rows it opened are marked.
  struct Opened {
    ExchangeRecord exchange;
    std::vector<ExchangeTimelineEntry> timeline;
    std::vector<ExchangeDelivery> deliveries;
  };
  // The partner's own open of an exchange with rows pending for its pages: submits the job that
  // marks them delivered and calls `then` after it (the rows shown delivered if it committed);
  // false, `then` not called, when there is nothing to mark or the writer's queue is full.
  bool markOpened(const Principal& principal, std::shared_ptr<Opened> opened,
                  std::function<void()> then);
  void answerExchange(const ApiRequest& req, const Reply& reply, const Opened& opened, bool staff);
};

}  // namespace xj::http
