// MQTT topic layout. Inbound: PREFIX/in/{role}/{org}/{kinds} — charity/{org}/referrals,
// charity/{org}/feedback (reports on its exchanges),
// agency/{dept}/notifications, hotline/{station}/tickets. Receipts without an MQTT 5 response
// topic: PREFIX/out/{org}/receipts. Pure; any thread.
#pragma once

#include <optional>
#include <string>

#include "hub/core/message.h"

namespace xj::mqtt_adapter {

struct InboundTopic {
  std::string role;  // charity, agency, hotline
  std::string org;   // the principal the broker authenticated on this topic (by its ACL)
  MessageKind kind = MessageKind::kTicket;
  // charity/{org}/feedback: a partner's report on one of its exchanges, not a message
  // to store; `kind` is then kReferral (the charity's own kind, for counters).
  bool feedback = false;
};

// nullopt with `why` set when the topic is not an inbound topic of the hub; `org` is filled in
// whenever the topic names one, so the rejection can still reach the sender.
std::optional<InboundTopic> parseInboundTopic(const std::string& prefix, const std::string& topic,
                                              std::string& org, std::string& why);
std::string inboundFilter(const std::string& prefix, const std::string& shared_group);
std::string receiptTopic(const std::string& prefix, const std::string& org);

}  // namespace xj::mqtt_adapter
