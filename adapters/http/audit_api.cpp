#include "adapters/http/audit_api.h"

#include <memory>

#include "adapters/http/http_util.h"
#include "adapters/http/json_out.h"
#include "hub/core/exchange.h"

namespace xj::http {
namespace {

constexpr int64_t kMaxLimit = 500;

void writeRecord(jsonout::Writer& w, const AccessRecord& r) {
  w.StartObject();
  jsonout::integer(w, "seq", r.seq);
  jsonout::string(w, "at", r.at);
  jsonout::string(w, "token_id", r.token_id);
  jsonout::string(w, "org", r.org);
  jsonout::string(w, "role", r.role);
  jsonout::string(w, "action", r.action);
  jsonout::string(w, "endpoint", r.endpoint);
  jsonout::string(w, "purpose", r.purpose);
  w.EndObject();
}

}  // namespace

void AuditApi::list(ApiRequest req, Reply reply) {
  if (!authorize(req, reply, {Role::kAdmin}, "the access record")) return;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  AccessQuery query;
  int64_t limit = 100;
  Problems problems;
  for (const auto& [k, v] : parseQuery(shared_req->target)) {
    if (k == "item" || k == "exchange") {
      if (!query.kind.empty()) {
        problems.push_back({k, "give one of item or exchange"});
      } else if (k == "exchange" && exchangeSeqOf(v) > 0) {
        query.object_id = exchangeSeqOf(v);  // "ex-42", as the API names exchanges
      } else if (!parseDecimalId(v, query.object_id) || query.object_id < 1) {
        problems.push_back({k, "must be an id: a positive integer (an exchange also ex-N)"});
      }
      query.kind = k;
    } else if (k == "after") {
      if (!parseDecimalId(v, query.before))
        problems.push_back({"after", "must be a record seq cursor (next_after)"});
    } else if (k == "limit") {
      if (!parseDecimalId(v, limit) || limit < 1 || limit > kMaxLimit)
        problems.push_back({"limit", "must be 1 to 500"});
    } else {
      std::string shown;  // the key is the client's bytes: keep the answer valid JSON
      for (char ch : k.substr(0, 40)) shown.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
      problems.push_back({shown, "unknown parameter"});
    }
  }
  if (query.kind.empty() && problems.empty()) problems.push_back({"item", "give item or exchange"});
  if (!problems.empty())
    return finish(*shared_req, reply,
                  counted("invalid", error(400, "invalid_query", "bad parameters", problems)));
  query.limit = static_cast<int>(limit);
  // The record of this read names the object asked about, so it is found with the others.
  shared_req->access->objects = query.kind + "=" + std::to_string(query.object_id);
  bool queued = deps_.work.accessOf(
      query, [this, shared_req, reply, limit](std::optional<std::vector<AccessRecord>> rows) {
        if (!rows) return replyUnavailable(*shared_req, reply, false);
        std::string body = jsonout::document([&](jsonout::Writer& w) {
          w.StartObject();
          w.Key("records");
          w.StartArray();
          for (const auto& r : *rows) writeRecord(w, r);
          w.EndArray();
          // The cursor for the next (older) page, present while a full page came back.
          if (static_cast<int64_t>(rows->size()) == limit && !rows->empty())
            jsonout::integer(w, "next_after", rows->back().seq);
          w.EndObject();
        });
        replyJson(*shared_req, reply, std::move(body));
      });
  if (!queued) replyUnavailable(*shared_req, reply, true);
}

}  // namespace xj::http
