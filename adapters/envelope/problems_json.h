// Problems as JSON: `"problems": [{"path", "problem"}, ...]`, the one shape every adapter uses
// to answer bad input (HTTP error bodies, MQTT rejection receipts). Header-only; any thread.
#pragma once

#include "hub/core/problem.h"

namespace xj::envelope {

// Writes the "problems" key and its array into an open JSON object (nothing if empty).
template <class Writer>
void writeProblems(Writer& w, const Problems& problems) {
  if (problems.empty()) return;
  w.Key("problems");
  w.StartArray();
  for (const auto& p : problems) {
    w.StartObject();
    w.Key("path");
    w.String(p.path.c_str(), static_cast<unsigned>(p.path.size()));
    w.Key("problem");
    w.String(p.problem.c_str(), static_cast<unsigned>(p.problem.size()));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace xj::envelope
