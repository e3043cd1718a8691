// Categories and the designated information platform (the pilot's plan: the
// identified low-income population is uploaded by category to a designated information platform).
//
// A staff resolution establishes or changes a person's category: `eligible_dibao`,
// `eligible_tekun`, `eligible_dibao_edge`, `eligible_rigid_expense` put the person in that
// category; `not_eligible` takes a person who had one out of it (category `none`). Every other
// outcome says nothing about the category. The pre-screen does not: it is the rules core's
// suggestion before verification, not an identification.
//
// A change is recorded per person (by person key) and, when the platform is enabled, written to
// the outbox in the same transaction as the resolution, addressed to the partner "platform",
// kind `platform.category_change`, lane = the person key (one person's changes never overtake
// each other), idempotency key `platform-item-{item}` (an item is resolved once). The body holds
// the person key (the raw ID number only if the platform's fields allow it), township, village,
// previous and new category, the change (`added`, `changed`, `removed`), the effective date
// (China Standard Time), the item and the reason code. A resolution that leaves the category as
// it was, or an item whose message named no ID number, uploads nothing.
//
// Thread: the store's writer thread, inside its transaction. Stateless.
#pragma once

#include <optional>
#include <string>

#include "hub/core/status.h"
#include "hub/core/work.h"
#include "hub/core/work_transaction.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// The category a resolution outcome establishes: "dibao", "tekun", "dibao_edge",
// "rigid_expense", "none" (not eligible); nullopt when the outcome says nothing about it.
std::optional<std::string> categoryOfOutcome(const std::string& outcome);

// After a resolution (`after`, already written): records the person's new category and
// enqueues the platform upload (its body written by `bodies`) when it changed.
Status onResolvedCategory(WorkTransaction& tx, const ItemActionRequest& req,
                          const ItemRecord& after, const OutboundBodies& bodies);

}  // namespace xj::routing
