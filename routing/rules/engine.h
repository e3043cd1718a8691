// The eligibility evaluation of SPEC.md §4-§7: one household, every standard, the higher
// category wins. Pure and deterministic (no clock, no I/O, no globals); any number of threads
// may evaluate at once against one shared RuleSet, each with its own Decision.
//
// Fast path: with EvalOptions::trace == false and a reused Decision, evaluation builds no
// strings and allocates nothing once the Decision's buffers have grown.
#pragma once

#include "hub/core/status.h"
#include "routing/rules/decision.h"
#include "routing/rules/household.h"
#include "routing/rules/parameters.h"

namespace xj::rules {

struct EvalOptions {
  bool trace = false;  // fill Decision::trace (inputs, parameters, bilingual reasons)
};

// Refills `out`. Errors (out is then unspecified):
//  - notFound "parameter_missing: <name> has no value in force on <date>" when a test that ran
//    needed a parameter without an entry in force on household.as_of (never a default);
//  - invalid when the household is inconsistent (a member born after as_of, too many members,
//    an obligor ref out of range, no applicant). Messages name pids, never personal data.
Status evaluate(const Household& household, const RuleSet& rules, const EvalOptions& options,
                Decision& out);

Result<Decision> evaluate(const Household& household, const RuleSet& rules,
                          const EvalOptions& options = {});

}  // namespace xj::rules
