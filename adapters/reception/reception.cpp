#include "adapters/reception/reception.h"

#include <optional>

#include "hub/security/crypto.h"

namespace xj::reception {

Reception::Reception(std::shared_ptr<const household::Standards> standards,
                     const TownshipDirectory& townships, const routing::RouteTableHolder& routes,
                     const Clock& clock, envelope::Limits limits, const PersonKeyer& keys,
                     const PartnerDirectoryHolder* partners)
    : townships_(townships),
      routes_(routes),
      clock_(clock),
      limits_(limits),
      keys_(keys),
      partners_(partners),
      current_(std::make_shared<const Current>(std::move(standards), routes, keys)) {}

std::shared_ptr<const routing::Intake> Reception::intake() const {
  auto c = current();
  return std::shared_ptr<const routing::Intake>(c, &c->intake);
}

std::shared_ptr<const household::Standards> Reception::standards() const {
  return current()->standards;
}

void Reception::setStandards(std::shared_ptr<const household::Standards> next) {
  auto c = std::make_shared<const Current>(std::move(next), routes_, keys_);
  std::lock_guard lock(mu_);
  current_ = std::move(c);
}

namespace {

// An ID number born after the acceptance date (by the hub's clock, China Standard Time) is
// refused.
envelope::Limits limitsAt(envelope::Limits limits, std::chrono::system_clock::time_point now) {
  limits.latest_birth_date = std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(now + std::chrono::hours(8))};
  return limits;
}

// A listed agency sends only its own signal kinds (partners.jsonc `agencies`): a notification
// with another is refused like any other invalid field, naming what the agency may send, so
// that a misfiled warning is corrected at the source instead of routed on a wrong rule. An
// agency the county did not list keeps sending any signal of the vocabulary.
std::optional<Problem> signalOutsideAgency(const PartnerDirectory* dir, const std::string& org,
                                           const std::string& signal) {
  const Agency* agency = dir ? dir->findAgency(org) : nullptr;
  if (!agency || agency->sends(signal)) return std::nullopt;
  std::string allowed;
  for (const auto& s : agency->signals) allowed += (allowed.empty() ? "" : ", ") + s;
  return Problem{"/body/signal", "is not a signal this agency sends; one of: " + allowed};
}

}  // namespace

envelope::ParseOutcome Reception::repeatLookup(std::string_view bytes,
                                               std::optional<OpenItemQuery>& query,
                                               Problems& problems) const {
  envelope::Facts facts;
  auto now = clock_.now();
  auto outcome = envelope::parsePersonLookup(bytes, limitsAt(limits_, now), facts, problems);
  if (outcome == envelope::ParseOutcome::kOk) query = current()->intake.repeatLookup(facts, now);
  return outcome;
}

envelope::ParseOutcome Reception::prepare(std::string_view bytes, MessageKind kind,
                                          IngestRecord& record, Problems& problems,
                                          routing::RouteDecision* why) const {
  envelope::Facts facts;
  auto now = clock_.now();
  envelope::Limits limits = limitsAt(limits_, now);
  auto outcome = envelope::parseEnvelope(bytes, kind, townships_, limits, record, problems, &facts);
  if (outcome != envelope::ParseOutcome::kOk) return outcome;
  if (!current()->intake.plan(facts, now, record, problems, why))
    return envelope::ParseOutcome::kInvalid;
  record.body_hash = security::sha256Hex(record.payload);
  return outcome;
}

envelope::ParseOutcome Reception::prepareFrom(const std::string& sender, std::string_view bytes,
                                              MessageKind kind, IngestRecord& record,
                                              Problems& problems) const {
  auto outcome = prepare(bytes, kind, record, problems);
  if (outcome != envelope::ParseOutcome::kOk || kind != MessageKind::kNotification) return outcome;
  auto dir = partners_ ? partners_->get() : nullptr;
  if (auto problem = signalOutsideAgency(dir.get(), sender, record.plan.signal)) {
    problems.push_back(std::move(*problem));
    return envelope::ParseOutcome::kInvalid;
  }
  return outcome;
}

}  // namespace xj::reception
