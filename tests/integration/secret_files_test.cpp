// Every secret file the hub reads is refused when group or others may read or write it, as the
// person-key file is: a partner's webhook secret at mode 0644 stops the start, and the error
// names the file but never shows the secret.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>

#include "tests/support/daemon.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

const std::string kSecret = "secret-of-open-partner-0123456789abcdef";

std::string partners(const std::string& secret_file) {
  return R"({"partners": [{"org": "ngo-open", "name": "ngo-open", "services": ["food"],)"
         R"( "townships": ["*"], "channel": {"type": "webhook", "url": "http://127.0.0.1:9/hook",)"
         R"( "secret_file": ")" +
         secret_file + R"("}}], "platform": {"enabled": false}})";
}

}  // namespace

TEST_CASE("a webhook secret file readable or writable by group or others stops the start",
          "[hardening][secrets]") {
  for (mode_t mode : {0644, 0640, 0620, 0604, 0602}) {
    INFO("mode " << std::oct << mode);
    Daemon d;
    const std::string file = d.dir() + "/ngo-open.key";
    writeSecretFile(file, kSecret + "\n");
    REQUIRE(::chmod(file.c_str(), mode) == 0);
    d.writePartners(partners(file));
    CHECK_THROWS(d.start());
    const std::string log = d.log();
    CHECK(log.find(file) != std::string::npos);
    CHECK(log.find("group or others") != std::string::npos);
    CHECK(log.find(kSecret) == std::string::npos);
  }
  // The same file at 0600 starts.
  Daemon d;
  const std::string file = d.dir() + "/ngo-open.key";
  writeSecretFile(file, kSecret + "\n");
  d.writePartners(partners(file));
  d.start();
  CHECK(d.terminate() == 0);
}
