#include "adapters/delivery/outbox_dispatcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "adapters/delivery/retry_after.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/security/webhook_signature.h"
#include "routing/delivery/outbox_lanes.h"

namespace xj::webhook {
namespace {

using routing::AttemptKind;
using routing::AttemptResult;

constexpr int kPageSize = 1000;  // pending rows read back per reader job at start-up
constexpr std::chrono::seconds kReplayPollInterval{1};

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Metric label values come from config (org names) or from outbox rows; keep them tame.
std::string labelValue(const std::string& s) {
  bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  return ok ? s : "other";
}

// One webhook attempt in flight: owns what curl points at until the transfer is done.
struct Attempt {
  int64_t id = 0;
  std::string partner;
  std::string body;
  curl_slist* headers = nullptr;
  int64_t retry_after_ms = 0;
  std::string error_buffer = std::string(CURL_ERROR_SIZE, '\0');
};

size_t discardBody(char*, size_t size, size_t n, void*) { return size * n; }

size_t readHeader(char* data, size_t size, size_t n, void* user) {
  auto* a = static_cast<Attempt*>(user);
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string head(line.substr(0, kName.size()));
    std::transform(head.begin(), head.end(), head.begin(), ::tolower);
    if (head == kName) {
      // An HTTP date is the receiver's real time, so it is measured against the system clock,
      // not the hub's (which a test may have set elsewhere).
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      a->retry_after_ms = retryAfterMs(
          line.substr(kName.size()), std::chrono::duration_cast<std::chrono::seconds>(now).count());
    }
  }
  return size * n;
}

AttemptResult curlResult(CURLcode code, long status, const Attempt& a) {
  if (code == CURLE_OK) {
    AttemptKind kind = routing::classifyHttpStatus(status);
    return {kind, kind == AttemptKind::kDelivered ? "" : "http " + std::to_string(status),
            a.retry_after_ms};
  }
  std::string detail = code == CURLE_OPERATION_TIMEDOUT ? "timeout"
                       : code == CURLE_COULDNT_CONNECT
                           ? "connect failed"
                           : std::string("curl: ") + curl_easy_strerror(code);
  bool permanent = code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL;
  return {permanent ? AttemptKind::kPermanent : AttemptKind::kRetry, detail, 0};
}

}  // namespace

// What other threads hand to the delivery thread. Shared with store and Paho callbacks, which
// may outlive the dispatcher: they find `multi` null once it has stopped.
struct Inbox {
  std::mutex mu;
  CURLM* multi = nullptr;  // for curl_multi_wakeup; null when stopped
  bool stopping = false;
  std::vector<OutboxRecord> rows;                               // new or replayed, from the writer
  std::vector<std::optional<std::vector<OutboxRecord>>> pages;  // the resume, from a reader
  struct Result {
    int64_t id;
    std::string partner;
    AttemptResult result;
  };
  std::vector<Result> results;            // MQTT attempts, from Paho
  std::vector<OutboxOutcome> unrecorded;  // outcomes whose commit failed: written again
  struct PartnerPage {
    std::string partner;
    int limit = 0;
    std::optional<std::vector<OutboxRecord>> rows;  // nullopt: the read failed
  };
  std::vector<PartnerPage> partner_pages;  // read-backs of partners held in part (a reader)
  std::optional<std::vector<OutboxDepth>> store_depth;  // pending by partner (a reader)

  void wake() {
    if (multi) curl_multi_wakeup(multi);
  }
};

struct OutboxDispatcher::Impl {
  explicit Impl(DispatcherDeps d) : deps(std::move(d)), inbox(std::make_shared<Inbox>()) {}

  DispatcherDeps deps;
  std::shared_ptr<Inbox> inbox;
  std::thread thread;
  CURLM* multi = nullptr;

  // Delivery thread only.
  std::unique_ptr<routing::OutboxLanes> lanes;
  std::map<CURL*, std::unique_ptr<Attempt>> attempts;
  std::vector<CURL*> spare;             // finished easy handles, reused (curl_easy_reset)
  std::vector<OutboxOutcome> outcomes;  // to record at the end of the turn
  std::shared_ptr<const PartnerDirectory> directory;
  std::mt19937_64 random{std::random_device{}()};
  bool loaded = false;
  int64_t resume_after = 0;
  std::map<std::string, Counter*> counters;

