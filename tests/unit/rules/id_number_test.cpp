#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "routing/rules/id_number.h"
#include "tests/unit/rules/test_support.h"

TEST_CASE("every vector in id-checksum.json", "[id]") {
  std::string text = xj::testing::readFile(xj::testing::sharedRulesDir() + "/id-checksum.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  size_t n = 0;
  for (const auto& c : doc["cases"].GetArray()) {
    INFO("vector " << n << ": " << c["why"].GetString());
    auto check = xj::rules::checkIdNumber(c["id"].GetString());
    CHECK(check.ok() == c["valid"].GetBool());
    if (check.ok()) CHECK(check.normalised.back() != 'x');
    ++n;
  }
  CHECK(n >= 9);
}

TEST_CASE("ID errors are checked in order: length, digits, birth date, checksum", "[id]") {
  using E = xj::rules::IdNumberError;
  CHECK(xj::rules::checkIdNumber("45122919650715017").error == E::kLength);
  CHECK(xj::rules::checkIdNumber("45122919650715A170").error == E::kDigits);
  CHECK(xj::rules::checkIdNumber("451229199502301234").error == E::kBirthDate);
  CHECK(xj::rules::checkIdNumber("451229196507150170").error == E::kChecksum);
}

TEST_CASE("an ID whose birth date is after the acceptance date is refused", "[id]") {
  using namespace std::chrono;
  using E = xj::rules::IdNumberError;
  const char* born_2025_06_01 = "451229202506010016";     // checksum valid
  CHECK(xj::rules::checkIdNumber(born_2025_06_01).ok());  // no acceptance date: not checked
  CHECK(xj::rules::checkIdNumber(born_2025_06_01, year_month_day{2025y / March / 10}).error ==
        E::kBirthAfter);
  CHECK(xj::rules::checkIdNumber(born_2025_06_01, year_month_day{2025y / May / 31}).error ==
        E::kBirthAfter);
  CHECK(xj::rules::checkIdNumber(born_2025_06_01, year_month_day{2025y / June / 1}).ok());
  CHECK(std::string(xj::rules::describe(E::kBirthAfter)).find("after") != std::string::npos);
}
