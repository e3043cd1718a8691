// WriteJob: one change of state, the only shape in which anything is written. The store's writer
// takes the jobs waiting for it as one batch, begins one transaction, calls apply() of each in
// order on the same WorkTransaction, commits, and then calls done() of each (leveldb's writer
// queue in DBImpl::Write is the model). So the writer treats every job alike and a new kind of
// write is a new job, not a branch in storage. Who builds a job decides what it does (the
// policies, routing/work); the store only runs it.
//
// Ownership: the store owns a job from the moment it is queued until done() has returned.
// Thread: apply() and done() run on the store's writer thread, one job at a time; a job holds
// its own result between the two, so it needs no lock.
#pragma once

#include "hub/core/status.h"
#include "hub/core/work_transaction.h"

namespace xj {

class WriteJob {
 public:
  virtual ~WriteJob() = default;

  // Decides and writes through `tx`, keeping what it will answer. An answer that refuses this
  // job alone (not found, an illegal move, a duplicate) is a result, returned with an ok Status;
  // a non-ok Status fails the whole batch: nothing of it is stored and every job of it hears so.
  virtual Status apply(WorkTransaction& tx) = 0;

  // Once, after the batch: `commit` ok when it committed; otherwise why it failed (kUnavailable:
  // the storage is full; anything else: a storage error), and nothing this job wrote is stored.
  // Must only copy and hand over (it runs on the writer thread).
  virtual void done(const Status& commit) = 0;
};

// Which room of the writer's bounded queue a job takes. Inbound messages are bounded by
// store.queue_capacity; staff actions, sweeps, exchange commands and the outbox's bookkeeping
// have their own room beside it, so that a flood of inbound messages cannot lock caseworkers
// out of their queues.
enum class WriteRoom {
  kInbound,       // an inbound message: counted against store.queue_capacity
  kPriority,      // its own room beside the inbound capacity
  kBesideInbound  // refused while the inbound room is full, but not counted in it (an outbox
                  // row with no domain change behind it)
};

}  // namespace xj
