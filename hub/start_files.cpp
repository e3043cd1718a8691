#include "hub/start_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/http/tls_context.h"
#include "config/partners_config.h"
#include "config/routes_config.h"
#include "config/villages_config.h"

namespace xj {
namespace {

// The loaders name a problem by its place in the file; the report names the file too.
void addFile(Problems& problems, size_t from, const std::string& file) {
  for (size_t i = from; i < problems.size(); ++i)
    problems[i].path = problems[i].path.empty() ? file : file + " " + problems[i].path;
}

// Paho reads the broker's certificate files only when it connects, in the background: an
// unreadable one would leave a hub that runs and never connects.
void checkReadable(const std::string& path, const char* setting, Problems& problems) {
  if (path.empty()) return;
  if (!std::ifstream(path)) problems.push_back({path, std::string(setting) + ": cannot read file"});
}

// The scheduled backups' directory: there, writable, and not holding the key-encryption key (a
// copy of the backups must not carry the key that opens them).
void checkBackupDir(const HubConfig& cfg, Problems& problems) {
  if (!cfg.backup.enabled || cfg.backup.dir.empty()) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(cfg.backup.dir, ec)) {
    problems.push_back({"/backup/dir", cfg.backup.dir + ": not an existing directory"});
  } else if (::access(cfg.backup.dir.c_str(), W_OK | X_OK) != 0) {
    problems.push_back({"/backup/dir", cfg.backup.dir + ": the hub may not write there"});
  } else {
    auto dir = fs::weakly_canonical(cfg.backup.dir, ec).string() + "/";
    auto kek = fs::weakly_canonical(cfg.store.kek_file, ec).string();
    if (kek.rfind(dir, 0) == 0)
      problems.push_back({"/backup/dir",
                          "holds store.kek_file: a copy of the backups would "
                          "carry the key that opens them"});
  }
}

}  // namespace

Status loadStartFiles(const HubConfig& cfg, StartFiles& out, Problems& problems) {
  const size_t before = problems.size();
  size_t from = problems.size();
  auto standards = household::loadStandards(cfg.standards_dir, problems);
  // The standards name each problem by its file in the directory ("parameters.json/...").
  for (size_t i = from; i < problems.size(); ++i)
    problems[i].path = cfg.standards_dir + "/" + problems[i].path;
  if (standards.isOk()) {
    out.standards = standards.value();
    const TownshipDirectory& townships = out.standards->townships;
    from = problems.size();
    auto routes = loadRoutes(cfg.routes_path, townships, problems);
    addFile(problems, from, cfg.routes_path);
    if (routes.isOk()) out.routes = routes.value();
    from = problems.size();
    auto partners = loadPartners(cfg.partners_path, townships, problems);
    addFile(problems, from, cfg.partners_path);
    if (partners.isOk()) out.partners = partners.value();
    from = problems.size();
    auto villages = loadVillages(cfg.villages_path, townships, problems);
    addFile(problems, from, cfg.villages_path);
    if (villages.isOk()) out.places = villages.value();
  } else {
    problems.push_back({cfg.routes_path + ", " + cfg.partners_path + ", " + cfg.villages_path,
                        "not checked: they are checked against the standards' townships"});
  }
  // The message names store.key_file and the file.
  auto keys = security::HmacPersonKeyer::load(cfg.store.key_file);
  if (keys.isOk())
    out.keys.emplace(std::move(keys).value());
  else
    problems.push_back({"/store/key_file", keys.status().message()});
  // The key-encryption key: a secret file, outside the database's directory.
  auto kek = security::KeyEncryptionKey::load(
      cfg.store.kek_file, std::filesystem::path(cfg.store.path).parent_path().string());
  if (kek.isOk())
    out.kek.emplace(std::move(kek).value());
  else
    problems.push_back({"/store/kek_file", kek.status().message()});
  // The HTTPS certificate and key: present, matching, the key not open to others.
  if (!cfg.http.tls.cert_file.empty())
    if (auto tls = http::loadTlsContext(cfg.http.tls); !tls.isOk())
      problems.push_back({"/http/tls", tls.status().message()});
  checkBackupDir(cfg, problems);
  if (cfg.mqtt.enabled) {
    checkReadable(cfg.mqtt.tls_ca, "mqtt.tls_ca", problems);
    checkReadable(cfg.mqtt.tls_cert, "mqtt.tls_cert", problems);
    checkReadable(cfg.mqtt.tls_key, "mqtt.tls_key", problems);
  }
  if (problems.size() > before || !out.standards || !out.routes || !out.partners || !out.places)
    return Status::invalid(std::to_string(problems.size() - before) +
                           " problem(s) in the files the hub loads at start");
  return Status::ok();
}

}  // namespace xj
