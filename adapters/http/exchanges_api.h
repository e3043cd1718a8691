// Exchanges over HTTP: referrals out to partner organisations, the reports of either side, and
// the lists each side may see. Scope: a charity token sees and reports on only the exchanges it
// is party to; staff those of their townships (county staff and admin all). Anything outside the
// caller's scope is a 404, like an unknown id (exchange ids are sequential). Every change goes
// through the store's writer and routing/exchange's one transition table; what leaves for the
// partner is written to the outbox in the same transaction.
// I/O thread; the store answers on its threads.
#pragma once

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
  // One exchange as GET /v1/exchanges/{id} answers it; `subject_json` is the person as the
  // partner may see them (a partner's referral out only), else empty.
  struct ExchangeView {
    ExchangeRecord ex;
    std::vector<ExchangeTimelineEntry> timeline;
    std::vector<ExchangeDelivery> deliveries;
    std::string subject_json;
  };
  void answerExchange(const ApiRequest& req, const Reply& reply, const Principal& principal,
                      const ExchangeView& view);
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
};

}  // namespace xj::http
