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

std::string AccessChain::anchorMac(int64_t seq, std::string_view chain) const {
  // Its own prefix: an anchor's hash can never equal a record's chain value.
  return hmacSha256Hex(key_, "access-anchor;" + std::to_string(seq) + ";" + std::string(chain));
}

bool AccessChain::Walker::startAfter(const AccessAnchor& anchor) {
  if (!constantTimeEqual(chain_.anchorMac(anchor.seq, anchor.chain), anchor.mac)) {
    bad_ = anchor.seq;
    problem_ = "the retention anchor does not fit (moved or edited)";
    return false;
  }
  previous_ = anchor.chain;
  last_seq_ = anchor.seq;
  return true;
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
