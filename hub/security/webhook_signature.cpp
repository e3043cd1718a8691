#include "hub/security/webhook_signature.h"

#include "hub/security/crypto.h"

namespace xj::security {

std::string signDelivery(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string signed_text = std::to_string(timestamp);
  signed_text += '.';
  signed_text.append(body.data(), body.size());
  return "v1=" + hmacSha256Hex(secret, signed_text);
}

Status verifyDelivery(std::string_view secret, std::string_view timestamp_header,
                      std::string_view signature_header, std::string_view body, int64_t now_s,
                      int64_t window_s) {
  if (timestamp_header.empty() || timestamp_header.size() > 12)
    return Status::invalid("missing or malformed timestamp");
  int64_t ts = 0;
  for (char c : timestamp_header) {
    if (c < '0' || c > '9') return Status::invalid("missing or malformed timestamp");
    ts = ts * 10 + (c - '0');
  }
  if (ts < now_s - window_s) return Status::invalid("timestamp older than the window");
  if (ts > now_s + window_s) return Status::invalid("timestamp ahead of the window");
  const std::string expected = signDelivery(secret, ts, body);
  bool match = false;
  size_t pos = 0;
  while (pos <= signature_header.size()) {
    size_t comma = signature_header.find(',', pos);
    if (comma == std::string_view::npos) comma = signature_header.size();
    std::string_view one = signature_header.substr(pos, comma - pos);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    // Every candidate is compared, so the time does not tell which one matched.
    if (constantTimeEqual(one, expected)) match = true;
    pos = comma + 1;
  }
  if (!match) return Status::invalid("signature does not match");
  return Status::ok();
}

}  // namespace xj::security
