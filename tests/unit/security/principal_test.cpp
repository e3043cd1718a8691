// The person a token is made for: 1 to 50 characters (not bytes), one line, valid UTF-8.
#include <catch2/catch.hpp>

#include <string>

#include "hub/security/principal.h"

using xj::personNameProblem;

TEST_CASE("a token's person name: 1 to 50 characters, no control characters", "[security]") {
  CHECK(personNameProblem("王芳").empty());
  CHECK(personNameProblem("Li Qiang").empty());
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "王";  // 150 bytes, 50 characters
  CHECK(personNameProblem(fifty).empty());
  CHECK(personNameProblem(fifty + "a") == "must be 1 to 50 characters");
  CHECK(personNameProblem("") == "must be 1 to 50 characters");
  CHECK(personNameProblem("王\n芳") == "must not contain control characters");
  CHECK(personNameProblem("a\x7f") == "must not contain control characters");
  CHECK(personNameProblem("a\xc2\x85") == "must not contain control characters");  // NEL (C1)
  CHECK(personNameProblem("a\xe2\x80\xa8") == "must not contain control characters");
  CHECK(personNameProblem("\xe7\x8e") == "must be valid UTF-8");  // cut short
  CHECK(personNameProblem("\xff") == "must be valid UTF-8");
  CHECK(personNameProblem(" 王芳") == "must not begin or end with a space");
}
