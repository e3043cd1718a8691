// Builders for the SPEC.md boundary tests (spec_*_test.cpp): households as plain rules::Household
// values with every figure chosen to sit on a boundary, evaluated with the trace on against the
// in-repo copy of the specification's parameters; and GB 11643 ID numbers for the JSON-level
// tests (a distinct, valid number per person). Test thread only.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "routing/rules/decision.h"
#include "routing/rules/engine.h"
#include "routing/rules/household.h"

namespace xj::spec {

using namespace xj::rules;

Date day(std::string_view ymd);  // throws unless a real date
// Yuan to fen, exactly (the figures of the tests have at most two decimals).
constexpr Fen yuan(int64_t whole, int64_t cents = 0) { return whole * 100 + cents; }

// The 2025 rural figures of parameters.json the tests are built on (checked by a test, so a
// change of the specification's numbers shows up there first).
inline constexpr Fen kStd2025 = yuan(5880);  // dibao.standard.rural_annual
inline constexpr Fen kStd2024 = yuan(5640);
inline constexpr Fen kUrbanStd2025 = yuan(900 * 12);
inline constexpr Fen kDpi2025 = yuan(19000);  // local.per_capita_disposable_income_prev_year
inline constexpr Fen kFpmLine2025 = yuan(7800);

// The day `age` years before `on` (same month and day): a person born then reaches `age` on `on`.
Date yearsBefore(Date on, int age);

Person person(std::string pid, Relation relation, Date birth);
// An able adult applicant of 45 on as_of.
Person applicant(Date as_of);
// A rural household of the given persons with `financial` household assets.
Household household(Date as_of, std::vector<Person> persons, Fen financial = 0);

// Evaluates with the trace on; FAILs on an error.
Decision decide(const Household& h);
// The error message of an evaluation expected to fail.
std::string evaluationError(const Household& h);

// The trace step `test` about `subject` ("household" or a pid); REQUIREs it to exist.
const TraceStep& step(const Decision& d, std::string_view test, std::string_view subject);
bool hasStep(const Decision& d, std::string_view test, std::string_view subject);
// The trace input `name` of a step; REQUIREs it.
std::string input(const TraceStep& s, std::string_view name);

const PersonOutcome& outcome(const Decision& d, const Household& h, std::string_view pid);
// The person's category; "-" when they have none (neither counted nor tekun).
std::string categoryOf(const Decision& d, const Household& h, std::string_view pid);
std::string householdCategory(const Decision& d);

// A valid 18-character GB 11643 number for a person of this birth date and sex: address 451229,
// the sequence's last digit odd for men, the ISO 7064 MOD 11-2 check character.
std::string idNumber(Date birth, bool male, int sequence);

}  // namespace xj::spec