  // Bounded memory: at most `max_rows_in_memory_per_partner` pending rows of a partner are held.
  // Once a partner is over it, only a prefix by id of its pending rows stays in memory (every
  // pending row with id <= kept_through); later rows stay in the store and are read back in id
  // order as the held ones drain, so no row is ever overtaken by a later row of its lane.
  struct Held {
    bool partial = false;      // some of its pending rows are only in the store
    int64_t kept_through = 0;  // partial: every pending row with id <= this is held (or done)
    int64_t left_max = 0;      // the highest id left in the store while partial
    bool reading = false;      // a read-back is on a reader
    int64_t retry_at = 0;      // steady ms: a failed read-back is asked again then
  };
  std::map<std::string, Held> held;
  std::map<std::string, OutboxDepth> stored_depth;  // partial partners' depth, from the store
  bool depth_reading = false;

  // Read by /metrics (any thread).
  std::mutex depth_mu;
  std::map<std::string, routing::OutboxLanes::PartnerDepth> depth_by_partner;
  std::map<std::string, size_t> rows_in_memory;
  size_t in_flight = 0;

  void run();
  void requestPage();
  // A pending row from the writer (from_page false) or the resume (true): held, or left in the
  // store when its partner is over the cap.
  void admit(OutboxRecord r, bool from_page);
  int64_t dueOf(const OutboxRecord& r) const;
  void readBack();  // asks a reader for rows of partners held in part whose memory drained
  void takePartnerPage(Inbox::PartnerPage& page);
  void startAttempt(const OutboxRecord& r);
  void finish(int64_t id, const std::string& partner, const AttemptResult& result);
  void collectCurl();
  void flushOutcomes();
  void count(const std::string& partner, const char* outcome, int n = 1);
  void publishDepth();
};

OutboxDispatcher::OutboxDispatcher(DispatcherDeps deps)
    : impl_(std::make_shared<Impl>(std::move(deps))) {}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

Status OutboxDispatcher::start() {
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Impl& d = *impl_;
  d.directory = d.deps.partners();
  d.lanes = std::make_unique<routing::OutboxLanes>(d.directory->delivery);
  d.multi = curl_multi_init();
  if (!d.multi) return Status::internal("curl_multi_init failed");
  const long cap = d.directory->delivery.max_in_flight;
  curl_multi_setopt(d.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, cap);
  curl_multi_setopt(d.multi, CURLMOPT_MAXCONNECTS, cap);
  {
    std::lock_guard lock(d.inbox->mu);
    d.inbox->multi = d.multi;
  }
  d.deps.store.setOutboxListener([inbox = d.inbox](std::vector<OutboxRecord> rows) {
    std::lock_guard lock(inbox->mu);
    if (!inbox->multi) return;  // stopped: the rows are pending and resume at the next start
    for (auto& r : rows) inbox->rows.push_back(std::move(r));
    inbox->wake();
  });
  d.deps.metrics.collector([self = std::weak_ptr<Impl>(impl_)] {
    std::string out =
        "# HELP xianjie_outbox_pending Outbox rows not yet delivered or dead, by partner\n"
        "# TYPE xianjie_outbox_pending gauge\n";
    std::string age =
        "# HELP xianjie_outbox_oldest_pending_seconds Age of the oldest pending row, by partner\n"
        "# TYPE xianjie_outbox_oldest_pending_seconds gauge\n";
    auto impl = self.lock();
    if (!impl) return out + age;
    auto now = impl->deps.clock.now();
    std::lock_guard lock(impl->depth_mu);
    for (const auto& [partner, depth] : impl->depth_by_partner) {
      std::string label = "{partner=\"" + labelValue(partner) + "\"}";
      out += "xianjie_outbox_pending" + label + " " + std::to_string(depth.pending) + "\n";
      double secs = 0;
      if (auto t = parseRfc3339(depth.oldest_created_at))
        secs = std::max(0.0, std::chrono::duration<double>(now - *t).count());
      age += "xianjie_outbox_oldest_pending_seconds" + label + " " + std::to_string(secs) + "\n";
    }
    out +=
        "# HELP xianjie_outbox_in_flight Delivery attempts in flight\n"
        "# TYPE xianjie_outbox_in_flight gauge\nxianjie_outbox_in_flight " +
        std::to_string(impl->in_flight) + "\n";
    out +=
        "# HELP xianjie_outbox_rows_in_memory Pending rows the delivery thread holds, by partner "
        "(at most delivery.max_rows_in_memory_per_partner; the rest wait in the store)\n"
        "# TYPE xianjie_outbox_rows_in_memory gauge\n";
    for (const auto& [partner, n] : impl->rows_in_memory)
      out += "xianjie_outbox_rows_in_memory{partner=\"" + labelValue(partner) + "\"} " +
             std::to_string(n) + "\n";
    return out + age;
  });
  // Every partner's deliveries by outcome show from the start (zeros), not from its first.
  for (const auto& p : d.directory->partners)
    for (const char* outcome : {"delivered", "retry", "dead"}) d.count(p.org, outcome, 0);
  if (d.directory->platform.enabled)
    for (const char* outcome : {"delivered", "retry", "dead"})
      d.count(kPlatformPartner, outcome, 0);
  d.thread = std::thread([d = impl_] { d->run(); });
  return Status::ok();
}

