#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "adapters/envelope/envelope_codec.h"
#include "config/hub_config.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;

namespace {

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

const std::string kTicket = R"({
  "id": "t-1", "kind": "ticket", "source": "hotline-12345", "occurred_at": "2025-03-10T09:30:00+08:00",
  "subject": {"name": "某某", "id_number": "45122919800101002x", "phone": "138-0000-0000",
              "township": "451229205", "village": "某村"},
  "body": {"caller": {"relation": "self"}, "category": "dibao", "urgency": "high",
           "description": "无收入", "needs_proxy_application": true}})";

bool hasProblem(const Problems& ps, const std::string& path) {
  return std::any_of(ps.begin(), ps.end(), [&](const Problem& p) { return p.path == path; });
}

envelope::ParseOutcome parse(const std::string& body, MessageKind kind, Problems& ps,
                             IngestRecord* out = nullptr) {
  IngestRecord r;
  auto o = envelope::parseEnvelope(body, kind, townships(), envelope::Limits{}, r, ps);
  if (out) *out = r;
  return o;
}

}  // namespace

TEST_CASE("a valid ticket is accepted and normalised", "[envelope]") {
  Problems ps;
  IngestRecord r;
  REQUIRE(parse(kTicket, MessageKind::kTicket, ps, &r) == envelope::ParseOutcome::kOk);
  CHECK(ps.empty());
  CHECK(r.message_id == "t-1");
  CHECK(r.source == "hotline-12345");
  CHECK(r.township == "451229205");
  CHECK(r.payload.find("45122919800101002X") != std::string::npos);
}

TEST_CASE("the older township numbering and names map to the 2023 code", "[envelope]") {
  for (auto [given, want] : {std::pair{"451229109", "451229205"},
                             {"江南乡", "451229205"},
                             {"北景乡", "451229103"},
                             {"451229115", "451229214"}}) {
    std::string body = kTicket;
    body.replace(body.find("451229205"), 9, given);
    Problems ps;
    IngestRecord r;
    INFO(given);
    REQUIRE(parse(body, MessageKind::kTicket, ps, &r) == envelope::ParseOutcome::kOk);
    CHECK(r.township == want);
  }
}

TEST_CASE("every problem is listed with its path", "[envelope]") {
  const std::string bad = R"({
    "id": "", "kind": "referral", "source": 5, "occurred_at": "2025-02-30T00:00:00Z",
    "subject": {"id_number": "451229196507150170", "township": "999", "phone": "abc", "extra": 1},
    "body": {"category": "space", "urgency": "now", "needs_proxy_application": "yes"},
    "unexpected": true})";
  Problems ps;
  CHECK(parse(bad, MessageKind::kTicket, ps) == envelope::ParseOutcome::kInvalid);
  for (const char* path :
       {"/id", "/kind", "/source", "/occurred_at", "/subject/id_number", "/subject/township",
        "/subject/phone", "/subject/extra", "/body/category", "/body/urgency", "/body/description",
        "/body/needs_proxy_application", "/unexpected"}) {
    INFO(path);
    CHECK(hasProblem(ps, path));
  }
}

TEST_CASE("ID numbers are checked by GB 11643", "[envelope]") {
  for (auto [id, ok] : {std::pair{"451229195703081312", true},
                        {"451229199502301234", false},
                        {"45122919650715017", false},
                        {"451229196507150170", false}}) {
    std::string body = kTicket;
    body.replace(body.find("45122919800101002x"), 18, id);
    Problems ps;
    INFO(id);
    CHECK((parse(body, MessageKind::kTicket, ps) == envelope::ParseOutcome::kOk) == ok);
    if (!ok) CHECK(hasProblem(ps, "/subject/id_number"));
  }
}

