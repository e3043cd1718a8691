// AccessRecorder: the hub's AccessLog. Records wait in memory and the store's single writer
// writes them in batches: one write job takes every record waiting when the writer reaches it,
// continues the chain from the last stored record (AccessChain) and appends them in the writer's
// transaction, beside whatever else that batch commits. So a read costs the I/O thread a push
// under a mutex, never a transaction of its own, and ingest is not slowed by one per read.
//
// At most one job waits in the store at a time: records arriving meanwhile join it. A job that
// the store refuses (its room full) leaves the records waiting for the next record() or flush();
// a batch that fails to commit puts its records back in front, for the next record() or flush()
// to submit (not at once: a full disk would spin the writer). At most kMaxWaiting records wait;
// beyond, new ones are dropped and logged (access_records_dropped). A record is stored a moment
// after the answer it describes: a hub killed in that moment loses the records not yet committed
// (at most one batch); the log line access_records_lost counts any dropped at a clean stop.
//
// Retention: prune(cutoff) queues one job that removes the oldest records stamped before the
// cutoff, at most kPruneBatch of them and only a whole prefix (it stops at the first record
// not older), and records the anchor (the last removed record's seq and chain, with its keyed
// hash) in the same transaction, so that `xianjie audit verify` goes on from there. The hub's
// periodic sweep calls it: a large backlog goes in small batches, one a tick, never one long
// transaction in front of ingest.
//
// Threads: record(), flush() and prune() from any thread; the job runs on the store's writer
// thread. The mutex guards only the waiting records and the queued flag and is never held while
// calling the store. It must outlive the store's stop() (the store runs and answers the last jobs
// then).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "hub/core/access_record.h"
#include "hub/core/write_job.h"
#include "hub/security/access_chain.h"

namespace xj::security {

class AccessRecorder final : public AccessLog {
 public:
  static constexpr size_t kMaxWaiting = 100000;
  static constexpr int kPruneBatch = 500;
  // `submit` queues a job on the store's writer (false: not taken).
  using Submit = std::function<bool(std::unique_ptr<WriteJob>)>;
  AccessRecorder(AccessChain chain, Submit submit)
      : chain_(std::move(chain)), submit_(std::move(submit)) {}

  void record(AccessRecord r) override;
  // Queues a job for the records waiting, if none is queued (at stop, before the store stops).
  void flush();
  // Queues a retention job for the records stamped before `cutoff` (RFC 3339 UTC, as `at`);
  // false when the store did not take it (full, stopping): the next tick tries again.
  bool prune(std::string cutoff);
  // Records waiting in memory, not yet taken by a job (tests, the stop's log line).
  size_t waiting() const;

 private:
  class Job;
  class PruneJob;
  void submitIfIdle();
  // Writer thread: every waiting record, in order; the queued flag cleared.
  std::vector<AccessRecord> take();
  // Writer thread: a batch that did not commit goes back in front of the waiting records.
  void putBack(std::vector<AccessRecord> records);

  const AccessChain chain_;
  const Submit submit_;
  mutable std::mutex mu_;
  std::vector<AccessRecord> waiting_;  // guarded by mu_
  bool job_queued_ = false;            // guarded by mu_
  uint64_t dropped_ = 0;               // guarded by mu_
};

}  // namespace xj::security