void OutboxDispatcher::stop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.inbox->mu);
    if (d.inbox->stopping) return;
    d.inbox->stopping = true;
    d.inbox->wake();
  }
  if (d.thread.joinable()) d.thread.join();
  {
    std::lock_guard lock(d.inbox->mu);
    d.inbox->multi = nullptr;
  }
  for (auto& [easy, attempt] : d.attempts) {
    curl_multi_remove_handle(d.multi, easy);
    curl_slist_free_all(attempt->headers);
    curl_easy_cleanup(easy);
  }
  d.attempts.clear();
  for (CURL* easy : d.spare) curl_easy_cleanup(easy);
  d.spare.clear();
  if (d.multi) curl_multi_cleanup(d.multi);
  d.multi = nullptr;
}

void OutboxDispatcher::Impl::requestPage() {
  bool queued = deps.store.pendingOutbound(
      resume_after, kPageSize, [inbox = inbox](std::optional<std::vector<OutboxRecord>> page) {
        std::lock_guard lock(inbox->mu);
        inbox->pages.push_back(std::move(page));
        inbox->wake();
      });
  if (!queued) {
    std::lock_guard lock(inbox->mu);
    inbox->pages.push_back(std::nullopt);  // try again next turn
  }
}

int64_t OutboxDispatcher::Impl::dueOf(const OutboxRecord& r) const {
  // A row read back after a restart keeps its backoff: next_attempt_ms is stored (hub clock,
  // Unix ms) with every failed attempt. At most an hour (or backoff_max_ms) ahead, so that a
  // clock set back cannot park a row for ever.
  const int64_t now = steadyMs();
  const int64_t wall =
      std::chrono::duration_cast<std::chrono::milliseconds>(deps.clock.now().time_since_epoch())
          .count();
  if (r.next_attempt_ms <= wall) return now;
  const int64_t cap = std::max<int64_t>(directory->delivery.backoff_max_ms, 3'600'000);
  return now + std::min(r.next_attempt_ms - wall, cap);
}

void OutboxDispatcher::Impl::admit(OutboxRecord r, bool from_page) {
  const std::string partner = r.message.partner;
  // A pages-only partner's rows are not the delivery thread's: they stay pending in the store,
  // neither held, attempted nor counted, until the partner opens the exchange (ExchangesApi).
  if (const DeliveryChannel* c = directory->channelFor(partner); c && c->type == ChannelType::kPoll)
    return;
  Held& h = held[partner];
  if (h.partial && r.id > h.kept_through) {  // the read-back will bring it, in its turn
    h.left_max = std::max(h.left_max, r.id);
    return;
  }
  const size_t cap = static_cast<size_t>(directory->delivery.max_rows_in_memory_per_partner);
  if (!h.partial && !lanes->known(r.id) && lanes->rowsOf(partner) >= cap) {
    // From here on the store holds the rest. Until the resume has read every pending row, the
    // prefix ends where the resume's reading is (rows from the writer may be newer than rows
    // not read yet); after it, at the newest row held.
    const int64_t through = loaded ? lanes->maxIdOf(partner) : from_page ? r.id - 1 : resume_after;
    h.partial = true;
    h.kept_through = through;
    h.left_max = std::max(h.left_max, lanes->forgetAbove(partner, through));
    log::info("outbox_partner_held_in_part", {{"partner", partner},
                                              {"held", std::to_string(lanes->rowsOf(partner))},
                                              {"through_id", std::to_string(through)}});
    if (r.id > through) {
      h.left_max = std::max(h.left_max, r.id);
      return;
    }
  }
  const int64_t due = dueOf(r);
  lanes->add(std::move(r), due);
}

