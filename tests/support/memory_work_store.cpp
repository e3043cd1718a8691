#include "tests/support/memory_work_store.h"

#include "tests/support/work_fixtures.h"

namespace xj::testing {

bool MemoryWorkStore::run(std::unique_ptr<WriteJob> job) {
  ++writes_;
  (void)runJob(job, tx_);  // a failed apply answers through done(), as the writer's does
  return true;
}

bool MemoryWorkStore::submit(IngestRecord record, IngestCallback done) {
  return run(jobs_.ingest(std::move(record), std::move(done)));
}

bool MemoryWorkStore::submitAction(ItemActionRequest req, std::function<void(ActionResult)> done) {
  return run(jobs_.itemAction(std::move(req), std::move(done)));
}

bool MemoryWorkStore::sweep(std::string today, std::string escalation_queue, std::string at,
                            std::string undated_created_before,
                            std::function<void(std::optional<SweepResult>)> done) {
  return run(jobs_.sweep(std::move(today), std::move(escalation_queue), std::move(at),
                         std::move(undated_created_before), std::move(done)));
}

bool MemoryWorkStore::submitExchange(ExchangeCommand cmd,
                                     std::function<void(ExchangeCommandResult)> done) {
  return run(jobs_.exchangeCommand(std::move(cmd), std::move(done)));
}

bool MemoryWorkStore::getItem(
    std::string queue, int64_t item_id,
    std::function<void(bool, std::optional<ItemRecord>, std::vector<HistoryEntry>)> done) {
  auto item = tx_.loadItem(item_id);
  if (!item.isOk()) {
    done(false, std::nullopt, {});
    return true;
  }
  std::optional<ItemRecord> found = item.value();
  if (found && found->queue != queue) found.reset();
  done(true, found, found ? tx_.history(item_id) : std::vector<HistoryEntry>{});
  return true;
}

bool MemoryWorkStore::lookup(std::string id, std::string source, LookupCallback done) {
  if (!source.empty()) return false;  // by hub id only: what the work service asks
  for (int64_t seq = 1; const auto* m = tx_.message(seq); ++seq) {
    if (hubIdOf(seq) != id) continue;
    StoredMessage stored;
    stored.receipt.hub_id = id;
    stored.payload = m->record.payload;
    stored.township = m->record.township;
    done(stored, true);
    return true;
  }
  done(std::nullopt, true);
  return true;
}

}  // namespace xj::testing
