// Queue items and their legal moves: one table of transitions, checked before anything is
// stored, for staff actions and for the hub's own moves (escalation) alike. The states and
// actions, with their names, are in hub/core/names.h. Pure and std-only; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/names.h"

namespace xj::routing {

using ::xj::ItemAction;
using ::xj::ItemState;
bool isOpen(ItemState s);  // anything but resolved

// The outcome vocabulary shared by every resolution (and by reports).
const std::vector<std::string>& outcomeVocabulary();
// Why: a short code from one list, so that figures can be counted.
const std::vector<std::string>& reasonCodeVocabulary();

struct ItemView {
  ItemState state = ItemState::kNew;
  std::string owner;  // empty when unclaimed
};

struct TransitionCheck {
  bool ok = false;
  ItemState next = ItemState::kNew;
  std::string problem;  // for a refusal: names the current state and owner (an org/token id)
};

// Can `actor` do `action` (with `target_state` for kProgress) on an item in `item` state?
TransitionCheck checkTransition(const ItemView& item, ItemAction action, const std::string& actor,
                                std::optional<ItemState> target_state = std::nullopt);

}  // namespace xj::routing