void OutboxDispatcher::Impl::readBack() {
  const size_t cap = static_cast<size_t>(directory->delivery.max_rows_in_memory_per_partner);
  const int64_t now = steadyMs();
  for (auto& [partner, h] : held) {
    if (!h.partial || h.reading || now < h.retry_at) continue;
    const size_t in_memory = lanes->rowsOf(partner);
    if (in_memory > cap / 2) continue;  // refill once half drained, in pages of the room left
    const int limit = static_cast<int>(cap - in_memory);
    h.reading = true;
    bool queued = deps.store.pendingOutboundOf(
        partner, h.kept_through, limit,
        [inbox = inbox, partner = partner, limit](std::optional<std::vector<OutboxRecord>> rows) {
          std::lock_guard lock(inbox->mu);
          inbox->partner_pages.push_back({partner, limit, std::move(rows)});
          inbox->wake();
        });
    if (!queued) {
      h.reading = false;
      h.retry_at = now + 100;
    }
  }
}

void OutboxDispatcher::Impl::takePartnerPage(Inbox::PartnerPage& page) {
  Held& h = held[page.partner];
  h.reading = false;
  if (!page.rows) {  // a reader failed: ask again shortly
    h.retry_at = steadyMs() + 100;
    return;
  }
  for (auto& r : *page.rows) {
    if (r.id <= h.kept_through) continue;
    h.kept_through = r.id;
    const int64_t due = dueOf(r);
    lanes->add(std::move(r), due);
  }
  // Everything left in the store has been read back once the page came short and no row was
  // left there since it was read (a row committed meanwhile was left: read again).
  if (page.rows->size() < static_cast<size_t>(page.limit) && h.left_max <= h.kept_through) {
    h.partial = false;
    h.left_max = 0;
    stored_depth.erase(page.partner);
    log::info("outbox_partner_held_whole", {{"partner", page.partner}});
  }
}

void OutboxDispatcher::Impl::count(const std::string& partner, const char* outcome, int n) {
  std::string labels = "partner=\"" + labelValue(partner) + "\",outcome=\"" + outcome + "\"";
  auto it = counters.find(labels);
  if (it == counters.end())
    it = counters
             .emplace(labels, &deps.metrics.counter("xianjie_outbox_deliveries_total",
                                                    "Delivery attempts by partner and outcome "
                                                    "(delivered, retry, dead)",
                                                    labels))
             .first;
  if (n > 0) it->second->inc(static_cast<uint64_t>(n));
}

void OutboxDispatcher::Impl::finish(int64_t id, const std::string& partner,
                                    const AttemptResult& result) {
  auto now = deps.clock.now();
  int64_t wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  OutboxOutcome o = lanes->complete(id, result, steadyMs(), wall_ms, formatRfc3339(now), random());
  const char* outcome = o.state == OutboxState::kDelivered ? "delivered"
                        : o.state == OutboxState::kDead    ? "dead"
                                                           : "retry";
  count(partner, outcome);
  if (o.state == OutboxState::kDead)
    log::warn("outbox_dead", {{"outbox_id", std::to_string(id)},
                              {"partner", partner},
                              {"attempts", std::to_string(o.attempts)},
                              {"error", o.error}});
  outcomes.push_back(std::move(o));
}

