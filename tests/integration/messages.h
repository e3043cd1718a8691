// Test messages: synthetic, no real personal data. ID numbers are synthetic and pass GB 11643.
#pragma once

#include <string>

namespace xj::test {

inline std::string ticketJson(const std::string& id, const std::string& source,
                              const std::string& description = "无收入来源") {
  return R"({"id":")" + id + R"(","kind":"ticket","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"测试","id_number":"451229195703081312","phone":"13800000000","township":"451229205","village":"测试村"},"body":{"caller":{"relation":"self"},"category":"dibao","urgency":"high","description":")" +
         description + R"(","needs_proxy_application":true}})";
}

inline std::string referralJson(const std::string& id, const std::string& source) {
  return R"({"id":")" + id + R"(","kind":"referral","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":"451229199011302426","township":"451229202"},"body":{"needs":["medical","basic_living"],"charity_case_id":"case-77","consent":true}})";
}

inline std::string notificationJson(const std::string& id, const std::string& source) {
  return R"({"id":")" + id + R"(","kind":"notification","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":"45122919800101002X","township":"451229100"},"body":{"department":"medical_insurance","signal":"large_medical_bill","amounts":{"out_of_pocket":4500000}}})";
}

}  // namespace xj::test
