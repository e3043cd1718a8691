// The console's place directory (config/villages_config.h): the shipped file loads with all 16
// townships in the standards' order, and a bad file is refused with every problem at its path.
#include <catch2/catch.hpp>

#include <string>

#include "config/hub_config.h"
#include "config/villages_config.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;

namespace {

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

bool hasProblem(const Problems& ps, const std::string& path, const std::string& words = "") {
  for (const auto& p : ps)
    if (p.path == path && p.problem.find(words) != std::string::npos) return true;
  return false;
}

// Every township but the first, each with no village: the first is written by the test.
std::string othersAfter(size_t from) {
  std::string out;
  for (size_t i = from; i < townships().all().size(); ++i)
    out += R"(,{"code": ")" + townships().all()[i].code + R"(", "name_en": "T", "villages": []})";
  return out;
}

}  // namespace

TEST_CASE("the shipped village file loads: 16 townships in order, English names, examples flagged",
          "[config][villages]") {
  Problems ps;
  auto d = loadVillages(std::string(XJ_SOURCE_DIR) + "/config/villages.jsonc", townships(), ps);
  INFO(formatProblems(ps));
  REQUIRE(d.isOk());
  const auto& dir = *d.value();
  REQUIRE(dir.townships.size() == 16);
  for (size_t i = 0; i < 16; ++i) {
    CHECK(dir.townships[i].code == townships().all()[i].code);
    CHECK(dir.townships[i].name_zh == townships().all()[i].name);
    CHECK_FALSE(dir.townships[i].name_en.empty());
    CHECK_FALSE(dir.townships[i].villages.empty());
  }
  const PlaceTownship* jiangnan = dir.find("451229205");
  REQUIRE(jiangnan != nullptr);
  CHECK(jiangnan->name_zh == "江南乡");
  CHECK(jiangnan->name_en == "Jiangnan Township");
  CHECK(jiangnan->villages[0].code.rfind("451229205", 0) == 0);
  // The shipped villages are placeholders until the county supplies its list: it must say so.
  CHECK(dir.villages_are_examples);
}

TEST_CASE("a bad village file is refused with every problem at its path", "[config][villages]") {
  Problems ps;
  const std::string text =
      R"({"villages_are_examples": "yes", "extra": 1, "townships": [)"
      R"({"code": "451229100", "name_zh": "大化乡", "villages": [)"
      R"(  {"code": "451229101001", "name_zh": "错村", "name_en": "Wrong"},)"
      R"(  {"code": "451229100001", "name_zh": "", "name_en": "Empty"},)"
      R"(  {"code": "451229100002", "name_zh": "甲村", "name_en": "A", "pop": 3},)"
      R"(  {"code": "451229100002", "name_zh": "乙村", "name_en": "B"}]},)"
      R"({"code": "451229999", "name_en": "Nowhere", "villages": []},)"
      R"({"code": "451229100", "name_en": "Again", "villages": []})" +
      othersAfter(2) + "]}";
  auto d = parseVillages(text, townships(), ps);
  INFO(formatProblems(ps));
  REQUIRE_FALSE(d.isOk());
  CHECK(hasProblem(ps, "/villages_are_examples", "true or false"));
  CHECK(hasProblem(ps, "/extra", "unknown"));
  CHECK(hasProblem(ps, "/townships/0/name_zh", "大化镇"));
  CHECK(hasProblem(ps, "/townships/0/name_en", "required"));
  CHECK(hasProblem(ps, "/townships/0/villages/0/code", "451229100"));
  CHECK(hasProblem(ps, "/townships/0/villages/1/name_zh", "non-empty"));
  CHECK(hasProblem(ps, "/townships/0/villages/2/pop", "unknown"));
  CHECK(hasProblem(ps, "/townships/0/villages/3/code", "twice"));
  CHECK(hasProblem(ps, "/townships/1/code", "not the 2023 code"));
  CHECK(hasProblem(ps, "/townships/2/code", "twice"));
  // 都阳镇 (451229101) is the one township left out.
  CHECK(hasProblem(ps, "/townships", "451229101"));
  CHECK(ps.size() == 11);
}

TEST_CASE("the old numbering is not accepted in the village file", "[config][villages]") {
  // The pickers send the code the envelope stores: the 2023 one, not 451229100-115's other meaning.
  Problems ps;
  auto d = parseVillages(R"({"townships": [{"code": "451229115", "name_en": "X", "villages": []})" +
                             othersAfter(0) + "]}",
                         townships(), ps);
  REQUIRE_FALSE(d.isOk());
  CHECK(hasProblem(ps, "/townships/0/code", "not the 2023 code"));
}
