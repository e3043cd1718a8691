// The columns that hold personal data, stored sealed (hub/security/field_cipher.h): each with the
// label that is its associated data. A label names a kind of value, not a place: exchanges.reason
// and the copy an exchange event keeps of it (exchange_events.reason) share one, so that a value
// can move between them; a message payload can never open as a note.
//
// An empty value is stored as it is (it says nothing, and "no reason" stays visible to SQL).
// A value stored before encryption (text, not a sealed blob) reads as it is; the re-encryption
// walk (key_walk.h) seals it. Pure data; any thread.
#pragma once

#include <string_view>

namespace xj::storage::sealed {

inline constexpr std::string_view kMessagePayload = "message.payload";
inline constexpr std::string_view kPrescreenDecision = "prescreen.decision";
inline constexpr std::string_view kHistoryDetail = "item_history.detail";
inline constexpr std::string_view kExchangeReason = "exchange.reason";
inline constexpr std::string_view kExchangeOutcome = "exchange.outcome";
inline constexpr std::string_view kExchangeConsent = "exchange.consent";
inline constexpr std::string_view kTimelineReason = "exchange_timeline.reason";
inline constexpr std::string_view kTimelineOutcome = "exchange_timeline.outcome";
inline constexpr std::string_view kTimelineNote = "exchange_timeline.note";
// The person of the token that acted (a partner's worker): the copy the timeline keeps.
inline constexpr std::string_view kTimelineActorName = "exchange_timeline.actor_name";
inline constexpr std::string_view kOutboxBody = "outbox.body";
inline constexpr std::string_view kAccessPurpose = "access_log.purpose";

// One sealed column of one table.
struct Column {
  std::string_view name;
  std::string_view label;
};

// A table with sealed columns, walked in key order by the re-encryption (key_walk.h).
struct Table {
  std::string_view name;
  std::string_view key;  // its key columns, comma-separated ("rowid", or "scope, event_id")
  int key_columns;
  Column columns[4];
  int column_count;
};

inline constexpr Table kTables[] = {
    {"messages", "hub_seq", 1, {{"payload", kMessagePayload}}, 1},
    {"prescreens", "hub_seq", 1, {{"decision", kPrescreenDecision}}, 1},
    {"item_history", "id", 1, {{"detail", kHistoryDetail}}, 1},
    {"exchanges",
     "exchange_id",
     1,
     {{"reason", kExchangeReason}, {"outcome", kExchangeOutcome}, {"consent", kExchangeConsent}},
     3},
    {"exchange_timeline",
     "id",
     1,
     {{"reason", kTimelineReason},
      {"outcome", kTimelineOutcome},
      {"note", kTimelineNote},
      {"actor_name", kTimelineActorName}},
     4},
    {"exchange_events",
     "scope, event_id",
     2,
     {{"reason", kExchangeReason}, {"ex_outcome", kExchangeOutcome}},
     2},
    {"outbox", "id", 1, {{"body", kOutboxBody}}, 1},
    {"access_log", "seq", 1, {{"purpose", kAccessPurpose}}, 1},
};

}  // namespace xj::storage::sealed
