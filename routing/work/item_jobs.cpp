#include "routing/work/item_jobs.h"

#include "routing/queues/work_policy.h"

namespace xj::routing {
namespace {

class ItemActionJob final : public WriteJob {
 public:
  ItemActionJob(ItemActionRequest req, std::function<void(ActionResult)> done,
                const OutboundBodies& bodies)
      : req_(std::move(req)), done_(std::move(done)), bodies_(bodies) {}

  Status apply(WorkTransaction& tx) override { return applyAction(tx, req_, result_, bodies_); }

  void done(const Status& commit) override {
    done_(commit.isOk() ? std::move(result_) : ActionResult{});
  }

 private:
  ItemActionRequest req_;
  std::function<void(ActionResult)> done_;
  const OutboundBodies& bodies_;
  ActionResult result_;
};

class SweepJob final : public WriteJob {
 public:
  SweepJob(std::string today, std::string escalation_queue, std::string at,
           std::string undated_created_before, ProgressDueCounter progress_due,
           std::function<void(std::optional<SweepResult>)> done)
      : today_(std::move(today)),
        escalation_queue_(std::move(escalation_queue)),
        at_(std::move(at)),
        undated_created_before_(std::move(undated_created_before)),
        progress_due_(std::move(progress_due)),
        done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    return routing::sweep(tx, today_, escalation_queue_, at_, undated_created_before_,
                          progress_due_, result_);
  }

  void done(const Status& commit) override {
    done_(commit.isOk() ? std::optional<SweepResult>(std::move(result_)) : std::nullopt);
  }

 private:
  std::string today_, escalation_queue_, at_, undated_created_before_;
  ProgressDueCounter progress_due_;
  std::function<void(std::optional<SweepResult>)> done_;
  SweepResult result_;
};

class RecountDeadlinesJob final : public WriteJob {
 public:
  RecountDeadlinesJob(DeadlineCounter count, std::string at,
                      std::function<void(std::optional<int>)> done)
      : count_(std::move(count)), at_(std::move(at)), done_(std::move(done)) {}

  Status apply(WorkTransaction& tx) override {
    return recountProvisional(tx, count_, at_, changed_);
  }

  void done(const Status& commit) override {
    if (done_) done_(commit.isOk() ? std::optional<int>(changed_) : std::nullopt);
  }

 private:
  DeadlineCounter count_;
  std::string at_;
  std::function<void(std::optional<int>)> done_;
  int changed_ = 0;
};

}  // namespace

std::unique_ptr<WriteJob> itemActionJob(ItemActionRequest req,
                                        std::function<void(ActionResult)> done,
                                        const OutboundBodies& bodies) {
  return std::make_unique<ItemActionJob>(std::move(req), std::move(done), bodies);
}

std::unique_ptr<WriteJob> sweepJob(std::string today, std::string escalation_queue, std::string at,
                                   std::string undated_created_before,
                                   ProgressDueCounter progress_due,
                                   std::function<void(std::optional<SweepResult>)> done) {
  return std::make_unique<SweepJob>(std::move(today), std::move(escalation_queue), std::move(at),
                                    std::move(undated_created_before), std::move(progress_due),
                                    std::move(done));
}

std::unique_ptr<WriteJob> recountDeadlinesJob(DeadlineCounter count, std::string at,
                                              std::function<void(std::optional<int>)> done) {
  return std::make_unique<RecountDeadlinesJob>(std::move(count), std::move(at), std::move(done));
}

}  // namespace xj::routing
