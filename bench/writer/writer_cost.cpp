// writer_cost: what the store's writer costs per message of the seeded workload, measured in
// quantities that do not depend on the machine's load: statements run, bytes written to the WAL
// and to the database file, syncs, and (under callgrind) instructions.
//
//   writer_cost WORKLOAD.tsv N BATCH DB [--preload M]
//
// Also writes DB.walpages: the page number of every WAL frame the measured part wrote, one a
// line; bench/writer/pages.py maps them to tables and indexes (pages per message per B-tree).
//
// WORKLOAD.tsv is bench/workload/workload.py's output (KIND TAB ROLE TAB JSON with "@ID@").
// The first N lines become messages (id w-000000001, ...), prepared by the real inbound path
// (envelope, pre-screen, routing, person keys under a fixed key) with the hub's clock fixed at
// 2026-11-30T10:00:00+08:00, all before the store opens. Then they go through a real SqliteStore
// (DB, which must not exist; synchronous=FULL) in group commits of exactly BATCH messages: the
// writer is paused while a batch is queued and released for it, so that every run commits the
// same batches. With --preload M, M further workload lines (after the first N) are stored first
// in the same way, outside the measured part, so that the measured messages meet a store that
// already holds people (repeat calls, alerts, index depth).
//
// Prints one RESULT line of per-message figures. For instructions, run it under
//   valgrind --tool=callgrind --toggle-collect='*SqliteStore::Writer::commit*' writer_cost ...
// (only the writer's transactions are counted: the preparation and the waiting are not).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/envelope/outbound_codec.h"
#include "adapters/reception/reception.h"
#include "config/routes_config.h"
#include "config/standards.h"
#include "hub/core/clock.h"
#include "hub/core/metrics.h"
#include "hub/core/time_format.h"
#include "hub/security/crypto.h"
#include "hub/security/field_cipher.h"
#include "hub/security/person_keys.h"
#include "hub/storage/fault_vfs.h"
#include "hub/storage/sqlite_store.h"
#include "routing/work/policy_jobs.h"

