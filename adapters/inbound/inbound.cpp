#include "adapters/inbound/inbound.h"

#include "hub/security/crypto.h"

namespace xj::inbound {

Inbound::Inbound(std::shared_ptr<const household::Standards> standards,
                 const TownshipDirectory& townships, const routing::RouteTableHolder& routes,
                 const Clock& clock, envelope::Limits limits, const PersonKeyer& keys)
    : standards_(std::move(standards)),
      townships_(townships),
      clock_(clock),
      limits_(limits),
      prescreener_(standards_),
      intake_(standards_->calendar, routes, prescreener_, keys) {}

envelope::ParseOutcome Inbound::prepare(std::string_view bytes, MessageKind kind,
                                        IngestRecord& record, Problems& problems,
                                        routing::RouteDecision* why) const {
  envelope::Facts facts;
  auto now = clock_.now();
  // An ID number born after the acceptance date (by the hub's clock, China Standard Time) is
  // refused.
  envelope::Limits limits = limits_;
  limits.latest_birth_date = std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(now + std::chrono::hours(8))};
  auto outcome = envelope::parseEnvelope(bytes, kind, townships_, limits, record, problems, &facts);
  if (outcome != envelope::ParseOutcome::kOk) return outcome;
  if (!intake_.plan(facts, now, record, problems, why)) return envelope::ParseOutcome::kInvalid;
  record.body_hash = security::sha256Hex(record.payload);
  return outcome;
}

}  // namespace xj::inbound
