// One name table per closed vocabulary of the domain (message kinds, item kinds, states,
// actions, queue events, message statuses): the enum is what code compares, the name is what is
// stored and shown. Each enum has exactly one table (names.cpp); toString and parse both read it.
// Pure, std-only; any thread.
#pragma once

#include <optional>
#include <string_view>

namespace xj {

enum class MessageKind { kTicket, kReferral, kNotification };

// What an item is: a case to work, a follow-up call (回访) after a resolved ticket, or a risk
// alert for a home visit after an agency signal about a known person.
enum class ItemKind { kCase, kFollowUp, kRiskAlert };

enum class ItemState {
  kNew,
  kClaimed,
  kInProgress,
  kWaitingOnOther,
  kResolved,
  kEscalated,
  kTransferred
};

// Every move of an item; routing/queues/item.h says which are legal from which state.
// kReassign: an admin hands a claimed item to another staff token (its owner may be gone).
enum class ItemAction {
  kClaim,
  kRelease,
  kTransfer,
  kNote,
  kProgress,
  kResolve,
  kEscalate,
  kReassign
};

// Entries of a queue's event feed.
enum class EventType {
  kCreated,
  kClaimed,
  kReleased,
  kTransferredIn,
  kTransferredOut,
  kNoted,
  kProgress,
  kResolved,
  kEscalatedIn,
  kEscalatedOut,
  kLinked,
  kMerged,
  kReassigned,
  kDeadlineChanged,  // a provisional deadline counted again after a calendar load
  kExchange  // an exchange the item belongs to moved (the partner reported)
};

// A message's status as its receipt shows it: accepted, then what the work policy made of it.
enum class MessageStatus { kAccepted, kRouted, kLinked, kMerged, kAlerted };

std::string_view toString(MessageKind v);
std::string_view toString(ItemKind v);
std::string_view toString(ItemState v);
std::string_view toString(ItemAction v);
std::string_view toString(EventType v);
std::string_view toString(MessageStatus v);

std::optional<MessageKind> parseMessageKind(std::string_view s);
std::optional<ItemKind> parseItemKind(std::string_view s);
std::optional<ItemState> parseItemState(std::string_view s);
std::optional<ItemAction> parseItemAction(std::string_view s);
std::optional<EventType> parseEventType(std::string_view s);
std::optional<MessageStatus> parseMessageStatus(std::string_view s);

}  // namespace xj
