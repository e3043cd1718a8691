#include "hub/core/names.h"

#include <array>
#include <utility>

namespace xj {
namespace {

template <class E, size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

// Each table lists every enumerator once, in enum order (checked at compile time below).
constexpr Table<MessageKind, 3> kMessageKinds = {{{MessageKind::kTicket, "ticket"},
                                                  {MessageKind::kReferral, "referral"},
                                                  {MessageKind::kNotification, "notification"}}};
constexpr Table<ItemKind, 3> kItemKinds = {{{ItemKind::kCase, "case"},
                                            {ItemKind::kFollowUp, "follow_up"},
                                            {ItemKind::kRiskAlert, "risk_alert"}}};
constexpr Table<ItemState, 7> kItemStates = {{{ItemState::kNew, "new"},
                                              {ItemState::kClaimed, "claimed"},
                                              {ItemState::kInProgress, "in_progress"},
                                              {ItemState::kWaitingOnOther, "waiting_on_other"},
                                              {ItemState::kResolved, "resolved"},
                                              {ItemState::kEscalated, "escalated"},
                                              {ItemState::kTransferred, "transferred"}}};
constexpr Table<ItemAction, 8> kItemActions = {{{ItemAction::kClaim, "claim"},
                                                {ItemAction::kRelease, "release"},
                                                {ItemAction::kTransfer, "transfer"},
                                                {ItemAction::kNote, "note"},
                                                {ItemAction::kProgress, "progress"},
                                                {ItemAction::kResolve, "resolve"},
                                                {ItemAction::kEscalate, "escalate"},
                                                {ItemAction::kReassign, "reassign"}}};
constexpr Table<EventType, 15> kEventTypes = {{{EventType::kCreated, "created"},
                                               {EventType::kClaimed, "claimed"},
                                               {EventType::kReleased, "released"},
                                               {EventType::kTransferredIn, "transferred_in"},
                                               {EventType::kTransferredOut, "transferred_out"},
                                               {EventType::kNoted, "noted"},
                                               {EventType::kProgress, "progress"},
                                               {EventType::kResolved, "resolved"},
                                               {EventType::kEscalatedIn, "escalated_in"},
                                               {EventType::kEscalatedOut, "escalated_out"},
                                               {EventType::kLinked, "linked"},
                                               {EventType::kMerged, "merged"},
                                               {EventType::kReassigned, "reassigned"},
                                               {EventType::kDeadlineChanged, "deadline_changed"},
                                               {EventType::kExchange, "exchange"}}};
constexpr Table<MessageStatus, 5> kMessageStatuses = {{{MessageStatus::kAccepted, "accepted"},
                                                       {MessageStatus::kRouted, "routed"},
                                                       {MessageStatus::kLinked, "linked"},
                                                       {MessageStatus::kMerged, "merged"},
                                                       {MessageStatus::kAlerted, "alerted"}}};

template <class E, size_t N>
constexpr bool complete(const Table<E, N>& t) {
  for (size_t i = 0; i < N; ++i)
    if (static_cast<size_t>(t[i].first) != i) return false;
  return true;
}
static_assert(complete(kMessageKinds) && complete(kItemKinds) && complete(kItemStates) &&
              complete(kItemActions) && complete(kEventTypes) && complete(kMessageStatuses));

template <class E, size_t N>
std::string_view nameOf(const Table<E, N>& t, E v) {
  return t[static_cast<size_t>(v)].second;
}
template <class E, size_t N>
std::optional<E> parse(const Table<E, N>& t, std::string_view s) {
  for (const auto& [e, name] : t)
    if (name == s) return e;
  return std::nullopt;
}

}  // namespace

std::string_view toString(MessageKind v) { return nameOf(kMessageKinds, v); }
std::string_view toString(ItemKind v) { return nameOf(kItemKinds, v); }
std::string_view toString(ItemState v) { return nameOf(kItemStates, v); }
std::string_view toString(ItemAction v) { return nameOf(kItemActions, v); }
std::string_view toString(EventType v) { return nameOf(kEventTypes, v); }
std::string_view toString(MessageStatus v) { return nameOf(kMessageStatuses, v); }

std::optional<MessageKind> parseMessageKind(std::string_view s) { return parse(kMessageKinds, s); }
std::optional<ItemKind> parseItemKind(std::string_view s) { return parse(kItemKinds, s); }
std::optional<ItemState> parseItemState(std::string_view s) { return parse(kItemStates, s); }
std::optional<ItemAction> parseItemAction(std::string_view s) { return parse(kItemActions, s); }
std::optional<EventType> parseEventType(std::string_view s) { return parse(kEventTypes, s); }
std::optional<MessageStatus> parseMessageStatus(std::string_view s) {
  return parse(kMessageStatuses, s);
}

}  // namespace xj
