// The county dashboard's reports, for staff and admin: the township report (per township, the
// items created in a period, open, overdue and resolved, and the median hours to first contact
// and to decision) and the exchange report (per township and partner, referrals sent, received,
// accepted and closed). JSON, or CSV. Staff limited to some townships get their townships' lines.
// I/O thread; the store answers on its threads.
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class ReportsApi : public ApiHandlers {
 public:
  explicit ReportsApi(ApiShared& shared) : ApiHandlers(shared) {}

  void townships(ApiRequest req, Reply reply);
  void exchanges(ApiRequest req, Reply reply);
};

}  // namespace xj::http
