#include "hub/core/secret_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// A file in a fresh temporary directory with `text` at `mode`.
std::string secretAt(const std::string& text, mode_t mode) {
  char dir[] = "/tmp/xj-secret-file-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/s.key";
  std::ofstream(path) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

void removeAll(const std::string& path) {
  std::remove(path.c_str());
  ::rmdir(path.substr(0, path.rfind('/')).c_str());
}

}  // namespace

TEST_CASE("a secret file only its owner may read or write is read", "[secret_file]") {
  for (mode_t mode : {0600, 0400}) {
    auto path = secretAt("the-secret-0123456789", mode);
    auto r = xj::readSecretFile("x.secret_file", path, 4096);
    REQUIRE(r.isOk());
    CHECK(r.value() == "the-secret-0123456789");
    CHECK(xj::checkSecretFile("x.secret_file", path).isOk());
    removeAll(path);
  }
}

TEST_CASE("a secret file group or others may read or write is refused, by name only",
          "[secret_file]") {
  for (mode_t mode : {0644, 0640, 0620, 0610, 0604, 0602, 0601}) {
    INFO("mode " << std::oct << mode);
    auto path = secretAt("the-secret-0123456789", mode);
    auto r = xj::readSecretFile("x.secret_file", path, 4096);
    REQUIRE_FALSE(r.isOk());
    const std::string m = r.status().message();  // status() is a copy
    CHECK(m.find("x.secret_file " + path) == 0);
    CHECK(m.find("group or others") != std::string::npos);
    CHECK(m.find("the-secret") == std::string::npos);
    CHECK(xj::checkSecretFile("x.secret_file", path).message() == m);
    removeAll(path);
  }
}

TEST_CASE("a missing secret file, a directory or a symlink is refused", "[secret_file]") {
  auto path = secretAt("the-secret-0123456789", 0600);
  const std::string dir = path.substr(0, path.rfind('/'));
  auto missing = xj::readSecretFile("x.secret_file", dir + "/nope", 4096, " (make one)");
  REQUIRE_FALSE(missing.isOk());
  CHECK(missing.status().message().find("No such file") != std::string::npos);
  CHECK(missing.status().message().find("(make one)") != std::string::npos);
  CHECK_FALSE(xj::checkSecretFile("x.secret_file", dir).isOk());
  REQUIRE(::symlink(path.c_str(), (dir + "/link").c_str()) == 0);
  CHECK_FALSE(xj::checkSecretFile("x.secret_file", dir + "/link").isOk());
  std::remove((dir + "/link").c_str());
  CHECK(xj::checkSecretFile("x.secret_file", "").message() == "x.secret_file is not set");
  removeAll(path);
}
