// GET /v1/vocabulary is the one place the console learns the domain's values: the document
// carries every value the core accepts (and no other), each with both labels, and the console's
// scripts keep no copy of the tables of their own.
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/http/vocabulary_api.h"
#include "hub/core/names.h"
#include "hub/core/partner_directory.h"
#include "hub/core/vocabulary.h"
#include "routing/queues/item.h"

using namespace xj;

namespace {

std::vector<std::string> servedValues(const rapidjson::Document& d, const char* list) {
  std::vector<std::string> out;
  REQUIRE(d.HasMember(list));
  for (const auto& term : d[list].GetArray()) {
    CHECK(std::string(term["zh"].GetString()) != "");
    CHECK(std::string(term["en"].GetString()) != "");
    out.push_back(term["value"].GetString());
  }
  return out;
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the vocabulary document serves every value the core accepts, with both labels",
          "[http][vocabulary]") {
  rapidjson::Document d;
  d.Parse(http::vocabularyJson().c_str());
  REQUIRE(d.IsObject());
  CHECK(servedValues(d, "categories") == vocabulary::kTicketCategories);
  CHECK(servedValues(d, "prescreen_categories") == vocabulary::kPrescreenCategories);
  CHECK(servedValues(d, "urgencies") == vocabulary::kUrgencies);
  CHECK(servedValues(d, "outcomes") == routing::outcomeVocabulary());
  CHECK(servedValues(d, "signals") == vocabulary::kSignals);
  CHECK(servedValues(d, "departments") == vocabulary::kDepartments);
  // The needs: every partner service (an exchange's need), those a referral in names marked.
  CHECK(servedValues(d, "exchange_needs") == kPartnerServices);
  std::vector<std::string> referral;
  for (const auto& term : d["exchange_needs"].GetArray())
    if (term["referral"].GetBool()) referral.push_back(term["value"].GetString());
  CHECK(
      std::set<std::string>(referral.begin(), referral.end()) ==
      std::set<std::string>(vocabulary::kReferralNeeds.begin(), vocabulary::kReferralNeeds.end()));

  // Every item state of the core's enum exactly once, with the queues' own open rule.
  const std::vector<ItemState> all = {ItemState::kNew,        ItemState::kClaimed,
                                      ItemState::kInProgress, ItemState::kWaitingOnOther,
                                      ItemState::kResolved,   ItemState::kEscalated,
                                      ItemState::kTransferred};
  auto states = servedValues(d, "states");
  CHECK(states.size() == all.size());
  CHECK(std::set<std::string>(states.begin(), states.end()).size() == states.size());
  for (ItemState s : all) {
    CHECK(std::count(states.begin(), states.end(), std::string(toString(s))) == 1);
  }
  for (const auto& term : d["states"].GetArray()) {
    auto s = parseItemState(term["value"].GetString());
    REQUIRE(s);
    CHECK(term["open"].GetBool() == routing::isOpen(*s));
  }
}

TEST_CASE("the console reads the vocabulary instead of keeping copies of it",
          "[http][vocabulary]") {
  const std::filesystem::path dir =
      std::filesystem::path(XJ_SOURCE_DIR) / "adapters/console/static";
  // A fragment of each table as a script would spell it (a list, or an i18n entry).
  const std::vector<std::string> copies = {"'dibao', 'tekun', 'low_income'",
                                           "'low', 'normal', 'high', 'critical'",
                                           "'eligible_dibao', 'eligible_tekun'",
                                           "'new', 'claimed', 'in_progress'",
                                           "'category.medical':",
                                           "'urgency.critical':",
                                           "'outcome.not_eligible':",
                                           "'state.in_progress':",
                                           "'signal.large_medical_bill':",
                                           "'department.medical_insurance':",
                                           "'basic_living', 'medical', 'education'",
                                           "'need.food':"};
  bool reads_endpoint = false;
  int scripts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".js") continue;
    ++scripts;
    const std::string text = readFile(entry.path());
    for (const auto& copy : copies) {
      INFO(entry.path().filename().string() << " holds " << copy);
      CHECK(text.find(copy) == std::string::npos);
    }
    if (text.find("'/v1/vocabulary'") != std::string::npos) reads_endpoint = true;
  }
  CHECK(scripts > 5);
  CHECK(reads_endpoint);
}
