// Fuzz target: a household document (the eligibility API's body, a rules case file) parsed and
// evaluated against the standards by the rules core, answered as the decision JSON and as the
// bilingual explanation: the whole path of POST /v1/eligibility/evaluate behind the adapter.
#include <cstddef>
#include <cstdint>

#include "adapters/household/evaluate.h"
#include "tests/fuzz/fuzz_support.h"

using namespace xj;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = fuzz::text(data, size);
  Problems problems;
  household::EvalRequest request;
  auto evaluation = household::evaluateHousehold(bytes, fuzz::standards(), problems, request);
  if (!evaluation) return 0;
  // Only a household that parsed is worth the encoders' time.
  Problems json_problems;
  (void)household::evaluateHouseholdJson(bytes, fuzz::standards(), json_problems, request);
  request.explain = true;
  request.members_by_position = true;
  Problems explain_problems;
  (void)household::evaluateHouseholdJson(bytes, fuzz::standards(), explain_problems, request);
  return 0;
}
