// Writing answers: the few RapidJSON shapes the console and report endpoints repeat (a string
// member, a nullable one, an integer), and the whole document as a string. Header-only; any
// thread (each caller owns its writer).
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace xj::http::jsonout {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void string(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// An empty value is written as null (no deadline, no owner).
inline void stringOrNull(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  if (v.empty()) {
    w.Null();
  } else {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
}

inline void integer(Writer& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}

inline void boolean(Writer& w, const char* key, bool v) {
  w.Key(key);
  w.Bool(v);
}

// Runs `write` on a fresh writer and returns the document.
template <class Fn>
std::string document(Fn&& write) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  write(w);
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace xj::http::jsonout
