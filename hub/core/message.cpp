#include "hub/core/message.h"

namespace xj {

std::string_view toString(MessageKind kind) {
  switch (kind) {
    case MessageKind::kTicket:
      return "ticket";
    case MessageKind::kReferral:
      return "referral";
    case MessageKind::kNotification:
      return "notification";
  }
  return "ticket";
}

std::optional<MessageKind> parseMessageKind(std::string_view s) {
  if (s == "ticket") return MessageKind::kTicket;
  if (s == "referral") return MessageKind::kReferral;
  if (s == "notification") return MessageKind::kNotification;
  return std::nullopt;
}

}  // namespace xj
