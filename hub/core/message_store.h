// MessageStore: the port through which adapters persist and read messages. The SQLite store in
// hub/storage is one implementation; a PostgreSQL one can follow without touching adapters.
//
// Threads: every method may be called from any thread and never blocks on I/O. Callbacks run on
// a store thread (the writer or a reader); they must only copy and post to their own executor.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/message.h"

namespace xj {

struct StoredMessage {
  Receipt receipt;
  std::string payload;   // normalised JSON as accepted
  std::string township;  // the subject's township code: what staff scope is checked against
  // The person keys (PersonKeyer id keys, hex) of the subjects of the items it became: what the
  // access record names for a read of the message, so that "who looked at this person" finds it.
  std::vector<std::string> person_keys;
};

class MessageStore {
 public:
  using IngestCallback = std::function<void(IngestResult)>;
  using LookupCallback = std::function<void(std::optional<StoredMessage>, bool storage_ok)>;

  virtual ~MessageStore() = default;

  // Queues `record` for the writer. Returns false at once, without queuing, when the bounded
  // queue is full or the store is stopping (the caller answers 503 Retry-After). Otherwise `done`
  // is called exactly once, after the commit that holds the record (or after it failed).
  virtual bool submit(IngestRecord record, IngestCallback done) = 0;

  // Finds a message by hub id, or by (source, sender's id) when source is non-empty.
  virtual bool lookup(std::string id, std::string source, LookupCallback done) = 0;
};

}  // namespace xj