void OutboxDispatcher::Impl::startAttempt(const OutboxRecord& r) {
  const std::string& partner = r.message.partner;
  const DeliveryChannel* channel = directory->channelFor(partner);
  if (!channel) return finish(r.id, partner, {AttemptKind::kPermanent, "unknown partner", 0});
  const int64_t ts =
      std::chrono::duration_cast<std::chrono::seconds>(deps.clock.now().time_since_epoch()).count();
  switch (channel->type) {
    case ChannelType::kPoll: {
      // Held from before a reload made the partner pages-only: let the lane go on without
      // writing anything, so that the row stays pending for the partner to open (the store
      // writes only a pending row's outcome, and none is written here).
      (void)lanes->complete(r.id, {AttemptKind::kDelivered, "", 0}, steadyMs(), 0, "", 0);
      return;
    }
    case ChannelType::kMqtt: {
      if (!deps.mqtt_publish)
        return finish(r.id, partner, {AttemptKind::kRetry, "mqtt is disabled", 0});
      UserProperties props = {{"idempotency-key", r.message.idempotency_key},
                              {"x-xianjie-timestamp", std::to_string(ts)},
                              {"x-xianjie-kind", r.message.kind}};
      if (!channel->secret.empty())
        props.emplace_back("x-xianjie-signature",
                           security::signDelivery(channel->secret, ts, r.message.body_json));
      deps.mqtt_publish(channel->topic, r.message.body_json, props,
                        [inbox = inbox, id = r.id, partner](bool ok) {
                          std::lock_guard lock(inbox->mu);
                          inbox->results.push_back(
                              {id, partner,
                               ok ? AttemptResult{AttemptKind::kDelivered, "", 0}
                                  : AttemptResult{AttemptKind::kRetry, "mqtt publish failed", 0}});
                          inbox->wake();
                        });
      return;
    }
    case ChannelType::kWebhook:
      break;
  }
  auto attempt = std::make_unique<Attempt>();
  attempt->id = r.id;
  attempt->partner = partner;
  attempt->body = r.message.body_json;
  auto add = [&](const std::string& h) {
    attempt->headers = curl_slist_append(attempt->headers, h.c_str());
  };
  add("Content-Type: application/json");
  add("Idempotency-Key: " + r.message.idempotency_key);
  add("X-Xianjie-Timestamp: " + std::to_string(ts));
  add("X-Xianjie-Signature: " + security::signDelivery(channel->secret, ts, attempt->body));
  add("X-Xianjie-Kind: " + r.message.kind);
  add("X-Xianjie-Attempt: " + std::to_string(r.attempts + 1));
  add("Expect:");  // no 100-continue round trip
  CURL* easy = nullptr;
  if (!spare.empty()) {
    easy = spare.back();
    spare.pop_back();
    curl_easy_reset(easy);
  } else {
    easy = curl_easy_init();
  }
  if (!easy) {
    curl_slist_free_all(attempt->headers);
    return finish(r.id, partner, {AttemptKind::kRetry, "curl_easy_init failed", 0});
  }
  const auto& policy = directory->delivery;
  curl_easy_setopt(easy, CURLOPT_URL, channel->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  // libcurl's defaults, stated so that no later change turns them off: the partner's certificate
  // and its host name are verified, against the partner's own CA file when it has one.
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!channel->ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, channel->ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, attempt->body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(attempt->body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, attempt->headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "xianjie-outbox/1");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(policy.timeout_ms));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(policy.timeout_ms, 5000)));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discardBody);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, readHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, attempt.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, attempt->error_buffer.data());
  if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
    curl_slist_free_all(attempt->headers);
    curl_easy_cleanup(easy);
    return finish(r.id, partner, {AttemptKind::kRetry, "curl_multi_add_handle failed", 0});
  }
  attempts.emplace(easy, std::move(attempt));
}

void OutboxDispatcher::Impl::collectCurl() {
  int running = 0;
  curl_multi_perform(multi, &running);
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(multi, easy);
    auto it = attempts.find(easy);
    if (it == attempts.end()) {
      curl_easy_cleanup(easy);
      continue;
    }
    std::unique_ptr<Attempt> a = std::move(it->second);
    attempts.erase(it);
    curl_slist_free_all(a->headers);
    spare.push_back(easy);
    finish(a->id, a->partner, curlResult(code, status, *a));
  }
}

void OutboxDispatcher::Impl::flushOutcomes() {
  if (outcomes.empty()) return;
  auto batch = std::make_shared<std::vector<OutboxOutcome>>(std::move(outcomes));
  outcomes.clear();
  // The callback keeps a copy: a batch that fails to commit is written again next turn (the
  // rows stay pending in the database meanwhile, so nothing is lost even if the hub stops).
  bool queued = deps.store.recordOutcomes(*batch, [inbox = inbox, batch](bool committed) {
    if (committed) return;
    std::lock_guard lock(inbox->mu);
    for (auto& o : *batch) inbox->unrecorded.push_back(o);
    inbox->wake();
  });
  if (!queued) {
    std::lock_guard lock(inbox->mu);
    for (auto& o : *batch) inbox->unrecorded.push_back(o);
  }
}

void OutboxDispatcher::Impl::publishDepth() {
  auto snapshot = lanes->depth();
  std::lock_guard lock(depth_mu);
  for (auto& entry : depth_by_partner) entry.second = {};  // a drained partner shows 0
  for (const auto& p : directory->partners) depth_by_partner.try_emplace(p.org);
  if (directory->platform.enabled) depth_by_partner.try_emplace(kPlatformPartner);
  for (auto& [partner, d] : snapshot) depth_by_partner[partner] = d;
  rows_in_memory.clear();
  for (auto& [partner, d] : depth_by_partner) {
    rows_in_memory[partner] = lanes->rowsOf(partner);
    // Held in part: the store's count (refreshed every 2 s) is the true depth.
    auto h = held.find(partner);
    auto s = stored_depth.find(partner);
    if (h != held.end() && h->second.partial && s != stored_depth.end())
      d = {std::max(d.pending, s->second.pending), s->second.oldest_created_at};
  }
  in_flight = lanes->inFlight();
}

