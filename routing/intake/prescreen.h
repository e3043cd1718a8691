// Prescreener: the port through which the intake has a described household pre-screened by the
// shared rules core (routing/rules). The household arrives as the envelope carried it; the
// implementation (adapters/reception/household_prescreen.h) translates it to the rules core's
// input and the decision back to the stored form. Const; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/core/problem.h"

namespace xj::routing {

struct Prescreen {
  std::string category;  // the rules core's household category id
  std::vector<std::string> tags;
  std::string rule_set_version;
  std::string decision_json;  // the decision with its trace, as stored and shown to staff
};

class Prescreener {
 public:
  virtual ~Prescreener() = default;
  // As of `as_of` (YYYY-MM-DD). nullopt with every problem listed (paths inside the household)
  // when the household cannot be evaluated.
  virtual std::optional<Prescreen> prescreen(const std::string& household, const std::string& as_of,
                                             Problems& problems) const = 0;
};

}  // namespace xj::routing
