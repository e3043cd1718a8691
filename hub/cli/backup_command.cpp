// `xianjie backup` and `xianjie restore` (hub/storage/backup.h): a checked copy of the database
// taken while the hub runs, and its return in place of the database while the hub is stopped.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "hub/cli/cli.h"
#include "hub/core/time_format.h"
#include "hub/security/person_keys.h"
#include "hub/storage/backup.h"

namespace xj::cli {
namespace {

// `--NAME VALUE` among `rest`; false (printed) for anything else or a missing value.
bool onlyOption(const std::vector<char*>& rest, const std::string& name, std::string& value) {
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == name && i + 1 < rest.size()) {
      value = rest[++i];
    } else {
      std::fprintf(stderr, "unknown or incomplete argument %s\n", rest[i]);
      return false;
    }
  }
  if (value.empty()) std::fprintf(stderr, "%s FILE is required\n", name.c_str());
  return !value.empty();
}

std::string joined(const std::vector<uint32_t>& ids) {
  std::string out;
  for (uint32_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "none" : out;
}

void printManifest(const char* what, const std::string& file, const BackupManifest& m) {
  std::string kek;
  for (const auto& f : m.kek_fingerprints) kek += (kek.empty() ? "" : ", ") + f;
  std::printf(
      "%s %s\n  taken %s by hub %s, schema version %d, last hub sequence %lld\n"
      "  rows: messages %lld, items %lld, exchanges %lld, outbox %lld\n"
      "  %llu bytes, sha256 %s\n  data keys %s, wrapped by the key-encryption key %s\n",
      what, file.c_str(), m.created_at.c_str(), m.hub_version.c_str(), m.schema_version,
      static_cast<long long>(m.last_hub_seq), static_cast<long long>(m.rows.at("messages")),
      static_cast<long long>(m.rows.at("items")), static_cast<long long>(m.rows.at("exchanges")),
      static_cast<long long>(m.rows.at("outbox")), static_cast<unsigned long long>(m.file_bytes),
      m.sha256.c_str(), joined(m.data_keys).c_str(), kek.empty() ? "-" : kek.c_str());
}

// RFC 3339 now without separators (20261207T233000Z): a file name's part.
std::string compactNow() {
  std::string s = formatRfc3339(std::chrono::system_clock::now());
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':') out += c;
  return out;
}

}  // namespace

int backupCommand(int argc, char** argv) {
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  std::string out;
  if (!onlyOption(rest, "--out", out)) return usage();
  auto began = std::chrono::steady_clock::now();
  auto m =
      storage::takeBackup(config.store.path, out, formatRfc3339(std::chrono::system_clock::now()));
  if (!m.isOk()) {
    std::fprintf(stderr, "backup failed, nothing written to %s: %s\n", out.c_str(),
                 m.status().toString().c_str());
    return 1;
  }
  printManifest("backup", out, m.value());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  began)
                .count();
  std::printf("  manifest %s (%lld ms)\n", manifestPathFor(out).c_str(),
              static_cast<long long>(ms));
  return 0;
}

int restoreCommand(int argc, char** argv) {
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  std::string in;
  if (!onlyOption(rest, "--in", in)) return usage();
  auto kek = loadKek(config);
  if (!kek) return 1;
  auto keys = security::HmacPersonKeyer::load(config.store.key_file);
  if (!keys.isOk()) {
    std::fprintf(stderr, "%s\n", keys.status().toString().c_str());
    return 1;
  }
  auto r =
      storage::restoreBackup(in, config.store.path, *kek, keys.value().fingerprint(), compactNow());
  if (!r.isOk()) {
    std::fprintf(stderr, "restore refused, %s left as it was: %s\n", config.store.path.c_str(),
                 r.status().toString().c_str());
    return 1;
  }
  printManifest("restored", in, r.value().manifest);
  if (r.value().set_aside.empty())
    std::printf("  to %s (there was no database there)\n", config.store.path.c_str());
  else
    std::printf("  to %s; the database that was there is kept as %s\n", config.store.path.c_str(),
                r.value().set_aside.c_str());
  std::printf("start the hub, then check it: curl .../readyz, xianjie audit verify\n");
  return 0;
}

}  // namespace xj::cli
