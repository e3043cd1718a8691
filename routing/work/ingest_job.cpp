#include "routing/work/ingest_job.h"

#include "routing/queues/work_policy.h"

namespace xj::routing {
namespace {

class IngestJob final : public WriteJob {
 public:
  IngestJob(IngestRecord record, MessageStore::IngestCallback done, const OutboundBodies& bodies)
      : record_(std::move(record)), done_(std::move(done)), bodies_(bodies) {}

  Status apply(WorkTransaction& tx) override {
    const bool routed = !record_.plan.route_rule.empty();
    auto inserted =
        tx.insertMessage(record_, routed ? MessageStatus::kRouted : MessageStatus::kAccepted);
    if (!inserted.isOk()) return inserted.status();
    const MessageInsert& row = inserted.value();
    if (row.existing) {
      result_.receipt = *row.existing;
      result_.outcome = row.existing_body_hash == record_.body_hash ? IngestOutcome::kDuplicate
                                                                    : IngestOutcome::kConflict;
      return Status::ok();
    }
    if (routed) {
      MessageStatus status = MessageStatus::kRouted;
      if (auto s = applyPlan(tx, row.hub_seq, record_, status, bodies_); !s.isOk()) return s;
    }
    // The receipt says "accepted" whatever the plan made of it: the sender learns the rest by
    // looking the message up.
    result_.outcome = IngestOutcome::kAccepted;
    result_.receipt.hub_id = hubIdOf(row.hub_seq);
    result_.receipt.message_id = record_.message_id;
    result_.receipt.source = record_.source;
    result_.receipt.kind = record_.kind;
    result_.receipt.received_at = record_.received_at;
    result_.receipt.status = toString(MessageStatus::kAccepted);
    return Status::ok();
  }

  void done(const Status& commit) override {
    if (!commit.isOk()) {
      IngestResult failed;
      failed.outcome = IngestOutcome::kUnavailable;
      failed.detail = commit.code() == StatusCode::kUnavailable ? "storage full" : "storage error";
      return done_(std::move(failed));
    }
    done_(std::move(result_));
  }

 private:
  IngestRecord record_;
  MessageStore::IngestCallback done_;
  const OutboundBodies& bodies_;
  IngestResult result_;
};

}  // namespace

std::unique_ptr<WriteJob> ingestJob(IngestRecord record, MessageStore::IngestCallback done,
                                    const OutboundBodies& bodies) {
  return std::make_unique<IngestJob>(std::move(record), std::move(done), bodies);
}

}  // namespace xj::routing
