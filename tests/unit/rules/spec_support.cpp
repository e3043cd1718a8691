#include "tests/unit/rules/spec_support.h"

#include <cstdio>
#include <stdexcept>

#include "tests/unit/rules/test_support.h"

namespace xj::spec {

Date day(std::string_view ymd) {
  // Also used for namespace-scope constants, before Catch runs: throw, do not REQUIRE.
  auto d = parseDate(ymd);
  if (!d) throw std::invalid_argument("not a date: " + std::string(ymd));
  return *d;
}

Date yearsBefore(Date on, int age) {
  auto d = Date::fromYmd(on.year() - age, on.month(), on.day());
  REQUIRE(d.has_value());
  return *d;
}

Person person(std::string pid, Relation relation, Date birth) {
  Person p;
  p.pid = std::move(pid);
  p.relation = relation;
  p.birth_date = birth;
  return p;
}

Person applicant(Date as_of) { return person("p1", Relation::kApplicant, yearsBefore(as_of, 45)); }

Household household(Date as_of, std::vector<Person> persons, Fen financial) {
  Household h;
  h.as_of = as_of;
  h.residence = Residence::kRural;
  h.members = std::move(persons);
  h.financial_assets = financial;
  return h;
}

Decision decide(const Household& h) {
  EvalOptions o;
  o.trace = true;
  auto r = evaluate(h, testing::sharedStandards().rules, o);
  if (!r.isOk()) FAIL("evaluation failed: " << r.status().message());
  return std::move(r).value();
}

std::string evaluationError(const Household& h) {
  auto r = evaluate(h, testing::sharedStandards().rules, EvalOptions{true});
  REQUIRE_FALSE(r.isOk());
  return r.status().message();
}

bool hasStep(const Decision& d, std::string_view test, std::string_view subject) {
  for (const auto& s : d.trace)
    if (s.test == test && s.subject == subject) return true;
  return false;
}

const TraceStep& step(const Decision& d, std::string_view test, std::string_view subject) {
  for (const auto& s : d.trace)
    if (s.test == test && s.subject == subject) return s;
  FAIL("no trace step " << test << " for " << subject);
  return d.trace.front();  // not reached
}

std::string input(const TraceStep& s, std::string_view name) {
  for (const auto& i : s.inputs)
    if (i.name == name) return i.value;
  FAIL("trace step " << s.test << " has no input " << name);
  return {};
}

const PersonOutcome& outcome(const Decision& d, const Household& h, std::string_view pid) {
  for (size_t i = 0; i < h.members.size(); ++i)
    if (h.members[i].pid == pid) return d.persons[i];
  FAIL("no person " << pid);
  return d.persons.front();
}

std::string categoryOf(const Decision& d, const Household& h, std::string_view pid) {
  const PersonOutcome& o = outcome(d, h, pid);
  return o.has_category ? categoryId(o.category) : "-";
}

std::string householdCategory(const Decision& d) { return categoryId(d.household_category); }

std::string idNumber(Date birth, bool male, int sequence) {
  char body[32];
  int seq = (sequence * 2 + (male ? 1 : 0)) % 1000;  // odd = male, even = female
  std::snprintf(body, sizeof body, "451229%04d%02u%02u%03d", birth.year(), birth.month(),
                birth.day(), seq);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int s = 0;
  for (int i = 0; i < 17; ++i) s += (body[i] - '0') * kWeights[i];
  return std::string(body, 17) + "10X98765432"[s % 11];
}

}  // namespace xj::spec
