#include <catch2/catch.hpp>

#include "hub/core/time_format.h"

using xj::parseRfc3339;

TEST_CASE("RFC 3339 accepts offsets, fractions and Z", "[time]") {
  CHECK(parseRfc3339("2025-03-10T09:30:00+08:00"));
  CHECK(parseRfc3339("2025-03-10T01:30:00Z"));
  CHECK(parseRfc3339("2025-03-10T01:30:00.123456Z"));
  CHECK(*parseRfc3339("2025-03-10T09:30:00+08:00") == *parseRfc3339("2025-03-10T01:30:00Z"));
}

TEST_CASE("RFC 3339 rejects unreal dates and missing offsets", "[time]") {
  for (const char* bad : {"2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z",
                          "2025-01-01T00:00:00", "2025-01-01", "yesterday", "2025-01-01T00:00:00+8",
                          "2025-01-01T00:00:00Zjunk", ""}) {
    INFO(bad);
    CHECK_FALSE(parseRfc3339(bad));
  }
  CHECK(parseRfc3339("2024-02-29T00:00:00Z"));
  CHECK_FALSE(parseRfc3339("2025-02-29T00:00:00Z"));
}

TEST_CASE("format round-trips", "[time]") {
  auto t = parseRfc3339("2026-11-28T16:37:42.123Z");
  REQUIRE(t);
  CHECK(xj::formatRfc3339(*t) == "2026-11-28T16:37:42.123Z");
}

TEST_CASE("RFC 3339 refuses an instant the system clock cannot hold", "[time]") {
  // The clock counts 64-bit nanoseconds: 1677-09-21T00:12:43Z .. 2262-04-11T23:47:16Z.
  for (const char* far :
       {"0000-01-01T00:00:00Z", "1677-01-01T00:00:00Z", "1677-09-21T00:00:00Z",
        "2262-04-12T00:00:00Z", "9999-12-31T23:59:59Z", "2262-04-11T23:00:00-08:00"}) {
    INFO(far);
    CHECK_FALSE(parseRfc3339(far));
  }
  CHECK(parseRfc3339("1677-09-22T00:00:00Z"));
  CHECK(parseRfc3339("2262-04-10T23:59:59Z"));
}
