#include "routing/queues/item.h"

#include "hub/core/vocabulary.h"

namespace xj::routing {

bool isOpen(ItemState s) { return s != ItemState::kResolved; }

const std::vector<std::string>& outcomeVocabulary() { return vocabulary::kOutcomes; }

const std::vector<std::string>& reasonCodeVocabulary() {
  static const std::vector<std::string> v = {"income_below_standard",
                                             "income_above_line",
                                             "assets_over_limit",
                                             "has_able_supporter",
                                             "rigid_expense_verified",
                                             "needs_outside_government_aid",
                                             "emergency_need",
                                             "household_verified",
                                             "no_contact_after_attempts",
                                             "same_case_open",
                                             "moved_away",
                                             "deceased",
                                             "declined_by_person",
                                             "other"};
  return v;
}

namespace {
TransitionCheck refuse(const ItemView& item, const std::string& why) {
  TransitionCheck c;
  c.problem = why + " (state " + std::string(toString(item.state)) +
              (item.owner.empty() ? ", unclaimed)" : ", owner " + item.owner + ")");
  return c;
}
TransitionCheck allow(ItemState next) {
  TransitionCheck c;
  c.ok = true;
  c.next = next;
  return c;
}
bool claimable(ItemState s) {
  return s == ItemState::kNew || s == ItemState::kTransferred || s == ItemState::kEscalated;
}
bool worked(ItemState s) {
  return s == ItemState::kClaimed || s == ItemState::kInProgress || s == ItemState::kWaitingOnOther;
}
}  // namespace

TransitionCheck checkTransition(const ItemView& item, ItemAction action, const std::string& actor,
                                std::optional<ItemState> target) {
  const bool mine = !item.owner.empty() && item.owner == actor;
  if (item.state == ItemState::kResolved && action != ItemAction::kNote)
    return refuse(item, "the item is resolved");
  switch (action) {
    case ItemAction::kClaim:
      if (claimable(item.state)) return allow(ItemState::kClaimed);
      return refuse(item,
                    mine ? "you already hold this item" : "the item is claimed by someone else");
    case ItemAction::kRelease:
      if (!worked(item.state)) return refuse(item, "only a claimed item can be released");
      if (!mine) return refuse(item, "only the owner can release the item");
      return allow(ItemState::kNew);
    case ItemAction::kTransfer:
      if (worked(item.state) && !mine) return refuse(item, "the item is held by someone else");
      return allow(ItemState::kTransferred);
    case ItemAction::kNote:
      return allow(item.state);
    case ItemAction::kProgress:
      if (!worked(item.state)) return refuse(item, "claim the item first");
      if (!mine) return refuse(item, "only the owner can change the item's progress");
      if (target != ItemState::kInProgress && target != ItemState::kWaitingOnOther)
        return refuse(item, "progress may only be in_progress or waiting_on_other");
      return allow(*target);
    case ItemAction::kResolve:
      if (!worked(item.state))
        return refuse(item, "only a claimed item can be resolved: claim it first");
      if (!mine) return refuse(item, "only the owner can resolve the item");
      return allow(ItemState::kResolved);
    case ItemAction::kEscalate:
      if (item.state == ItemState::kEscalated) return refuse(item, "already escalated");
      return allow(ItemState::kEscalated);
    case ItemAction::kReassign:
      // Hands the work over as it stands (claimed, in progress or waiting): only the owner
      // changes. Who may do it (admin) is the API's check; this is about the item.
      if (!worked(item.state)) return refuse(item, "only a claimed item can be reassigned");
      return allow(item.state);
  }
  return refuse(item, "unknown action");
}

}  // namespace xj::routing
