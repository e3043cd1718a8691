// Backup and restore from outside, on the real daemon and CLI: a backup taken while tickets
// arrive restores into a fresh directory where a new hub holds every message acknowledged
// before the backup began (same receipt, same content); a damaged copy, a wrong key-encryption
// key and a running hub are refused by restore, each with its reason; and the hub's scheduled
// backups run by its clock and keep only the newest `keep`.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hub/core/time_format.h"
#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/test_env.h"

using namespace xj::test;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string describe(int i) { return "第" + std::to_string(i) + "号来电"; }

std::string cli(const std::string& args, int* code) {
  return runCommand(std::string(XJ_CLI) + " " + args + " 2>&1", code);
}

// Gives `to` the key files of `from` (a restore needs the same store.key_file and kek_file).
void sameKeys(const Daemon& from, const Daemon& to) {
  for (const char* name : {"/hub.key", "/hub.kek"})
    fs::copy_file(from.dir() + name, to.dir() + name, fs::copy_options::overwrite_existing);
}

// Adds a top-level "backup" section to the daemon's config file.
void addBackupSection(const Daemon& d, const std::string& section) {
  std::ifstream in(d.configPath());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.insert(text.rfind('}'), "  \"backup\": {" + section + "},\n");
  std::ofstream(d.configPath(), std::ios::trunc) << text;
}

struct Sent {
  int i;
  std::string hub_id;
  bool before_backup;  // its 202 arrived before the backup began
};

long long metric(const Daemon& d, const std::string& name) {
  auto m = httpRequest(d.port(), "GET", "/metrics");
  auto pos = m.body.find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::atoll(m.body.c_str() + pos + name.size() + 2);
}

}  // namespace

TEST_CASE("a backup taken during ingest restores every message acknowledged before it",
          "[backup]") {
  Daemon d;
  std::string hotline = d.token("hotline-1", "hotline");
  d.start();
  std::mutex mu;
  std::vector<Sent> sent;
  std::atomic<bool> began{false}, stop{false};
  std::atomic<int> refused{0}, n{0}, acked{0};
  std::vector<double> ms_during, ms_outside;
  std::thread load([&] {
    while (!stop.load()) {
      int i = n++;
      bool overlapped = began.load();
      auto t0 = std::chrono::steady_clock::now();
      auto r = httpRequest(d.port(), "POST", "/v1/tickets",
                           ticketJson("b-" + std::to_string(i), "hotline-1", describe(i)),
                           auth(hotline));
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      bool before = !began.load();
      if (r.status != 202) {
        ++refused;
        continue;
      }
      std::lock_guard lock(mu);
      sent.push_back({i, json(r.body)["hub_id"].GetString(), before});
      ++acked;
      (overlapped || !before ? ms_during : ms_outside).push_back(ms);
    }
  });
  REQUIRE(waitUntil([&] { return acked.load() >= 200; }, 60'000));
  const std::string backup = d.dir() + "/b.db";
  began = true;
  int code = -1;
  std::string out = cli("backup --config " + d.configPath() + " --out " + backup, &code);
  int at_done = n.load();
  waitUntil([&] { return n.load() >= at_done + 50; }, 30'000);
  stop = true;
  load.join();
  INFO(out);
  REQUIRE(code == 0);
  CHECK(refused.load() == 0);
  CHECK(fs::exists(backup + ".manifest.json"));
  {  // The writer's stall while the copy ran: requests answered during it against the others.
    std::lock_guard lock(mu);
    auto worst = [](std::vector<double> v) {
      return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
    };
    std::cout << "backup during ingest: " << ms_outside.size() << " posts before (worst "
              << worst(ms_outside) << " ms), " << ms_during.size()
              << " during or after the backup (worst " << worst(ms_during) << " ms)\n";
  }
  REQUIRE(d.terminate() == 0);

  Daemon fresh;
  sameKeys(d, fresh);
  out = cli("restore --in " + backup + " --config " + fresh.configPath(), &code);
  INFO(out);
  REQUIRE(code == 0);
  fresh.start();
  int checked = 0;
  for (const auto& s : sent) {
    if (!s.before_backup) continue;
    const std::string id = "b-" + std::to_string(s.i);
    auto r = httpRequest(fresh.port(), "GET", "/v1/messages/" + id, "", auth(hotline));
    INFO(id);
    REQUIRE(r.status == 200);
    auto doc = json(r.body);
    CHECK(std::string(doc["receipt"]["hub_id"].GetString()) == s.hub_id);
    CHECK(r.body.find(describe(s.i)) != std::string::npos);
    // And answers for it as before: a resend is a duplicate with the original receipt.
    auto again = httpRequest(fresh.port(), "POST", "/v1/tickets",
                             ticketJson(id, "hotline-1", describe(s.i)), auth(hotline));
    CHECK(again.status == 200);
    CHECK(std::string(json(again.body)["hub_id"].GetString()) == s.hub_id);
    ++checked;
  }
  CHECK(checked >= 200);
}

TEST_CASE("restore refuses a damaged backup, a wrong key and a running hub", "[backup]") {
  Daemon d;
  std::string hotline = d.token("hotline-1", "hotline");
  d.start();
  for (int i = 0; i < 20; ++i)
    REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets",
                        ticketJson("r-" + std::to_string(i), "hotline-1"), auth(hotline))
                .status == 202);
  const std::string backup = d.dir() + "/b.db";
  int code = -1;
  std::string out = cli("backup --config " + d.configPath() + " --out " + backup, &code);
  INFO(out);
  REQUIRE(code == 0);

  // The hub that runs on the database holds its lock: nothing is changed.
  out = cli("restore --in " + backup + " --config " + d.configPath(), &code);
  CHECK(code == 1);
  CHECK(out.find("a hub (or a restore) is using") != std::string::npos);
  CHECK(httpRequest(d.port(), "GET", "/v1/messages/r-3", "", auth(hotline)).status == 200);

  Daemon fresh;
  // Without the key-encryption key the backup was taken under: refused, naming the one needed.
  out = cli("restore --in " + backup + " --config " + fresh.configPath(), &code);
  CHECK(code == 1);
  CHECK(out.find("does not open the backup's data keys") != std::string::npos);
  CHECK(out.find("needs the key with fingerprint") != std::string::npos);
  CHECK(!fs::exists(fresh.dbPath()));

  // One flipped byte: the checksum no longer matches.
  sameKeys(d, fresh);
  const std::string damaged = fresh.dir() + "/damaged.db";
  fs::copy_file(backup, damaged);
  fs::copy_file(backup + ".manifest.json", damaged + ".manifest.json");
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(fs::file_size(damaged) / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(fs::file_size(damaged) / 2));
    c = static_cast<char>(c ^ 0x01);
    f.write(&c, 1);
  }
  out = cli("restore --in " + damaged + " --config " + fresh.configPath(), &code);
  CHECK(code == 1);
  CHECK(out.find("does not match its manifest") != std::string::npos);
  CHECK(!fs::exists(fresh.dbPath()));
  // The intact one goes in.
  out = cli("restore --in " + backup + " --config " + fresh.configPath(), &code);
  CHECK(code == 0);
  REQUIRE(d.terminate() == 0);
}

