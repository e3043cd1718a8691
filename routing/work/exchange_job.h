// The write job of an exchange command (WorkStore::submitExchange): a referral out from an item
// to a partner, or a side's report on an exchange, decided by routing/exchange/exchange_policy.h.
// A report named by an event id is applied once: the id and the answer are recorded in the same
// transaction, and a resend gets that answer with nothing changed.
//
// Thread: built on any thread; run by the store's writer (write_job.h).
#pragma once

#include <functional>
#include <memory>

#include "hub/core/exchange.h"
#include "hub/core/write_job.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// `progress_due` counts the partner's next progress report when a report leaves a referral out
// accepted or in progress; `bodies` (which must outlive the job) writes what the partner is sent.
std::unique_ptr<WriteJob> exchangeJob(ExchangeCommand cmd, ProgressDueCounter progress_due,
                                      std::function<void(ExchangeCommandResult)> done,
                                      const OutboundBodies& bodies);

}  // namespace xj::routing
