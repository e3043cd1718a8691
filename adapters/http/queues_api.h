// Staff work over HTTP: queues, items, the item actions and the per-queue event feed. Scope:
// staff see and act only on the queues of their townships; county staff (no township scope) and
// admin see all. Every change goes through the store's writer, is checked against the one table
// of legal moves, and is stored (with its history row) before the answer.
// I/O thread; the store answers on its threads, long-polls wait on the io_context's timers.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/api_support.h"
#include "routing/route_table.h"

namespace xj::http {

class QueuesApi : public ApiHandlers {
 public:
  explicit QueuesApi(ApiShared& shared) : ApiHandlers(shared) {}

  void list(ApiRequest req, Reply reply);
  void items(ApiRequest req, Reply reply);
  void item(ApiRequest req, Reply reply);
  void events(ApiRequest req, Reply reply);
  // The item actions: POST /v1/queues/{queue}/items/{item}/<action>.
  void claim(ApiRequest req, Reply reply) { act("claim", std::move(req), std::move(reply)); }
  void release(ApiRequest req, Reply reply) { act("release", std::move(req), std::move(reply)); }
  void transfer(ApiRequest req, Reply reply) { act("transfer", std::move(req), std::move(reply)); }
  void note(ApiRequest req, Reply reply) { act("notes", std::move(req), std::move(reply)); }
  void progress(ApiRequest req, Reply reply) { act("progress", std::move(req), std::move(reply)); }
  void resolve(ApiRequest req, Reply reply) { act("resolve", std::move(req), std::move(reply)); }
  void reassign(ApiRequest req, Reply reply) { act("reassign", std::move(req), std::move(reply)); }

 private:
  // A staff caller and the {queue} of the path, in their scope; on refusal it has answered.
  struct QueueCall {
    Principal who;
    std::shared_ptr<const routing::RouteTable> table;  // keeps `queue` alive
    const routing::Queue* queue = nullptr;
    std::shared_ptr<ApiRequest> req;
  };
  std::optional<Principal> staffCaller(const ApiRequest& req, const Reply& reply);
  std::optional<QueueCall> openQueue(ApiRequest req, const Reply& reply);

  // `action` is the URL's last segment ("notes" for a note).
  void act(const std::string& action, ApiRequest req, Reply reply);
  void queueAction(const Principal& who, const routing::Queue& queue, int64_t item,
                   const std::string& action, std::shared_ptr<ApiRequest> req, Reply reply);
  void submitAction(const ItemActionRequest& ar, std::shared_ptr<ApiRequest> req, Reply reply);
  void pollEvents(std::string queue, int64_t after, std::chrono::steady_clock::time_point until,
                  uint64_t seen_version, std::shared_ptr<ApiRequest> req, Reply reply);
};

}  // namespace xj::http
