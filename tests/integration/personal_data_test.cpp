// Personal data at rest: person keys are HMAC-SHA256 under the key file, never a
// plain hash; the key file is required and checked; the database and its WAL/SHM are 0600
// whatever the umask; a database keyed with another key is refused; keys from before keyed
// hashing are erased; no organisation may take the hub's broker user name.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

unsigned modeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xffff;
  return st.st_mode & 0777;
}

std::string python(const std::string& code) {
  return trim(runCommand("python3 -c \"" + code + "\""));
}

// The ticket of messages.h: ID 451229195703081312, phone 13800000000.
const std::string kId = "451229195703081312";
const std::string kPhone = "13800000000";

}  // namespace

TEST_CASE("person keys are HMAC-SHA256 under the key file, never a plain hash", "[keys]") {
  mode_t old = ::umask(0002);  // a permissive umask: the files must still be 0600
  Daemon d;
  std::string token = d.token("hotline-1", "hotline");
  d.start();
  ::umask(old);
  auto r =
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("k-1", "hotline-1"), auth(token));
  REQUIRE(r.status == 202);
  // Stored as their 32 bytes (migration 16): read back as the hex the HMAC is written in.
  std::string id_key = trim(d.sql("SELECT lower(hex(id_key)) FROM items LIMIT 1"));
  std::string phone_key = trim(d.sql("SELECT lower(hex(phone_key)) FROM items LIMIT 1"));
  REQUIRE(id_key.size() == 64);
  std::string key = d.dir() + "/hub.key";
  auto hmac = [&](const std::string& data) {
    return python("import hmac,hashlib;print(hmac.new(open('" + key + "','rb').read(),b'" + data +
                  "',hashlib.sha256).hexdigest())");
  };
  auto sha = [&](const std::string& data) {
    return python("import hashlib;print(hashlib.sha256(b'" + data + "').hexdigest())");
  };
  CHECK(id_key == hmac("id:" + kId));
  CHECK(phone_key == hmac("phone:" + kPhone));
  CHECK(id_key != sha(kId));  // what an older hub stored: reversible by enumeration
  CHECK(phone_key != sha("phone:" + kPhone));
  CHECK(trim(d.sql("SELECT count(*) FROM messages")) == "1");

  INFO(runCommand("ls -la '" + d.dir() + "'") << d.log());
  CHECK(modeOf(d.dbPath()) == 0600);
  CHECK(modeOf(d.dbPath() + "-wal") == 0600);
  CHECK(modeOf(d.dbPath() + "-shm") == 0600);
}

TEST_CASE("a missing, short or open key file is a clear start-up and --check-config error",
          "[keys]") {
  struct Case {
    const char* name;
    std::string setup;  // shell run in the daemon's directory
    const char* expect;
  };
  for (const auto& c : std::vector<Case>{
           {"missing", "rm -f hub.key", "No such file"},
           {"too short", "head -c 8 /dev/urandom > hub.key", "too short"},
           {"readable by others", "chmod 644 hub.key", "group or others"},
       }) {
    SECTION(c.name) {
      Daemon d;
      runCommand("cd '" + d.dir() + "' && " + c.setup);
      int code = 0;
      std::string out = runCommand(
          std::string(XJ_DAEMON) + " --check-config '" + d.configPath() + "' 2>&1", &code);
      CHECK(code == 1);
      CHECK(out.find("/store/key_file") != std::string::npos);
      CHECK(out.find(c.expect) != std::string::npos);
      CHECK_THROWS(d.start());
      CHECK(d.log().find("store.key_file") != std::string::npos);
      CHECK(d.log().find(c.expect) != std::string::npos);
    }
  }
}

TEST_CASE("a database keyed with one key is refused with another; plain-hash keys are erased",
          "[keys]") {
  Daemon d;
  std::string token = d.token("hotline-1", "hotline");
  d.start();
  REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("k-1", "hotline-1"), auth(token))
              .status == 202);
  REQUIRE(d.terminate() == 0);

  // Another key: refused, the stored keys would never match again.
  runCommand("cd '" + d.dir() +
             "' && cp hub.key hub.key.orig && head -c 32 /dev/urandom > hub.key");
  CHECK_THROWS(d.start());
  CHECK(d.log().find("not the key this database") != std::string::npos);
  runCommand("cd '" + d.dir() + "' && mv hub.key.orig hub.key");

  // A database from before keyed hashing: plain SHA-256 keys, no fingerprint. They are erased.
  std::string plain = python("import hashlib;print(hashlib.sha256(b'" + kId + "').hexdigest())");
  d.sql("UPDATE items SET id_key='" + plain + "'; DELETE FROM hub_meta;");
  d.sql("INSERT OR REPLACE INTO persons(id_key, first_hub_seq) VALUES('" + plain + "', 1)");
  d.start();
  CHECK(d.log().find("person_keys_erased") != std::string::npos);
  CHECK(trim(d.sql("SELECT count(*) FROM persons")) == "0");
  CHECK(trim(d.sql("SELECT count(*) FROM items WHERE id_key != '' OR phone_key != ''")) == "0");
  CHECK(trim(d.sql("SELECT count(*) FROM messages")) == "1");  // nothing accepted is lost
  CHECK(d.log().find(kId) == std::string::npos);
}

TEST_CASE("no organisation may be named like the hub's own broker user", "[keys]") {
  Daemon d("", "", "", R"("enabled": false, "username": "hub-broker")");
  for (const std::string org : {"hub-broker"}) {
    int code = 0;
    std::string err = runCommand(std::string(XJ_CLI) + " token create --config '" + d.configPath() +
                                     "' --org " + org + " --role charity 2>&1",
                                 &code);
    CHECK(code == 2);
    CHECK(err.find("hub's own MQTT user") != std::string::npos);
  }
  Daemon defaults;  // no mqtt.username: the hub logs in as xianjied
  int code = 0;
  runCommand(std::string(XJ_CLI) + " token create --config '" + defaults.configPath() +
                 "' --org xianjied --role hotline 2>&1",
             &code);
  CHECK(code == 2);
  CHECK(trim(defaults.sql("SELECT count(*) FROM tokens")) == "0");
}
