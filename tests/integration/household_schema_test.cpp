// The household input schema over every way in: `xianjie eval`, POST
// /v1/eligibility/evaluate and a message's subject.household all refuse an unknown or misspelled
// field with its path, where before it was ignored and the decision silently wrong.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <fstream>
#include <set>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::set<std::string> problemPaths(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::set<std::string> out;
  if (d.IsObject() && d.HasMember("problems"))
    for (auto& p : d["problems"].GetArray()) out.insert(p["path"].GetString());
  return out;
}

// A household that is dibao as written; with "incom" for "income" the wage would be dropped.
const std::string kMisspelled =
    R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural","banana":1,)"
    R"("members":[{"pid":"p1","relation":"applicant","sex":"M","birth_date":"1960-01-01",)"
    R"("incom":{"wage":90000}}],"assets":{"financial":0}})";

}  // namespace

TEST_CASE("a misspelled household field is refused by eval, the evaluate endpoint and ingest",
          "[rules][household_schema]") {
  Daemon d(R"("fault_injection": true)");
  std::string staff = d.token("county-bureau", "staff");
  std::string hotline = d.token("hotline-1", "hotline");
  d.setClock("2025-03-10T10:00:00+08:00");  // the ticket is pre-screened on a covered date
  d.start();

  auto r = httpRequest(d.port(), "POST", "/v1/eligibility/evaluate", kMisspelled, auth(staff));
  CHECK(r.status == 400);
  CHECK(problemPaths(r.body) == std::set<std::string>{"/banana", "/members/0/incom"});
  CHECK(r.body.find("did you mean income?") != std::string::npos);

  std::string ticket =
      R"({"id":"t-1","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00",)"
      R"("subject":{"township":"451229205","phone":"13800000001","household":)" +
      kMisspelled + R"(},"body":{"category":"dibao","urgency":"normal","description":"x"}})";
  r = httpRequest(d.port(), "POST", "/v1/tickets", ticket, auth(hotline));
  CHECK(r.status == 400);
  CHECK(problemPaths(r.body) ==
        std::set<std::string>{"/subject/household/banana", "/subject/household/members/0/incom"});
  CHECK(d.sql("SELECT count(*) FROM messages") == "0\n");

  std::string file = d.dir() + "/household.json";
  std::ofstream(file) << kMisspelled;
  int code = 0;
  std::string out = runCommand(
      std::string(XJ_CLI) + " eval '" + file + "' --config '" + d.configPath() + "' 2>&1", &code);
  CHECK(code != 0);
  CHECK(out.find("/members/0/incom") != std::string::npos);
  CHECK(out.find("/banana") != std::string::npos);
  // The reference households (case files with their documentation fields) still evaluate.
  out = runCommand(std::string(XJ_CLI) + " eval '" + XJ_RULES_DATA_DIR +
                       "/cases/case-04.json' --config '" + d.configPath() + "' 2>&1",
                   &code);
  CHECK(code == 0);
}
