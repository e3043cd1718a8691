#include "config/hub_config.h"

#include <arpa/inet.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <functional>
#include <map>

#include "config/jsonc_file.h"
#include "hub/core/secret_file.h"

namespace xj {
namespace {

// A small schema walker: each known key has a setter that reports type/range problems itself.
using Setter = std::function<void(const rapidjson::Value&, const std::string& path, Problems&)>;

Setter intField(int& out, int lo, int hi) {
  return [&out, lo, hi](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsInt()) return p.push_back({path, "must be an integer"});
    if (v.GetInt() < lo || v.GetInt() > hi)
      return p.push_back(
          {path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)});
    out = v.GetInt();
  };
}
Setter int64Field(int64_t& out, int64_t lo, int64_t hi) {
  return [&out, lo, hi](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsInt64()) return p.push_back({path, "must be an integer"});
    if (v.GetInt64() < lo || v.GetInt64() > hi)
      return p.push_back(
          {path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)});
    out = v.GetInt64();
  };
}
Setter u64Field(uint64_t& out, uint64_t lo, uint64_t hi) {
  return [&out, lo, hi](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsUint64()) return p.push_back({path, "must be a non-negative integer"});
    if (v.GetUint64() < lo || v.GetUint64() > hi)
      return p.push_back(
          {path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)});
    out = v.GetUint64();
  };
}
Setter stringField(std::string& out, bool allow_empty = false) {
  return [&out, allow_empty](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsString()) return p.push_back({path, "must be a string"});
    if (!allow_empty && v.GetStringLength() == 0) return p.push_back({path, "must not be empty"});
    out.assign(v.GetString(), v.GetStringLength());
  };
}
Setter boolField(bool& out) {
  return [&out](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsBool()) return p.push_back({path, "must be true or false"});
    out = v.GetBool();
  };
}
Setter oneOf(std::string& out, std::vector<std::string> allowed) {
  return [&out, allowed](const rapidjson::Value& v, const std::string& path, Problems& p) {
    if (!v.IsString()) return p.push_back({path, "must be a string"});
    std::string s(v.GetString(), v.GetStringLength());
    for (const auto& a : allowed) {
      if (a == s) {
        out = s;
        return;
      }
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    p.push_back({path, "must be one of: " + list});
  };
}

void walkObject(const rapidjson::Value& v, const std::string& path,
                const std::map<std::string, Setter>& fields, Problems& p) {
  if (!v.IsObject()) return p.push_back({path, "must be an object"});
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    auto f = fields.find(key);
    if (f == fields.end()) {
      p.push_back({path + "/" + key, "unknown setting"});
      continue;
    }
    f->second(it->value, path + "/" + key, p);
  }
}

}  // namespace

std::string formatProblems(const Problems& problems) {
  std::string out;
  for (const auto& pr : problems)
    out += "  " + (pr.path.empty() ? "/" : pr.path) + ": " + pr.problem + "\n";
  return out;
}

