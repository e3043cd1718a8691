#include "adapters/http/vocabulary_api.h"

#include <algorithm>
#include <vector>

#include "adapters/http/json_out.h"
#include "hub/core/names.h"
#include "hub/core/vocabulary.h"
#include "routing/queues/item.h"

namespace xj::http {
namespace {

// `code`: the exchange lists name their value `code` as well (the partner pages' contract), so
// that a client may read either name.
// `states`: each term also says whether an item in that state is still open, by the queues' own
// rule, so that the console's filters cannot disagree with the hub's counts.
void writeTerms(jsonout::Writer& w, const char* key, const std::vector<vocabulary::Term>& terms,
                bool states = false, bool code = false) {
  w.Key(key);
  w.StartArray();
  for (const auto& t : terms) {
    w.StartObject();
    if (code) jsonout::string(w, "code", t.value);
    jsonout::string(w, "value", t.value);
    jsonout::string(w, "zh", t.zh);
    jsonout::string(w, "en", t.en);
    if (states) {
      auto state = parseItemState(t.value);
      jsonout::boolean(w, "open", state && routing::isOpen(*state));
    }
    w.EndObject();
  }
  w.EndArray();
}

// The needs: each also says whether a charity's referral in may name it (its body.needs), so
// that the push form offers exactly those and the referral pages name every exchange's need.
void writeNeeds(jsonout::Writer& w) {
  const auto& referral = vocabulary::kReferralNeeds;
  w.Key("exchange_needs");
  w.StartArray();
  for (const auto& t : vocabulary::kNeedTerms) {
    w.StartObject();
    jsonout::string(w, "code", t.value);
    jsonout::string(w, "value", t.value);
    jsonout::string(w, "zh", t.zh);
    jsonout::string(w, "en", t.en);
    w.Key("referral");
    w.Bool(std::find(referral.begin(), referral.end(), t.value) != referral.end());
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string vocabularyJson() {
  // Built once: the tables are immutable.
  static const std::string kDocument = jsonout::document([](jsonout::Writer& w) {
    w.StartObject();
    writeTerms(w, "categories", vocabulary::kTicketCategoryTerms);
    writeTerms(w, "prescreen_categories", vocabulary::kPrescreenCategoryTerms);
    writeTerms(w, "urgencies", vocabulary::kUrgencyTerms);
    writeTerms(w, "signals", vocabulary::kSignalTerms);
    writeTerms(w, "departments", vocabulary::kDepartmentTerms);
    writeTerms(w, "outcomes", vocabulary::kOutcomeTerms);
    writeTerms(w, "states", vocabulary::kItemStateTerms, true);
    writeTerms(w, "exchange_reject_reasons", vocabulary::kExchangeRejectReasonTerms, false, true);
    writeTerms(w, "exchange_hold_reasons", vocabulary::kExchangeHoldReasonTerms, false, true);
    writeTerms(w, "exchange_outcomes", vocabulary::kExchangeOutcomeTerms, false, true);
    writeNeeds(w);
    w.EndObject();
  });
  return kDocument;
}

void VocabularyApi::get(ApiRequest req, Reply reply) {
  if (!authorize(req, reply, {}, "the vocabulary")) return;
  replyJson(req, reply, vocabularyJson());
}

}  // namespace xj::http
