// Read-side queries for queues and items, run on a reader thread's read-only connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/core/work.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

std::optional<std::vector<QueueCount>> readQueueCounts(Db& db);
std::optional<std::vector<ItemRecord>> readItems(Db& db, const ItemQuery& q);
// ok=false on a storage error; item empty when not found in that queue.
bool readItem(Db& db, const std::string& queue, int64_t item_id, std::optional<ItemRecord>& item,
              std::vector<HistoryEntry>& history);
std::optional<std::vector<QueueEvent>> readEvents(Db& db, const std::string& queue, int64_t after,
                                                  int limit);

}  // namespace xj::storage
