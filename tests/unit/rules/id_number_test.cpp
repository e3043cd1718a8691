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
