// Tokens that end: a token past its expires_at is refused with 401 `token_expired` (RFC 6750
// invalid_token), only to the holder of the right secret; a token ending within
// tokens.expiry_warning_days is counted in /metrics and logged once a day; `xianjie token rotate`
// makes a successor and lets the old token work for the overlap, then end. The hub's clock is set
// by the test (time is input), the CLI's is the process clock: the test reads both from now().
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "hub/core/time_format.h"
#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

std::string inHours(int hours) {
  return xj::formatRfc3339(std::chrono::system_clock::now() + std::chrono::hours(hours));
}

std::string cli(const Daemon& d, const std::string& args, int* code) {
  std::string out = runCommand(std::string(XJ_CLI) + " token " + args + " --config '" +
                                   d.configPath() + "' 2>/dev/null",
                               code);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

HttpResponse whoami(const Daemon& d, const std::string& token) {
  return httpRequest(d.port(), "GET", "/v1/whoami", "", {{"Authorization", "Bearer " + token}});
}

}  // namespace

TEST_CASE("a token past its end is refused as expired; one ending soon is a warning",
          "[hardening][tokens]") {
  Daemon d{R"("fault_injection": true)"};
  int code = -1;
  const std::string hotline = cli(d, "create --org hotline-1 --role hotline --expires-in-days 3",
                                  &code);
  REQUIRE(code == 0);
  d.setClock(inHours(1));
  d.start();

  // Within its life: it works, and it ends within the 14-day warning window.
  REQUIRE(whoami(d, hotline).status == 200);
  auto metrics = httpRequest(d.port(), "GET", "/metrics", "", {});
  CHECK(metrics.body.find("\nxianjie_tokens_expiring 1\n") != std::string::npos);
  CHECK(d.log().find("event=token_expiring token=") != std::string::npos);

  // Past its end: 401 token_expired with RFC 6750's invalid_token.
  d.setClock(inHours(24 * 3 + 1));
  auto late = whoami(d, hotline);
  CHECK(late.status == 401);
  CHECK(late.body.find("\"token_expired\"") != std::string::npos);
  CHECK(late.headers["www-authenticate"].find("invalid_token") != std::string::npos);
  // Ingest too (its own authentication path).
  auto ticket = httpRequest(d.port(), "POST", "/v1/tickets", "{}",
                            {{"Authorization", "Bearer " + hotline},
                             {"Content-Type", "application/json"}});
  CHECK(ticket.status == 401);
  CHECK(ticket.body.find("\"token_expired\"") != std::string::npos);
  // A wrong secret under the same id learns nothing about the token's end.
  std::string wrong = hotline;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  auto guess = whoami(d, wrong);
  CHECK(guess.status == 401);
  CHECK(guess.body.find("\"unauthorized\"") != std::string::npos);
  // Ended tokens are not counted as ending.
  metrics = httpRequest(d.port(), "GET", "/metrics", "", {});
  CHECK(metrics.body.find("\nxianjie_tokens_expiring 0\n") != std::string::npos);
  CHECK(d.terminate() == 0);
}

TEST_CASE("token rotate: the old token works for the overlap, then ends; the new one works",
          "[hardening][tokens]") {
  Daemon d{R"("fault_injection": true)"};
  int code = -1;
  const std::string old_token = cli(d, "create --org bureau-staff --role staff", &code);
  REQUIRE(code == 0);
  const std::string old_id = old_token.substr(4, 12);
  const std::string new_token = cli(d, "rotate " + old_id + " --overlap-hours 2", &code);
  REQUIRE(code == 0);
  REQUIRE(new_token.rfind("xjt_", 0) == 0);
  REQUIRE(new_token != old_token);
  // Rotating a token that does not exist is refused.
  cli(d, "rotate 000000000000", &code);
  CHECK(code == 2);

  d.setClock(inHours(1));
  d.start();
  CHECK(whoami(d, old_token).status == 200);
  auto fresh = whoami(d, new_token);
  REQUIRE(fresh.status == 200);
  CHECK(std::string(json(fresh.body)["org"].GetString()) == "bureau-staff");

  d.setClock(inHours(3));
  auto ended = whoami(d, old_token);
  CHECK(ended.status == 401);
  CHECK(ended.body.find("\"token_expired\"") != std::string::npos);
  CHECK(whoami(d, new_token).status == 200);
  CHECK(d.terminate() == 0);

  // The list says which is which.
  std::string list = cli(d, "list", &code);
  REQUIRE(code == 0);
  CHECK(list.find(old_id) != std::string::npos);
}