TEST_CASE("malformed bodies give one problem and never throw", "[envelope]") {
  for (std::string body :
       {std::string("{"), std::string("[1,2"), std::string("null"), std::string(""),
        std::string("{\"id\":\"\xff\xfe\"}"), std::string(200, '[') + std::string(200, ']')}) {
    Problems ps;
    auto o = parse(body, MessageKind::kTicket, ps);
    CHECK(o != envelope::ParseOutcome::kOk);
    CHECK_FALSE(ps.empty());
  }
  CHECK(envelope::nestingDepth(R"({"a":"[[[[[[","b":[{}]})") == 3);
}

TEST_CASE("referral consent and needs are enforced", "[envelope]") {
  const std::string ref =
      R"({"id":"r-1","kind":"referral","source":"charity-a","occurred_at":"2025-03-10T09:30:00Z",
    "subject":{"township":"451229202"},"body":{"needs":["medical","medical","flying"],"charity_case_id":"c 1","consent":false}})";
  Problems ps;
  CHECK(parse(ref, MessageKind::kReferral, ps) == envelope::ParseOutcome::kInvalid);
  CHECK(hasProblem(ps, "/body/needs/1"));
  CHECK(hasProblem(ps, "/body/needs/2"));
  CHECK(hasProblem(ps, "/body/charity_case_id"));
  CHECK(hasProblem(ps, "/body/consent"));
}

TEST_CASE("a referral's consent record is optional and checked field by field", "[envelope]") {
  auto ref = [](const std::string& record) {
    return R"({"id":"r-1","kind":"referral","source":"charity-a","occurred_at":"2025-03-10T09:30:00Z",
    "subject":{"township":"451229202"},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true)" +
           record + "}}";
  };
  Problems none, good, bad, extra;
  CHECK(parse(ref(""), MessageKind::kReferral, none) == envelope::ParseOutcome::kOk);
  CHECK(
      parse(
          ref(R"(,"consent_record":{"by":"志愿者","at":"2025-03-10T09:00:00+08:00","method":"oral"})"),
          MessageKind::kReferral, good) == envelope::ParseOutcome::kOk);
  CHECK(parse(ref(R"(,"consent_record":{"by":"","at":"yesterday","method":"nod"})"),
              MessageKind::kReferral, bad) == envelope::ParseOutcome::kInvalid);
  CHECK(hasProblem(bad, "/body/consent_record/by"));
  CHECK(hasProblem(bad, "/body/consent_record/at"));
  CHECK(hasProblem(bad, "/body/consent_record/method"));
  CHECK(
      parse(
          ref(R"(,"consent_record":{"by":"x","at":"2025-03-10T09:00:00Z","method":"oral","why":1})"),
          MessageKind::kReferral, extra) == envelope::ParseOutcome::kInvalid);
  CHECK(hasProblem(extra, "/body/consent_record/why"));
}

TEST_CASE("notification amounts must be non-negative integers in fen", "[envelope]") {
  const std::string n =
      R"({"id":"n-1","kind":"notification","source":"yibao","occurred_at":"2025-03-10T09:30:00Z",
    "subject":{"township":"451229202","id_number":"451229195703081312"},
    "body":{"department":"medical_insurance","signal":"large_medical_bill","amounts":{"out_of_pocket":-1,"total":1.5,"ok":100}}})";
  Problems ps;
  CHECK(parse(n, MessageKind::kNotification, ps) == envelope::ParseOutcome::kInvalid);
  CHECK(hasProblem(ps, "/body/amounts/out_of_pocket"));
  CHECK(hasProblem(ps, "/body/amounts/total"));
  CHECK_FALSE(hasProblem(ps, "/body/amounts/ok"));
}

TEST_CASE("a field given twice is a problem, not a silent choice", "[envelope]") {
  std::string body = kTicket;
  body.replace(body.find("\"kind\""), 0, "\"id\": \"t-2\", ");
  Problems ps;
  CHECK(parse(body, MessageKind::kTicket, ps) == envelope::ParseOutcome::kInvalid);
  CHECK(hasProblem(ps, "/id"));
}
