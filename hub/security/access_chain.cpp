#include "hub/security/access_chain.h"

#include "hub/security/crypto.h"

namespace xj::security {

std::string AccessChain::link(std::string_view previous, const AccessRecord& r) const {
  std::string data;
  data.reserve(previous.size() + 256);
  data.append(previous);
  data.append(canonicalForm(r));
  return hmacSha256Hex(key_, data);
}

bool AccessChain::Walker::check(const AccessRecord& r) {
  if (bad_) return false;
  // The seq must follow on: a gap is a removed record even where the chain would be re-made.
  if (r.seq != last_seq_ + 1) {
    bad_ = r.seq;
    problem_ = r.seq <= last_seq_ ? "out of order" : "records before it are missing";
    return false;
  }
  if (!constantTimeEqual(chain_.link(previous_, r), r.chain)) {
    bad_ = r.seq;
    problem_ = "does not fit the chain (edited, inserted, or the record before it was changed)";
    return false;
  }
  previous_ = r.chain;
  last_seq_ = r.seq;
  ++checked_;
  return true;
}

}  // namespace xj::security
