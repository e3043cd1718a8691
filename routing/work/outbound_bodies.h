// OutboundBodies: how the bodies of what leaves the hub are written. The policies decide what a
// message says and to whom (routing/exchange, routing/platform) and hand the domain values here;
// the JSON is the adapters' (adapters/envelope/outbound_codec.h, RapidJSON), so routing/ holds no
// JSON library and no string-built JSON. Given to the write jobs when they are built (PolicyJobs).
//
// Implementations are immutable and pure: any thread, the store's writer included.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hub/core/exchange.h"

namespace xj::routing {

// A person's category change for the designated platform (category_upload.h decides when one
// is sent and which of the optional fields the platform may receive; nullopt: left out).
struct CategoryChange {
  std::string person_key;
  std::optional<std::string> id_number;  // only when the platform's fields allow it
  std::optional<std::string> township;   // likewise
  std::optional<std::string> village;    // likewise
  std::string previous_category;
  std::string category;
  std::string change;          // added | changed | removed
  std::string effective_date;  // YYYY-MM-DD, China Standard Time
  int64_t item_id = 0;
  std::string outcome;
  std::string reason;
  std::string at;
};

class OutboundBodies {
 public:
  virtual ~OutboundBodies() = default;
  // The referral out that opens exchange `ex` (its first timeline row), with the person as
  // already minimised and the consent as given (`cmd`).
  virtual std::string referral(const ExchangeRecord& ex, const ExchangeCommand& cmd) const = 0;
  // A move of exchange `ex` made by civil affairs (timeline row `t`), for the partner.
  virtual std::string exchangeStatus(const ExchangeRecord& ex,
                                     const ExchangeTimelineEntry& t) const = 0;
  virtual std::string categoryChange(const CategoryChange& change) const = 0;
};

}  // namespace xj::routing
