// The preamble every config loader shares: read a JSON-with-comments file whole, parse it with
// the flags every hub file uses (comments, trailing commas, valid UTF-8), and report what went
// wrong as problems with their path ("" for the whole file), so that a loader's own checks start
// from a document. Used only inside config/ (RapidJSON stays out of the other layers); any thread.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "hub/core/problem.h"

namespace xj {

// Iterative: RapidJSON's default parser recurses once per nesting level, so a file of a few
// megabytes of "[" overflowed the stack (the daemon crashed at start or on SIGHUP); the
// iterative one keeps its stack on the heap. Every other flag works the same in it.
inline constexpr unsigned kJsoncParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseCommentsFlag |
    rapidjson::kParseTrailingCommasFlag | rapidjson::kParseValidateEncodingFlag;

// The file's bytes; nullopt after adding {"", "cannot open PATH"} when it cannot be read.
std::optional<std::string> readConfigText(const std::string& path, Problems& problems);

// Parses `text` into `doc`; false after adding {"", "JSON error at offset N: why"} when it is not
// JSON with comments.
bool parseJsonc(const std::string& text, rapidjson::Document& doc, Problems& problems);

}  // namespace xj
