// The closed vocabularies of the message envelope, shared by the codec (validation), the route
// loader (a rule naming a value outside them can never match) and the docs. Adding a value is a
// compatible change; removing one is not. Immutable; any thread.
#pragma once

#include <string>
#include <vector>

namespace xj::vocabulary {

inline const std::vector<std::string> kTicketCategories = {
    "dibao",         "tekun",      "low_income",    "medical",    "education",
    "housing",       "employment", "temporary_aid", "disability", "elderly_care",
    "child_welfare", "disaster",   "complaint",     "inquiry",    "other"};
inline const std::vector<std::string> kUrgencies = {"low", "normal", "high", "critical"};
inline const std::vector<std::string> kCallerRelations = {
    "self", "family", "neighbour", "village_cadre", "social_worker", "other"};
inline const std::vector<std::string> kReferralNeeds = {
    "basic_living",  "medical", "education",     "housing", "employment",
    "temporary_aid", "care",    "psychological", "legal",   "disability_support",
    "other"};
inline const std::vector<std::string> kDepartments = {"agriculture",
                                                      "medical_insurance",
                                                      "education",
                                                      "disability_federation",
                                                      "housing",
                                                      "human_resources",
                                                      "emergency_management",
                                                      "health",
                                                      "public_security",
                                                      "civil_affairs",
                                                      "other"};
inline const std::vector<std::string> kSignals = {"large_medical_bill",    "disability_certified",
                                                  "unemployment",          "disaster_loss",
                                                  "monitoring_list_entry", "school_dropout",
                                                  "death_of_breadwinner",  "housing_danger",
                                                  "income_drop",           "other"};
// Pre-screen categories as routing sees them: the rules core's, plus "unknown" when the
// message describes no household.
inline const std::vector<std::string> kPrescreenCategories = {
    "tekun", "dibao", "dibao_edge", "rigid_expense", "none", "unknown"};
inline const std::vector<std::string> kHouseholdTags = {"monitored", "monitoring_risk_eliminated",
                                                        "monitored_without_category",
                                                        "monitoring_referral_suggested"};

}  // namespace xj::vocabulary
