#include "adapters/http/eligibility_api.h"

#include "adapters/household/evaluate.h"
#include "adapters/http/http_util.h"

namespace xj::http {

void EligibilityApi::evaluate(ApiRequest req, Reply reply) {
  security::TokenRefusal why;
  auto who = authenticate(req, &why);
  if (!who) return finish(req, reply, unauthorized(why));
  if (who->role != Role::kStaff && who->role != Role::kAdmin)
    return finish(req, reply,
                  error(403, "forbidden", "only staff and admin may evaluate households"));
  if (!isJsonContentType(req.content_type))
    return finish(req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  // Query: as_of=YYYY-MM-DD, explain=1 (the readable bilingual trace as text/plain).
  household::EvalRequest er;
  auto query = parseQuery(req.target);
  if (query.count("as_of")) {
    Problems problems;
    if (!parseServedDay("as_of", query["as_of"], problems))
      return replyProblems(req, reply, "invalid_query", problems);
    er.as_of_override = query["as_of"];
  }
  er.explain = query["explain"] == "1" || query["explain"] == "true";
  if (envelope::nestingDepth(req.body) > deps_.reception.limits().max_depth)
    return finish(req, reply,
                  error(400, "malformed_json", "1 problem(s)", {{"", "nested too deep"}}));
  Problems problems;
  std::string out =
      household::evaluateHouseholdJson(req.body, *deps_.reception.standards(), problems, er);
  if (out.empty()) {
    return finish(
        req, reply,
        error(400, "invalid_household",
              std::to_string(problems.size()) + " problem(s) in the household", problems));
  }
  finish(
      req, reply,
      ApiResponse{
          200, std::move(out), er.explain ? "text/plain; charset=utf-8" : "application/json", {}});
}

}  // namespace xj::http
