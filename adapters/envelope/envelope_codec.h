// Envelope codec: turns the bytes of an inbound message (HTTP body or MQTT payload) into a
// validated IngestRecord, or into the complete list of what is wrong with it.
//
// The envelope: id, kind, source, occurred_at, subject {name, id_number, phone, township,
// village, household}, body (kind-specific). adapters/http/openapi.json is the published schema;
// keep the two in step. Pure functions over immutable inputs; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/message.h"
#include "hub/core/problem.h"
#include "hub/core/township.h"

namespace xj::envelope {

struct Limits {
  int max_depth = 32;
  // The acceptance date by the hub's clock: an ID number whose birth date is after it is
  // refused. Unset: not checked (tools with no acceptance date).
  std::optional<std::chrono::year_month_day> latest_birth_date;
};

// What routing and the pre-screen need from a valid envelope, besides the record itself
// (a domain type: hub/core/message.h).
using Facts = MessageFacts;

enum class ParseOutcome {
  kOk,
  kMalformed,  // not JSON, invalid UTF-8, or nested too deep: one problem, nothing else checked
  kInvalid,    // JSON, but the envelope breaks the schema: every problem listed
};

// On kOk fills record.kind, source, message_id, township (2023 code), occurred_at and payload
// (the normalised document: compact, ID numbers upper-cased, township as its 2023 code).
// received_at and body_hash are left to the caller.
ParseOutcome parseEnvelope(std::string_view bytes, MessageKind expected_kind,
                           const TownshipDirectory& townships, const Limits& limits,
                           IngestRecord& record, Problems& problems, Facts* facts = nullptr);

// The console's repeat-caller lookup, {"phone"?, "id_number"?} with at least one of them, each
// checked exactly as in a subject (the phone format; GB 11643 for the ID number, with the birth
// date limit of `limits`). On kOk fills facts.id_number (normalised) and facts.phone_digits only.
ParseOutcome parsePersonLookup(std::string_view bytes, const Limits& limits, Facts& facts,
                               Problems& problems);

// The "kind" member of a message, if it is JSON with a known kind (tools that take any kind).
std::optional<MessageKind> peekKind(std::string_view bytes);

// Depth of the deepest array/object nesting, scanning bytes without parsing (strings skipped).
// Used before parsing so that a hostile document cannot exhaust the stack.
int nestingDepth(std::string_view bytes);

}  // namespace xj::envelope
