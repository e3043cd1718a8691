#include "hub/core/access_record.h"

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

}  // namespace xj
