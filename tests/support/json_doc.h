// Parses an HTTP body or an MQTT payload for a test's checks. A body that is not JSON gives a
// document whose HasParseError() is true (and which is not an object), so a check on a member
// fails instead of crashing the test. Header-only; any thread.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace xj::test {

inline rapidjson::Document json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

}  // namespace xj::test
