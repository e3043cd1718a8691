// HubConfig: everything xianjied reads at start-up, with the defaults that run when no file is
// given. Loaded once on the main thread, then shared read-only.
#pragma once

#include <cstdint>
#include <string>

#include "hub/core/problem.h"
#include "hub/core/status.h"

namespace xj {

// HTTPS on the listener (adapters/http/tls_context.h). Off while cert_file is empty.
struct HttpTlsConfig {
  std::string cert_file;  // PEM: the server certificate, then any intermediates
  std::string key_file;   // PEM private key: a secret, refused if group or others may read it
  // /metrics always shows the seconds left; under this many days the log warns once a day.
  int expiry_warn_days = 30;
};

struct HttpConfig {
  std::string listen = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (tests)
  int threads = 2;  // io_context threads
  uint64_t body_limit_bytes = 64 * 1024;
  int header_timeout_ms = 10'000;  // whole request head, also the keep-alive idle time
  int body_timeout_ms = 30'000;
  int max_connections = 4096;
  // Open connections from one client address: beyond, 429 and close, so that one address (a
  // flood of half-sent requests, each held up to header_timeout_ms) cannot starve the others.
  int max_connections_per_address = 256;
  // Requests a second per bearer token on average (0: no limit) and at once: beyond, 429 with
  // Retry-After. Generous for a hotline system or a charity's tool; a runaway loop meets it.
  int rate_limit_per_token = 1000;
  int rate_burst_per_token = 2000;
  int max_pipelined_bytes = 256 * 1024;  // read buffer cap: bounds what a client can pipeline
  int max_json_depth = 32;
  HttpTlsConfig tls;
  // Plain HTTP on an address other than loopback sends tokens and ID numbers readable over the
  // network: refused at start unless this is set (a TLS-terminating proxy in front, say).
  bool allow_plaintext = false;
};

struct StoreConfig {
  std::string path = "var/xianjie.db";
  // Secret key (at least 32 random bytes, mode 0600) of the HMAC-SHA256 person keys; kept
  // outside the database. scripts/run makes it when absent; the hub refuses to start without it.
  std::string key_file = "var/xianjie.key";
  // The key-encryption key of the personal fields sealed at rest (hub/security/field_cipher.h):
  // at least 32 random bytes, mode 0600, outside the database's directory (a copy or backup of
  // that directory must not carry the key that opens it). scripts/run makes it when absent; the
  // hub refuses to start without it.
  std::string kek_file = "keys/xianjie.kek";
  int key_walk_rows = 256;       // rows re-encrypted per batch after `xianjie key rotate`
  int queue_capacity = 20'000;   // pending writes before 503 Retry-After
  int max_batch = 1024;          // messages per group commit
  int readers = 2;               // read-only connections, each on its own thread
  int64_t max_page_count = 0;    // 0 = SQLite's default; set to cap the file (tests, quotas)
  bool fault_injection = false;  // enables POST /v1/admin/faults (tests only)
};

struct MqttConfig {
  bool enabled = true;
  std::string uri = "tcp://127.0.0.1:1883";  // ssl://host:8883 for TLS
  std::string client_id = "xianjied";        // fixed: the broker keeps this session
  int protocol = 5;                          // 5, or 4 for MQTT 3.1.1
  std::string topic_prefix = "xianjie";      // in: PREFIX/in/{role}/{org}/{kinds}
  std::string shared_group;                  // non-empty: $share/GROUP/... (several hubs)
  int session_expiry_s = 7 * 24 * 3600;      // how long the broker keeps our session offline
  int keepalive_s = 30;
  int reconnect_min_ms = 250;
  int reconnect_max_ms = 10'000;
  std::string username;
  std::string password;
  std::string tls_ca;    // CA file: enables server verification (chain and host name)
  std::string tls_cert;  // client certificate
  std::string tls_key;   // client key
  // Bounds on what the hub holds between Paho's callback and the receipt: messages, and their
  // payload bytes. Beyond either, an "unavailable" receipt at once (resend later).
  int max_pending = 10'000;
  uint64_t max_pending_bytes = 64ull << 20;
  // A larger payload is refused in Paho's callback, unread, with a "rejected" receipt. The shipped
  // mosquitto.conf stops payloads well above it (message_size_limit).
  uint64_t max_payload_bytes = 64 * 1024;
};

// API tokens that end (xianjie token create --expires-in-days, xianjie token rotate).
struct TokensConfig {
  // How long the old token of a rotation keeps working beside the new one, so that a partner can
  // switch without a gap (`xianjie token rotate` uses it unless --overlap-hours is given).
  int rotation_overlap_hours = 24;
  // A token ending within this many days is a warning: the log once a day per token and the
  // xianjie_tokens_expiring gauge in /metrics (an ending token is an outage announced ahead).
  int expiry_warning_days = 14;
};

// The access record (hub/core/access_record.h): kept apart from the data and longer than it.
struct AuditConfig {
  // Records older than this are pruned, oldest first, by the hub's periodic sweep; the chain
  // goes on from a recorded anchor. At least a year (kMinRetentionDays): who looked at a file
  // must stay answerable after the file itself is gone.
  static constexpr int kMinRetentionDays = 365;
  int retention_days = 3650;
  // For measurement only (READERS=8 AUDIT=both bench/http-ingest): false records nothing. Never
  // in service.
  bool enabled = true;
};

// Scheduled backups (hub/backup_schedule.h): the hub copies its database into `dir` whenever
// `every_hours` have passed on its clock since the newest backup there (at once when there is
// none), and keeps the newest `keep` of them (each a file and its manifest).
struct BackupConfig {
  bool enabled = false;
  std::string dir;  // required when enabled: an existing, writable directory (another disk)
  int every_hours = 24;
  int keep = 7;
};

struct HubConfig {
  HttpConfig http;
  StoreConfig store;
  MqttConfig mqtt;
  TokensConfig tokens;
  AuditConfig audit;
  BackupConfig backup;
  std::string standards_dir = "config/standards";
  std::string routes_path = "config/routes.jsonc";
  // The partner directory and outbox delivery policy (config/partners_config.h).
  std::string partners_path = "config/partners.jsonc";
  // The console's township and village pickers (config/villages_config.h).
  std::string villages_path = "config/villages.jsonc";
  std::string log_level = "info";
  std::string config_path;  // where it came from, empty for defaults
};

// Parses a JSON config (comments and trailing commas allowed). Every problem is returned with its
// JSON path; on any problem the config must not be used. Relative paths in the file are taken
// relative to the current directory, like the daemon's working directory.
Result<HubConfig> loadHubConfig(const std::string& path, Problems& problems);
// The same check of the file's text (config_path left empty): the fuzz target's entry point, so
// that the loader is exercised on bytes without a file per input.
Result<HubConfig> parseHubConfig(const std::string& text, Problems& problems);

std::string formatProblems(const Problems& problems);

// Whether `address` (a numeric IPv4 or IPv6 address) is a loopback address (127.0.0.0/8, ::1,
// or IPv4 loopback mapped into IPv6).
bool isLoopbackAddress(const std::string& address);

}  // namespace xj