void OutboxDispatcher::Impl::run() {
  requestPage();
  auto next_replay_poll = std::chrono::steady_clock::now();
  auto next_depth = std::chrono::steady_clock::now();
  auto next_store_depth = std::chrono::steady_clock::now();
  int64_t last_unrecorded_retry = 0;
  for (;;) {
    std::vector<OutboxRecord> rows;
    std::vector<std::optional<std::vector<OutboxRecord>>> pages;
    std::vector<Inbox::Result> results;
    std::vector<OutboxOutcome> unrecorded;
    std::vector<Inbox::PartnerPage> partner_pages;
    std::optional<std::vector<OutboxDepth>> store_depth;
    bool stopping;
    {
      std::lock_guard lock(inbox->mu);
      rows.swap(inbox->rows);
      pages.swap(inbox->pages);
      results.swap(inbox->results);
      partner_pages.swap(inbox->partner_pages);
      store_depth.swap(inbox->store_depth);
      stopping = inbox->stopping;
      // Failed outcome writes are retried at most once a second, not in a tight loop.
      if (!inbox->unrecorded.empty() && steadyMs() - last_unrecorded_retry >= 1000) {
        unrecorded.swap(inbox->unrecorded);
        last_unrecorded_retry = steadyMs();
      }
    }
    if (stopping) break;
    directory = deps.partners();
    for (auto& r : rows) admit(std::move(r), false);
    for (auto& page : partner_pages) takePartnerPage(page);
    if (store_depth) {
      depth_reading = false;
      stored_depth.clear();
      for (auto& d : *store_depth) stored_depth[d.partner] = std::move(d);
    }
    for (auto& page : pages) {
      if (!page) {  // a reader failed or was busy: ask again shortly
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        requestPage();
        continue;
      }
      for (auto& r : *page) {
        const int64_t id = r.id;
        admit(std::move(r), true);
        resume_after = std::max(resume_after, id);
      }
      if (page->size() < static_cast<size_t>(kPageSize)) {
        if (!loaded) log::info("outbox_resumed", {{"pending", std::to_string(lanes->pending())}});
        loaded = true;
      } else {
        requestPage();
      }
    }
    for (auto& r : results) finish(r.id, r.partner, r.result);
    for (auto& o : unrecorded) outcomes.push_back(std::move(o));
    collectCurl();
    if (loaded) readBack();
    if (loaded) {
      size_t room = static_cast<size_t>(directory->delivery.max_in_flight);
      for (const auto& r : lanes->takeReady(steadyMs(), room)) startAttempt(r);
      collectCurl();
    }
    flushOutcomes();
    auto wall = std::chrono::steady_clock::now();
    if (wall >= next_depth) {
      publishDepth();
      next_depth = wall + std::chrono::milliseconds(500);
      // A partner held in part: its depth comes from the store (memory has only some rows).
      const bool any_partial =
          std::any_of(held.begin(), held.end(), [](const auto& e) { return e.second.partial; });
      if (any_partial && !depth_reading && wall >= next_store_depth) {
        depth_reading =
            deps.store.pendingDepth([inbox = inbox](std::optional<std::vector<OutboxDepth>> d) {
              std::lock_guard lock(inbox->mu);
              inbox->store_depth = d ? std::move(d) : std::vector<OutboxDepth>{};
              inbox->wake();
            });
        next_store_depth = wall + std::chrono::seconds(2);
      }
    }
    if (wall >= next_replay_poll) {
      deps.store.applyReplayRequests(formatRfc3339(deps.clock.now()), nullptr);
      next_replay_poll = wall + kReplayPollInterval;
    }
    int timeout = 1000;
    // At the total cap a due lane cannot start: wait for a transfer to end, not spin.
    const bool full = lanes->inFlight() >= static_cast<size_t>(directory->delivery.max_in_flight);
    if (auto due = lanes->nextDueMs(); due && loaded && !full)
      timeout = static_cast<int>(std::clamp<int64_t>(*due - steadyMs(), 0, 1000));
    curl_multi_poll(multi, nullptr, 0, timeout, nullptr);
  }
  flushOutcomes();
}

}  // namespace xj::webhook