bool isLoopbackAddress(const std::string& address) {
  unsigned char v4[4];
  if (::inet_pton(AF_INET, address.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (::inet_pton(AF_INET6, address.c_str(), v6) != 1) return false;
  static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(v6, v6 + 16, kLoopback)) return true;
  return std::equal(v6, v6 + 12, kMapped) && v6[12] == 127;
}

Result<HubConfig> loadHubConfig(const std::string& path, Problems& problems) {
  auto text = readConfigText(path, problems);
  if (!text) return Status::invalid("config unreadable");
  auto cfg = parseHubConfig(*text, problems);
  if (!cfg.isOk()) return cfg.status();
  HubConfig loaded = std::move(cfg).value();
  loaded.config_path = path;
  return loaded;
}

Result<HubConfig> parseHubConfig(const std::string& text, Problems& problems) {
  HubConfig cfg;
  rapidjson::Document doc;
  if (!parseJsonc(text, doc, problems)) return Status::invalid("config is not valid JSON");
  auto& h = cfg.http;
  auto& s = cfg.store;
  std::map<std::string, Setter> http_fields = {
      {"listen", stringField(h.listen)},
      {"port", intField(h.port, 0, 65535)},
      {"threads", intField(h.threads, 1, 64)},
      {"body_limit_bytes", u64Field(h.body_limit_bytes, 1024, 64ull << 20)},
      {"header_timeout_ms", intField(h.header_timeout_ms, 100, 3'600'000)},
      {"body_timeout_ms", intField(h.body_timeout_ms, 100, 3'600'000)},
      {"max_connections", intField(h.max_connections, 1, 1'000'000)},
      {"max_connections_per_address", intField(h.max_connections_per_address, 1, 1'000'000)},
      {"rate_limit_per_token", intField(h.rate_limit_per_token, 0, 10'000'000)},
      {"rate_burst_per_token", intField(h.rate_burst_per_token, 1, 10'000'000)},
      {"max_pipelined_bytes", intField(h.max_pipelined_bytes, 16 * 1024, 64 << 20)},
      {"max_json_depth", intField(h.max_json_depth, 4, 256)},
      {"allow_plaintext", boolField(h.allow_plaintext)},
  };
  std::map<std::string, Setter> tls_fields = {
      {"cert_file", stringField(h.tls.cert_file, true)},
      {"key_file", stringField(h.tls.key_file, true)},
      {"expiry_warn_days", intField(h.tls.expiry_warn_days, 0, 3650)},
  };
  http_fields["tls"] = [&](const rapidjson::Value& v, const std::string& p, Problems& pr) {
    walkObject(v, p, tls_fields, pr);
  };
  std::map<std::string, Setter> store_fields = {
      {"path", stringField(s.path)},
      {"key_file", stringField(s.key_file)},
      {"kek_file", stringField(s.kek_file)},
      {"key_walk_rows", intField(s.key_walk_rows, 1, 100'000)},
      {"queue_capacity", intField(s.queue_capacity, 1, 10'000'000)},
      {"max_batch", intField(s.max_batch, 1, 100'000)},
      {"readers", intField(s.readers, 1, 64)},
      {"max_page_count", int64Field(s.max_page_count, 0, 1ll << 40)},
      {"fault_injection", boolField(s.fault_injection)},
  };
  auto& m = cfg.mqtt;
  std::map<std::string, Setter> mqtt_fields = {
      {"enabled", boolField(m.enabled)},
      {"uri", stringField(m.uri)},
      {"client_id", stringField(m.client_id)},
      {"protocol", intField(m.protocol, 4, 5)},
      {"topic_prefix", stringField(m.topic_prefix)},
      {"shared_group", stringField(m.shared_group, true)},
      {"session_expiry_s", intField(m.session_expiry_s, 0, 365 * 24 * 3600)},
      {"keepalive_s", intField(m.keepalive_s, 5, 3600)},
      {"reconnect_min_ms", intField(m.reconnect_min_ms, 10, 60'000)},
      {"reconnect_max_ms", intField(m.reconnect_max_ms, 100, 600'000)},
      {"username", stringField(m.username, true)},
      {"password", stringField(m.password, true)},
      {"tls_ca", stringField(m.tls_ca, true)},
      {"tls_cert", stringField(m.tls_cert, true)},
      {"tls_key", stringField(m.tls_key, true)},
      {"max_pending", intField(m.max_pending, 1, 1'000'000)},
      {"max_pending_bytes", u64Field(m.max_pending_bytes, 1024, 16ull << 30)},
      {"max_payload_bytes", u64Field(m.max_payload_bytes, 1024, 64ull << 20)},
  };
  std::map<std::string, Setter> tokens_fields = {
      {"rotation_overlap_hours", intField(cfg.tokens.rotation_overlap_hours, 0, 24 * 90)},
      {"expiry_warning_days", intField(cfg.tokens.expiry_warning_days, 0, 365)},
  };
  std::map<std::string, Setter> audit_fields = {
      {"retention_days",
       [&cfg](const rapidjson::Value& v, const std::string& path, Problems& pr) {
         if (!v.IsInt()) return pr.push_back({path, "must be an integer"});
         if (v.GetInt() < AuditConfig::kMinRetentionDays)
           return pr.push_back({path, "must be at least " +
                                          std::to_string(AuditConfig::kMinRetentionDays) +
                                          " (days): the access record is kept a year or longer, "
                                          "beyond the data it describes"});
         if (v.GetInt() > 36500) return pr.push_back({path, "must be at most 36500 (days)"});
         cfg.audit.retention_days = v.GetInt();
       }},
      {"enabled", boolField(cfg.audit.enabled)},
  };
  auto& b = cfg.backup;
  std::map<std::string, Setter> backup_fields = {
      {"enabled", boolField(b.enabled)},
      {"dir", stringField(b.dir, true)},
      {"every_hours", intField(b.every_hours, 1, 24 * 366)},
      {"keep", intField(b.keep, 1, 1000)},
  };
  std::map<std::string, Setter> top = {
      {"backup", [&](const rapidjson::Value& v, const std::string& p,
                     Problems& pr) { walkObject(v, p, backup_fields, pr); }},
      {"audit", [&](const rapidjson::Value& v, const std::string& p,
                    Problems& pr) { walkObject(v, p, audit_fields, pr); }},
      {"tokens", [&](const rapidjson::Value& v, const std::string& p,
                     Problems& pr) { walkObject(v, p, tokens_fields, pr); }},
      {"mqtt", [&](const rapidjson::Value& v, const std::string& p,
                   Problems& pr) { walkObject(v, p, mqtt_fields, pr); }},
      {"http", [&](const rapidjson::Value& v, const std::string& p,
                   Problems& pr) { walkObject(v, p, http_fields, pr); }},
      {"store", [&](const rapidjson::Value& v, const std::string& p,
                    Problems& pr) { walkObject(v, p, store_fields, pr); }},
      {"standards_dir", stringField(cfg.standards_dir)},
      {"routes_path", stringField(cfg.routes_path)},
      {"partners_path", stringField(cfg.partners_path)},
      {"villages_path", stringField(cfg.villages_path)},
      {"log_level", oneOf(cfg.log_level, {"debug", "info", "warn", "error"})},
      {"$schema", [](const rapidjson::Value&, const std::string&, Problems&) {}},
  };
  walkObject(doc, "", top, problems);
  if (b.enabled && b.dir.empty())
    problems.push_back({"/backup/dir", "must name a directory when backup.enabled is true"});
  if (m.reconnect_max_ms < m.reconnect_min_ms)
    problems.push_back({"/mqtt/reconnect_max_ms", "must not be below reconnect_min_ms"});
  if (m.uri.rfind("tcp://", 0) != 0 && m.uri.rfind("ssl://", 0) != 0 &&
      m.uri.rfind("mqtt://", 0) != 0 && m.uri.rfind("mqtts://", 0) != 0)
    problems.push_back({"/mqtt/uri", "must start with tcp://, ssl://, mqtt:// or mqtts://"});
  // Paho refuses a TLS uri without TLS options ("Invalid (NULL) parameter") on every retry, and
  // ignores TLS files on a plain uri: either way the daemon would start and never link, or link
  // in plain text, so both are refused here, before start.
  const bool tls_uri = m.uri.rfind("ssl://", 0) == 0 || m.uri.rfind("mqtts://", 0) == 0;
  const bool plain_uri = m.uri.rfind("tcp://", 0) == 0 || m.uri.rfind("mqtt://", 0) == 0;
  if (m.enabled && tls_uri && m.tls_ca.empty())
    problems.push_back({"/mqtt/tls_ca",
                        "an ssl:// or mqtts:// uri needs the CA file that signed "
                        "the broker's certificate"});
  if (m.enabled && plain_uri && (!m.tls_ca.empty() || !m.tls_cert.empty()))
    problems.push_back({"/mqtt/uri",
                        "TLS files are set but the uri is plain (tcp:// or mqtt://): "
                        "the link would not use them; use ssl:// or mqtts://"});
  if (m.topic_prefix.find_first_of("+#") != std::string::npos)
    problems.push_back({"/mqtt/topic_prefix", "must not contain + or #"});
  if (h.tls.cert_file.empty() != h.tls.key_file.empty())
    problems.push_back(
        {"/http/tls/key_file", "a certificate needs its key, and a key its certificate"});
  if (h.tls.cert_file.empty() && !h.allow_plaintext && !isLoopbackAddress(h.listen))
    problems.push_back(
        {"/http/listen", "plain HTTP on " + h.listen +
                             " would carry tokens and personal data readable on the network: set "
                             "http.tls.cert_file and key_file (or http.allow_plaintext: true, "
                             "e.g. behind a TLS-terminating proxy)"});
  if (m.tls_cert.empty() != m.tls_key.empty())
    problems.push_back(
        {"/mqtt/tls_key", "a client certificate needs its key, and a key its certificate"});
  // Paho opens the client key itself; the hub checks it as every secret file it reads.
  if (m.enabled && !m.tls_key.empty())
    if (Status key = checkSecretFile("mqtt.tls_key", m.tls_key); !key.isOk())
      problems.push_back({"/mqtt/tls_key", key.message()});
  if (!problems.empty())
    return Status::invalid("config has " + std::to_string(problems.size()) + " problem(s)");
  return cfg;
}

}  // namespace xj
