#include "adapters/mqtt/topics.h"

#include <vector>

namespace xj::mqtt_adapter {

std::optional<InboundTopic> parseInboundTopic(const std::string& prefix, const std::string& topic,
                                              std::string& org, std::string& why) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= topic.size()) {
    size_t e = topic.find('/', pos);
    if (e == std::string::npos) e = topic.size();
    parts.push_back(topic.substr(pos, e - pos));
    pos = e + 1;
  }
  std::vector<std::string> want;
  pos = 0;
  while (pos <= prefix.size()) {
    size_t e = prefix.find('/', pos);
    if (e == std::string::npos) e = prefix.size();
    want.push_back(prefix.substr(pos, e - pos));
    pos = e + 1;
  }
  size_t n = want.size();
  if (parts.size() != n + 4) {
    why = "topic must be " + prefix + "/in/{role}/{org}/{kinds}";
    return std::nullopt;
  }
  for (size_t i = 0; i < n; ++i)
    if (parts[i] != want[i]) {
      why = "topic outside " + prefix;
      return std::nullopt;
    }
  org = parts[n + 2];
  if (parts[n] != "in" || org.empty()) {
    why = "topic must be " + prefix + "/in/{role}/{org}/{kinds}";
    return std::nullopt;
  }
  InboundTopic t{parts[n + 1], org, MessageKind::kTicket};
  const std::string& kinds = parts[n + 3];
  if (t.role == "charity" && kinds == "referrals") {
    t.kind = MessageKind::kReferral;
  } else if (t.role == "charity" && kinds == "feedback") {
    t.kind = MessageKind::kReferral;
    t.feedback = true;
  } else if (t.role == "agency" && kinds == "notifications") {
    t.kind = MessageKind::kNotification;
  } else if (t.role == "hotline" && kinds == "tickets") {
    t.kind = MessageKind::kTicket;
  } else {
    why = "charity publishes referrals and feedback, agency notifications, hotline tickets";
    return std::nullopt;
  }
  return t;
}

std::string inboundFilter(const std::string& prefix, const std::string& shared_group) {
  std::string f = prefix + "/in/+/+/+";
  return shared_group.empty() ? f : "$share/" + shared_group + "/" + f;
}

std::string receiptTopic(const std::string& prefix, const std::string& org) {
  return prefix + "/out/" + org + "/receipts";
}

}  // namespace xj::mqtt_adapter
