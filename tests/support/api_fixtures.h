// What the integration tests that drive the hub's HTTP API as its users share: a partner
// directory with one charity to refer to, a request made with a bearer token, and the sqlite3
// shell's answer without its line end. Test thread only.
#pragma once

#include <map>
#include <string>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

namespace xj::test {

// One charity (org charity-1) that takes food referrals county-wide and polls for them; written
// with Daemon::writePartners before start().
inline constexpr const char* kOneCharityPartners = R"({
  "partners": [
    {"org": "charity-1", "name": "一号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}}
  ],
  "platform": {"enabled": false}
})";

// A request to `d` as the holder of `token`: a body is sent as JSON (as text to the
// fault-injection endpoint, which takes a command line), with an Idempotency-Key when one is
// given.
inline HttpResponse send(const Daemon& d, const std::string& method, const std::string& path,
                         const std::string& body, const std::string& token,
                         const std::string& idempotency_key = "") {
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
  if (!body.empty())
    h["Content-Type"] = path == "/v1/admin/faults" ? "text/plain" : "application/json";
  if (!idempotency_key.empty()) h["Idempotency-Key"] = idempotency_key;
  return httpRequest(d.port(), method, path, body, h);
}

// Daemon::sql's answer (one value) without the line end the shell prints after it.
inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace xj::test
