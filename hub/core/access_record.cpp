#include "hub/core/access_record.h"

#include <charconv>

#include "hub/core/exchange.h"

namespace xj {

std::string_view toString(AccessAction action) {
  return action == AccessAction::kRead ? "read" : "change";
}

namespace {
void field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += ';';
}
}  // namespace

std::string canonicalForm(const AccessRecord& r) {
  std::string out;
  out.reserve(128 + r.objects.size() + r.person_keys.size() + r.purpose.size());
  field(out, std::to_string(r.seq));
  field(out, r.at);
  field(out, r.token_id);
  field(out, r.org);
  field(out, r.role);
  field(out, r.action);
  field(out, r.endpoint);
  field(out, r.objects);
  field(out, r.person_keys);
  field(out, r.purpose);
  return out;
}

namespace {
// A positive decimal id, all of `v`; 0 when it is not one.
int64_t idOf(std::string_view v) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  return ec == std::errc() && end == v.data() + v.size() && id > 0 ? id : 0;
}
}  // namespace

std::vector<AccessObject> accessObjects(const AccessRecord& r) {
  // The path parameter of /v1/exchanges/{id} is recorded as "id=N": an exchange there, whereas
  // the same name elsewhere is a message or an outbox row.
  const bool exchange_route = r.endpoint.find(" /v1/exchanges/{id}") != std::string::npos;
  std::vector<AccessObject> out;
  std::string_view rest = r.objects;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    auto eq = word.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = word.substr(0, eq);
    std::string kind = name == "item"                     ? "item"
                       : name == "exchange"               ? "exchange"
                       : (name == "id" && exchange_route) ? "exchange"
                                                          : "";
    std::string_view value = word.substr(eq + 1);
    // An exchange is named as the API names it ("ex-42") or by its number.
    int64_t id =
        kind == "exchange" && exchangeSeqOf(value) > 0 ? exchangeSeqOf(value) : idOf(value);
    if (kind.empty() || id == 0) continue;
    bool seen = false;
    for (const auto& o : out) seen = seen || (o.kind == kind && o.id == id);
    if (!seen) out.push_back({std::move(kind), id});
  }
  return out;
}

}  // namespace xj
