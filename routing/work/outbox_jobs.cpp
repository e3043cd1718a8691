#include "routing/work/outbox_jobs.h"

namespace xj::routing {
namespace {

class OutcomesJob final : public WriteJob {
 public:
  OutcomesJob(std::vector<OutboxOutcome> outcomes, std::function<void(bool)> done)
      : outcomes_(std::move(outcomes)), done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    for (const auto& o : outcomes_)
      if (auto s = tx.recordOutboxOutcome(o); !s.isOk()) return s;
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (done_) done_(commit.isOk());
  }

 private:
  std::vector<OutboxOutcome> outcomes_;
  std::function<void(bool)> done_;
};

class ReplayJob final : public WriteJob {
 public:
  ReplayJob(int64_t id, std::string actor, std::string at,
            std::function<void(ReplayResult, std::optional<OutboxRecord>)> done)
      : id_(id), actor_(std::move(actor)), at_(std::move(at)), done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    auto r = tx.replayOutbound(id_, actor_, at_);
    if (!r.isOk()) return r.status();
    result_ = std::move(r).value();
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (!commit.isOk()) return done_(ReplayResult::kFailed, std::nullopt);
    done_(result_.result, std::move(result_.row));
  }

 private:
  int64_t id_;
  std::string actor_, at_;
  std::function<void(ReplayResult, std::optional<OutboxRecord>)> done_;
  OutboxReplay result_;
};

class RequestedReplaysJob final : public WriteJob {
 public:
  RequestedReplaysJob(std::string at, std::function<void(int)> done)
      : at_(std::move(at)), done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    auto n = tx.applyRequestedReplays(at_);
    if (!n.isOk()) return n.status();
    replayed_ = n.value();
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (done_) done_(commit.isOk() ? replayed_ : 0);
  }

 private:
  std::string at_;
  std::function<void(int)> done_;
  int replayed_ = 0;
};

class OutboundJob final : public WriteJob {
 public:
  OutboundJob(OutboundMessage message, std::function<void(Result<int64_t>)> done)
      : message_(std::move(message)), done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    result_ = tx.enqueueOutbound(message_);
    // A used idempotency key refuses this job alone, not the whole batch: it is the caller's
    // answer, not a storage failure. (The row was not inserted.)
    if (!result_.isOk() && result_.status().code() == StatusCode::kConflict) return Status::ok();
    return result_.status();
  }

  void done(const Status& commit) override {
    if (!commit.isOk()) return done_(Status::unavailable("storage error"));
    done_(std::move(result_));
  }

 private:
  OutboundMessage message_;
  std::function<void(Result<int64_t>)> done_;
  Result<int64_t> result_ = Status::internal("not run");
};

}  // namespace

std::unique_ptr<WriteJob> outboxOutcomesJob(std::vector<OutboxOutcome> outcomes,
                                            std::function<void(bool committed)> done) {
  return std::make_unique<OutcomesJob>(std::move(outcomes), std::move(done));
}

std::unique_ptr<WriteJob> outboxReplayJob(
    int64_t outbox_id, std::string actor, std::string at,
    std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) {
  return std::make_unique<ReplayJob>(outbox_id, std::move(actor), std::move(at), std::move(done));
}

std::unique_ptr<WriteJob> requestedReplaysJob(std::string at, std::function<void(int)> done) {
  return std::make_unique<RequestedReplaysJob>(std::move(at), std::move(done));
}

std::unique_ptr<WriteJob> outboundJob(OutboundMessage message,
                                      std::function<void(Result<int64_t>)> done) {
  return std::make_unique<OutboundJob>(std::move(message), std::move(done));
}

}  // namespace xj::routing
