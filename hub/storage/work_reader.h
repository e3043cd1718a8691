// Read-side queries for queues and items, run on a reader thread's read-only connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/core/exchange.h"
#include "hub/core/work.h"
#include "hub/core/work_store.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

std::optional<std::vector<QueueCount>> readQueueCounts(Db& db);
std::optional<std::vector<ItemRecord>> readItems(Db& db, const ItemQuery& q);
// ok=false on a storage error; item empty when not found in that queue.
bool readItem(Db& db, const std::string& queue, int64_t item_id, std::optional<ItemRecord>& item,
              std::vector<HistoryEntry>& history);
std::optional<std::vector<QueueEvent>> readEvents(Db& db, const std::string& queue, int64_t after,
                                                  int limit);

// Exchanges: a partner's, some townships' (merged in id order), or all; after an id cursor.
std::optional<std::vector<ExchangeRecord>> readExchanges(Db& db, const ExchangeQuery& q);
// ok=false on a storage error; exchange empty when there is none with that id.
bool readExchange(Db& db, int64_t exchange_id, std::optional<ExchangeRecord>& exchange,
                  std::vector<ExchangeTimelineEntry>& timeline,
                  std::vector<ExchangeDelivery>& deliveries);

// Exchanges created in [from, to) (RFC 3339), for the exchange report.
std::optional<std::vector<ExchangeReportRow>> readExchangeReport(Db& db, const std::string& from,
                                                                 const std::string& to);

// The console's reads: see WorkStore. nullopt (or false) on a storage error.
std::optional<std::vector<ItemRecord>> readOpenItems(Db& db, const OpenItemQuery& q, int limit);
std::optional<std::vector<OwnMessage>> readOwnMessages(Db& db, const MessageQuery& q);
std::optional<std::vector<TownshipReportRow>> readTownshipReport(Db& db, const std::string& from,
                                                                 const std::string& to);
bool readItemDetail(Db& db, const std::string& queue, int64_t item_id,
                    std::optional<ItemDetail>& detail);

}  // namespace xj::storage
