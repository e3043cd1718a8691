// The write job of an inbound message (MessageStore::submit): stores the message row and, when
// the intake routed it, applies its plan (routing/queues/work_policy.h) in the same transaction.
// A resend of the same (source, id) with the same body answers the stored receipt (kDuplicate),
// with another body kConflict; both write nothing.
//
// Thread: built on any thread; run by the store's writer (write_job.h).
#pragma once

#include <memory>

#include "hub/core/message_store.h"
#include "hub/core/write_job.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// `bodies` (which must outlive the job) writes what a charity is told of its referral in.
std::unique_ptr<WriteJob> ingestJob(IngestRecord record, MessageStore::IngestCallback done,
                                    const OutboundBodies& bodies);

}  // namespace xj::routing
