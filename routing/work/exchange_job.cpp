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
    return cmd_.kind == ExchangeCommand::Kind::kCreateOutbound
               ? openOutbound(tx, cmd_, result_, bodies_)
               : applyExchangeEvent(tx, cmd_, result_, progress_due_, bodies_);
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