TEST_CASE("scheduled backups run by the hub's clock and keep only the newest", "[backup]") {
  Daemon d("\"fault_injection\": true");
  const std::string dir = d.dir() + "/backups";
  fs::create_directories(dir);
  addBackupSection(d,
                   "\"enabled\": true, \"dir\": \"" + dir + "\", \"every_hours\": 24, \"keep\": 2");
  std::string hotline = d.token("hotline-1", "hotline");
  // The hub's clock is set from its start (the token that sets it is made before), to now: the
  // first backup may be taken just before or just after, by the same time within seconds.
  d.setClock(xj::formatRfc3339(std::chrono::system_clock::now()));
  d.start();
  const char* last = "xianjie_backup_last_success_timestamp_seconds";
  // None in the directory: the first is taken at once.
  REQUIRE(waitUntil([&] { return metric(d, last) > 0; }, 20'000));
  const long long first = metric(d, last);
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("s-1", "hotline-1"), auth(hotline))
          .status == 202);
  for (int day = 1; day <= 2; ++day) {
    const long long at = first + day * 25 * 3600;
    d.setClock(xj::formatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(at))));
    INFO("day " << day);
    REQUIRE(waitUntil([&] { return metric(d, last) == at; }, 20'000));
  }
  // The figure is set when the backup is taken; the oldest pair goes just after.
  std::vector<std::string> names;
  auto listed = [&] {
    names.clear();
    for (const auto& e : fs::directory_iterator(dir))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names.size() == 4;
  };
  waitUntil(listed, 20'000);
  INFO(names.size() << " files");
  REQUIRE(names.size() == 4);  // two backups, each with its manifest
  CHECK(metric(d, "xianjie_backup_failures_total") == 0);
  // The newest holds the ticket; the one taken at start (before it) was removed.
  int code = -1;
  std::string out =
      cli("restore --in " + dir + "/" + names[2] + " --config " + d.configPath(), &code);
  CHECK(code == 1);  // the hub runs
  CHECK(d.log().find("backup_taken") != std::string::npos);
  CHECK(d.log().find("backup_removed") != std::string::npos);
  CHECK(d.log().find("451229195703081312") == std::string::npos);
  REQUIRE(d.terminate() == 0);
  Daemon fresh;
  sameKeys(d, fresh);
  out = cli("restore --in " + dir + "/" + names[2] + " --config " + fresh.configPath(), &code);
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("messages 1,") != std::string::npos);
}

TEST_CASE("--check-config names a backup directory that is missing or holds the key", "[backup]") {
  int code = -1;
  {
    Daemon d;
    addBackupSection(d, "\"enabled\": true, \"dir\": \"" + d.dir() + "/none\"");
    std::string out =
        runCommand(std::string(XJ_DAEMON) + " --check-config " + d.configPath() + " 2>&1", &code);
    INFO(out);
    CHECK(code == 1);
    CHECK(out.find("/backup/dir") != std::string::npos);
    CHECK(out.find("not an existing directory") != std::string::npos);
  }
  {
    Daemon d;  // its directory holds hub.kek, the key-encryption key
    addBackupSection(d, "\"enabled\": true, \"dir\": \"" + d.dir() + "\"");
    std::string out =
        runCommand(std::string(XJ_DAEMON) + " --check-config " + d.configPath() + " 2>&1", &code);
    INFO(out);
    CHECK(code == 1);
    CHECK(out.find("holds store.kek_file") != std::string::npos);
  }
}
