#include "hub/security/access_recorder.h"

#include "hub/core/log.h"

namespace xj::security {

class AccessRecorder::Job final : public WriteJob {
 public:
  explicit Job(AccessRecorder& owner) : owner_(owner) {}

  // The records are taken when the writer reaches the job, not when it was queued: everything
  // recorded while it waited goes into this one batch.
  Status apply(WorkTransaction& tx) override {
    records_ = owner_.take();
    if (records_.empty()) return Status::ok();
    auto tail = tx.accessTail();
    if (!tail.isOk()) return tail.status();
    int64_t seq = tail.value().seq;
    std::string previous = tail.value().chain;
    for (auto& r : records_) {
      r.seq = ++seq;
      r.chain = owner_.chain_.link(previous, r);
      previous = r.chain;
      if (auto s = tx.appendAccess(r); !s.isOk()) return s;
    }
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (!commit.isOk() && !records_.empty()) owner_.putBack(std::move(records_));
  }

 private:
  AccessRecorder& owner_;
  std::vector<AccessRecord> records_;
};

class AccessRecorder::PruneJob final : public WriteJob {
 public:
  PruneJob(const AccessChain& chain, std::string cutoff)
      : chain_(chain), cutoff_(std::move(cutoff)) {}

  Status apply(WorkTransaction& tx) override {
    auto oldest = tx.oldestAccess(kPruneBatch);
    if (!oldest.isOk()) return oldest.status();
    std::vector<AccessRecord> records = std::move(oldest).value();
    // Only a whole prefix: from the first record that is not old enough on, everything stays,
    // whatever its stamp (a clock set back must not punch holes in the chain).
    size_t n = 0;
    while (n < records.size() && records[n].at < cutoff_) ++n;
    records.resize(n);
    if (records.empty()) return Status::ok();
    const AccessRecord& last = records.back();
    AccessAnchor anchor{last.seq, last.chain, chain_.anchorMac(last.seq, last.chain)};
    if (auto s = tx.pruneAccess(records, anchor); !s.isOk()) return s;
    removed_ = static_cast<int64_t>(records.size());
    anchor_seq_ = anchor.seq;
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (commit.isOk() && removed_ > 0)
      log::info("access_records_pruned",
                {{"count", std::to_string(removed_)}, {"anchor_seq", std::to_string(anchor_seq_)}});
  }

 private:
  const AccessChain& chain_;
  const std::string cutoff_;
  int64_t removed_ = 0;
  int64_t anchor_seq_ = 0;
};

bool AccessRecorder::prune(std::string cutoff) {
  return submit_(std::make_unique<PruneJob>(chain_, std::move(cutoff)));
}

void AccessRecorder::record(AccessRecord r) {
  uint64_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    if (waiting_.size() < kMaxWaiting)
      waiting_.push_back(std::move(r));
    else
      dropped = ++dropped_;
  }
  // A storage that stays full must not grow the hub's memory without end: beyond the bound the
  // newest records are dropped, and said so (the first, then every thousandth).
  if (dropped % 1000 == 1)
    log::error("access_records_dropped", {{"count", std::to_string(dropped)}});
  submitIfIdle();
}

void AccessRecorder::flush() { submitIfIdle(); }

size_t AccessRecorder::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void AccessRecorder::submitIfIdle() {
  {
    std::lock_guard lock(mu_);
    if (job_queued_ || waiting_.empty()) return;
    job_queued_ = true;
  }
  // Outside the lock: the store takes its own.
  if (submit_(std::make_unique<Job>(*this))) return;
  std::lock_guard lock(mu_);
  job_queued_ = false;  // not taken: the records wait for the next record() or flush()
}

std::vector<AccessRecord> AccessRecorder::take() {
  std::lock_guard lock(mu_);
  job_queued_ = false;
  std::vector<AccessRecord> out;
  out.swap(waiting_);
  return out;
}

void AccessRecorder::putBack(std::vector<AccessRecord> records) {
  {
    std::lock_guard lock(mu_);
    records.insert(records.end(), std::make_move_iterator(waiting_.begin()),
                   std::make_move_iterator(waiting_.end()));
    waiting_.swap(records);
  }
  // Not submitted again from here: while the storage fails (a full disk) that would spin the
  // writer. The next record() or flush() submits them, as the next ingest retries a message.
  log::warn("access_records_requeued", {{"count", std::to_string(waiting())}});
}

}  // namespace xj::security
