#include "routing/work/exchange_job.h"

#include "routing/exchange/exchange_policy.h"

namespace xj::routing {
namespace {

class ExchangeJob final : public WriteJob {
 public:
  ExchangeJob(ExchangeCommand cmd, ProgressDueCounter progress_due,
              std::function<void(ExchangeCommandResult)> done, const OutboundBodies& bodies)
      : cmd_(std::move(cmd)),
        progress_due_(std::move(progress_due)),
        done_(std::move(done)),
        bodies_(bodies) {}

  Status apply(WorkTransaction& tx) override {
    if (cmd_.kind == ExchangeCommand::Kind::kCreateOutbound)
      return openOutbound(tx, cmd_, result_, bodies_);
    if (cmd_.event_id.empty()) return applyExchangeEvent(tx, cmd_, result_, progress_due_, bodies_);
    return applyOnce(tx);
  }

  // An event named by its sender is applied once: a resend gets the recorded answer, even after
  // later events (an old `hold` resent after a `resume` must not hold again), and the same id
  // for another event is refused. The record is written in the event's own transaction, so the
  // two commit or roll back together.
  Status applyOnce(WorkTransaction& tx) {
    auto seen = tx.findExchangeEvent(cmd_.event_scope, cmd_.event_id);
    if (!seen.isOk()) return seen.status();
    if (const auto& rec = seen.value()) {
      if (rec->event_hash != cmd_.event_hash || rec->exchange_id != cmd_.exchange_id) {
        result_.outcome = ExchangeCommandOutcome::kEventIdReused;
        result_.path = "/id";
        result_.problem = "this event id was used for another event";
        return Status::ok();
      }
      return replay(tx, *rec);
    }
    if (auto s = applyExchangeEvent(tx, cmd_, result_, progress_due_, bodies_); !s.isOk()) return s;
    ExchangeEventRecord rec{cmd_.event_scope, cmd_.event_id, cmd_.event_hash,
                            cmd_.exchange_id, cmd_.at,       result_};
    return tx.recordExchangeEvent(rec);
  }

  // The recorded answer: the exchange as it is, with the fields events change as they were.
  Status replay(WorkTransaction& tx, const ExchangeEventRecord& rec) {
    result_ = rec.result;
    result_.replayed = true;
    const bool has_exchange = rec.result.outcome == ExchangeCommandOutcome::kOk ||
                              rec.result.outcome == ExchangeCommandOutcome::kConflict;
    if (!has_exchange) return Status::ok();
    auto loaded = tx.loadExchange(rec.exchange_id);
    if (!loaded.isOk()) return loaded.status();
    if (!loaded.value()) return Status::ok();  // exchanges are never deleted
    const ExchangeRecord& was = rec.result.exchange;
    ExchangeRecord& ex = result_.exchange;
    ex = *loaded.value();
    ex.state = was.state;
    ex.reason = was.reason;
    ex.outcome = was.outcome;
    ex.updated_at = was.updated_at;
    ex.timeline_seq = was.timeline_seq;
    ex.due = was.due;
    ex.overdue = was.overdue;
    ex.progress_due = was.progress_due;
    ex.progress_overdue = was.progress_overdue;
    return Status::ok();
  }

  void done(const Status& commit) override {
    done_(commit.isOk() ? std::move(result_) : ExchangeCommandResult{});
  }

 private:
  ExchangeCommand cmd_;
  ProgressDueCounter progress_due_;
  std::function<void(ExchangeCommandResult)> done_;
  const OutboundBodies& bodies_;
  ExchangeCommandResult result_;
};

}  // namespace

std::unique_ptr<WriteJob> exchangeJob(ExchangeCommand cmd, ProgressDueCounter progress_due,
                                      std::function<void(ExchangeCommandResult)> done,
                                      const OutboundBodies& bodies) {
  return std::make_unique<ExchangeJob>(std::move(cmd), std::move(progress_due), std::move(done),
                                       bodies);
}

}  // namespace xj::routing