namespace {

using namespace xj;

struct Line {
  MessageKind kind;
  std::string body;
};

std::vector<Line> readWorkload(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::vector<Line> out;
  std::string line;
  while (out.size() < n && std::getline(in, line)) {
    auto a = line.find('\t');
    auto b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string kind = line.substr(0, a);
    Line l;
    l.kind = kind == "ticket"         ? MessageKind::kTicket
             : kind == "notification" ? MessageKind::kNotification
                                      : MessageKind::kReferral;
    l.body = line.substr(b + 1);
    out.push_back(std::move(l));
  }
  return out;
}

// Statements run by the writer so far, from /metrics (xianjie_store_statements_total).
std::map<std::string, int64_t> statementRuns(const MetricsRegistry& metrics) {
  std::map<std::string, int64_t> out;
  std::istringstream text(metrics.render());
  std::string line;
  static const std::regex re(R"re(xianjie_store_statements_total\{statement="([^"]+)"\} (\d+))re");
  std::smatch m;
  while (std::getline(text, line))
    if (std::regex_match(line, m, re)) out[m[1]] = std::stoll(m[2]);
  return out;
}

// Stores `records` through the writer in batches of exactly `batch`; returns outcome counts.
std::map<std::string, int> store(storage::SqliteStore& db, std::vector<IngestRecord>& records,
                                 size_t begin, size_t end, int batch) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> outcomes;
  for (size_t i = begin; i < end;) {
    size_t n = std::min(end - i, static_cast<size_t>(batch));
    size_t answered = 0;
    db.setPaused(true);
    for (size_t k = 0; k < n; ++k, ++i) {
      bool queued = db.submit(std::move(records[i]), [&](IngestResult r) {
        std::lock_guard lock(mu);
        outcomes[r.outcome == IngestOutcome::kAccepted ? "accepted" : "other"]++;
        ++answered;
        cv.notify_all();
      });
      if (!queued) {
        std::fprintf(stderr, "queue full at message %zu\n", i);
        std::exit(1);
      }
    }
    db.setPaused(false);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return answered == n; });
  }
  return outcomes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: writer_cost WORKLOAD.tsv N BATCH DB [--preload M]\n");
    return 2;
  }
  const std::string workload = argv[1];
  const size_t n = std::stoul(argv[2]);
  const int batch = std::stoi(argv[3]);
  const std::string db_path = argv[4];
  size_t preload = 0;
  if (argc >= 7 && std::string(argv[5]) == "--preload") preload = std::stoul(argv[6]);
  if (access(db_path.c_str(), F_OK) == 0) {
    std::fprintf(stderr, "%s exists: give a new path\n", db_path.c_str());
    return 2;
  }

  Problems problems;
  auto standards = household::loadStandards("config/standards", problems);
  if (!standards.isOk()) {
    std::fprintf(stderr, "standards: %s\n", standards.status().message().c_str());
    return 1;
  }
  auto routes = loadRoutes("config/routes.jsonc", standards.value()->townships, problems);
  if (!routes.isOk()) {
    std::fprintf(stderr, "routes: %s\n", routes.status().message().c_str());
    return 1;
  }
  routing::RouteTableHolder route_table(routes.value());
  // A fixed key, so that every run makes the same person keys (and the same B-tree pages).
  const std::string key_path = db_path + ".key";
  {
    std::ofstream key(key_path, std::ios::binary);
    key << std::string(32, 'k');
  }
  chmod(key_path.c_str(), 0600);
  auto keys = security::HmacPersonKeyer::load(key_path);
  if (!keys.isOk()) {
    std::fprintf(stderr, "key: %s\n", keys.status().message().c_str());
    return 1;
  }
  SettableClock clock;
  clock.set(*parseRfc3339("2026-11-30T10:00:00+08:00"));
  reception::Reception reception(standards.value(), standards.value()->townships, route_table,
                                 clock, envelope::Limits{64, std::nullopt}, keys.value());

  auto lines = readWorkload(workload, preload + n);
  if (lines.size() < preload + n) {
    std::fprintf(stderr, "the workload has %zu lines, %zu needed\n", lines.size(), preload + n);
    return 1;
  }
  // The measured messages are the first N lines (the same in every run, whatever the preload);
  // the preload takes the lines after them.
  std::vector<IngestRecord> records(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t line = i < preload ? n + i : i - preload;
    std::string body = lines[line].body;
    char id[32];
    std::snprintf(id, sizeof id, "w-%09zu", line + 1);
    body.replace(body.find("@ID@"), 4, id);
    Problems p;
    if (reception.prepare(body, lines[line].kind, records[i], p) != envelope::ParseOutcome::kOk) {
      std::fprintf(stderr, "workload line %zu does not parse (%zu problems)\n", line + 1, p.size());
      return 1;
    }
  }

  StoreConfig config;
  config.path = db_path;
  config.key_file = key_path;
  config.max_batch = batch;
  config.queue_capacity = batch * 2 + 16;
  config.readers = 1;
  config.fault_injection = true;  // the VFS that counts bytes and syncs
  MetricsRegistry metrics;
  // The hub's jobs (no partners here: no progress deadlines).
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  // The data keys' key-encryption key: one in memory (the bench measures the store, sealing
  // included; no key file is needed for that).
  static const auto kek = security::KeyEncryptionKey::fromSecret(security::randomHex(32));
  auto opened = storage::SqliteStore::open(config, metrics, keys.value().fingerprint(), kek,
                                           "2026-01-05T09:00:00Z", jobs);
  if (!opened.isOk()) {
    std::fprintf(stderr, "store: %s\n", opened.status().message().c_str());
    return 1;
  }
  auto& db = *opened.value();
  if (preload > 0) store(db, records, 0, preload, batch);

  auto runs0 = statementRuns(metrics);
  auto vfs0 = storage::vfsWriteStats();
  storage::recordWalFramePages(true);
  auto t0 = std::chrono::steady_clock::now();
  auto outcomes = store(db, records, preload, preload + n, batch);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto vfs1 = storage::vfsWriteStats();
  storage::recordWalFramePages(false);
  {
    std::ofstream pages(db_path + ".walpages");
    for (uint32_t p : storage::takeWalFramePages()) pages << p << '\n';
  }
  auto runs1 = statementRuns(metrics);
  db.stop();

  const double m = static_cast<double>(n);
  auto per = [m](int64_t v) { return static_cast<double>(v) / m; };
  int64_t statements = 0;
  std::vector<std::pair<int64_t, std::string>> by_name;
  for (const auto& [name, v] : runs1) {
    int64_t d = v - runs0[name];
    if (d > 0) by_name.emplace_back(d, name);
    statements += d;
  }
  std::sort(by_name.rbegin(), by_name.rend());
  std::printf(
      "RESULT n=%zu batch=%d preload=%zu accepted=%d other=%d statements_per_msg=%.2f "
      "wal_bytes_per_msg=%.0f wal_writes_per_msg=%.2f db_bytes_per_msg=%.0f "
      "syncs_per_batch=%.2f secs=%.3f per_s=%.0f\n",
      n, batch, preload, outcomes["accepted"], outcomes["other"], per(statements),
      per(vfs1.wal_bytes - vfs0.wal_bytes), per(vfs1.wal_writes - vfs0.wal_writes),
      per(vfs1.db_bytes - vfs0.db_bytes),
      static_cast<double>(vfs1.syncs - vfs0.syncs) / ((m + batch - 1) / batch), secs, m / secs);
  std::printf("STATEMENTS");
  for (const auto& [d, name] : by_name) std::printf(" %s=%.2f", name.c_str(), per(d));
  std::printf("\n");
  return 0;
}
