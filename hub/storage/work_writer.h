// WorkWriter: the writer-thread half of routing and queues. Given the writer's connection, it
// turns an accepted message's WorkPlan into items (or links a repeat call, or merges an agency
// signal into an open risk alert), applies staff actions through the one table of legal moves
// (routing/queues/item.h), and runs the overdue sweep. Every change writes its history row and
// queue events in the caller's transaction. Writer thread only.
#pragma once

#include <cstdint>
#include <string>

#include "hub/core/message.h"
#include "hub/core/status.h"
#include "hub/core/work.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

class WorkWriter {
 public:
  explicit WorkWriter(Db& db) : db_(db) {}

  // Called right after the message row was inserted, in the same transaction. Sets `status`
  // (routed, linked, merged, alerted). `events` counts queue events written.
  Status applyPlan(int64_t hub_seq, const IngestRecord& record, std::string& status, int& events);
  Status applyAction(const ItemActionRequest& req, ActionResult& result, int& events);
  Status sweep(const std::string& today, const std::string& escalation_queue, const std::string& at,
               SweepResult& result, int& events);

 private:
  Result<int64_t> createItem(const std::string& queue, const std::string& item_kind,
                             int64_t hub_seq, const IngestRecord& rec, const std::string& deadline,
                             int64_t parent, const std::string& at);
  Status history(int64_t item, const std::string& at, const std::string& actor,
                 const std::string& action, const std::string& from, const std::string& to,
                 const std::string& detail);
  Status event(const std::string& queue, int64_t item, const std::string& type,
               const std::string& at);
  Status loadItem(int64_t item_id, ItemRecord& out);  // kNotFound when there is none
  Status updateItem(const ItemRecord& r);             // writes every mutable column
  Status fail(const char* what);

  Db& db_;
};

// Reads one item row (the columns of kItemColumns, statements.h) into a record.
ItemRecord readItem(Stmt& st);

}  // namespace xj::storage
