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
#include <string>
#include <vector>

#include "adapters/http/api_support.h"
#include "adapters/http/exchange_json.h"

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
  // `staff`: the caller sees the staff's view of the exchange; a partner its own side only, as
  // GET /v1/exchanges/{id} shows it (no queue, item, hub id or creator).
  void exchangeDone(const ApiRequest& req, const Reply& reply, const ExchangeCommandResult& r,
                    int ok_status, bool staff);
  // Working days left to a deadline, on the hub's calendar and clock.
  DaysLeft daysLeft() const;
  // What GET /v1/exchanges/{id} read, answered once any rows it opened are marked;
  // `subject_json` is the person as the partner may see them (a partner's referral out only),
  // else empty.
  struct Opened {
    ExchangeRecord exchange;
    std::vector<ExchangeTimelineEntry> timeline;
    std::vector<ExchangeDelivery> deliveries;
    std::string subject_json;
  };
  // The partner's own open of an exchange with rows pending for its pages: submits the job that
  // marks them delivered and calls `then` after it (the rows shown delivered if it committed);
  // false, `then` not called, when there is nothing to mark or the writer's queue is full.
  bool markOpened(const Principal& principal, std::shared_ptr<Opened> opened,
                  std::function<void()> then);
  // Marks what the partner opened (markOpened), then answers.
  void answerOpened(std::shared_ptr<ApiRequest> req, const Reply& reply, const Principal& principal,
                    std::shared_ptr<Opened> opened);
  void answerExchange(const ApiRequest& req, const Reply& reply, const Principal& principal,
                      const Opened& opened);
};

}  // namespace xj::http
