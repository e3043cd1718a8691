// The README a newcomer reads: its code fences are balanced, it names no file
// outside the repository, and the example commands of "Administration" run as written (token
// create and list, eval, routes test, mqtt-acl, --check-config on the example config), from a
// directory laid out like the repository root with build/release/hub pointing at this build.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/daemon.h"

using namespace xj::test;

namespace {

std::vector<std::string> readmeLines() {
  std::ifstream in(std::string(XJ_SOURCE_DIR) + "/README.md");
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool startsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

}  // namespace

TEST_CASE("README: code fences are balanced and no heading sits inside code", "[config][readme]") {
  auto lines = readmeLines();
  REQUIRE(lines.size() > 100);
  bool in_code = false;
  size_t opened_at = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("README.md line " << i + 1 << ": " << lines[i]);
    if (startsWith(lines[i], "```")) {
      if (!in_code) opened_at = i + 1;
      // A closing fence carries no info string; an opening one in this README always does.
      CHECK((in_code ? lines[i] == "```" : lines[i].size() > 3));
      in_code = !in_code;
      continue;
    }
    if (in_code) CHECK_FALSE(startsWith(lines[i], "## "));
  }
  INFO("the fence opened at line " << opened_at << " is never closed");
  CHECK_FALSE(in_code);
  // The README names no path above the repository root: a clone has nothing beside it.
  // ("../" after a '.' is the API table's ".../items" ellipsis, not a path.)
  for (const auto& l : lines)
    for (size_t at = l.find("../"); at != std::string::npos; at = l.find("../", at + 1))
      CHECK((at > 0 && l[at - 1] == '.'));
}

TEST_CASE("README: the Administration examples run as written", "[config][readme]") {
  auto lines = readmeLines();
  std::vector<std::string> commands;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!startsWith(lines[i], "<!-- readme-test:")) continue;
    REQUIRE(i + 1 < lines.size());
    REQUIRE(lines[i + 1] == "```sh");
    for (size_t j = i + 2; j < lines.size() && lines[j] != "```"; ++j)
      if (!lines[j].empty() && lines[j][0] != '#') commands.push_back(lines[j]);
  }
  REQUIRE(commands.size() >= 5);

  // A scratch repository root: the in-repo directories the examples read, this build as
  // build/release/hub, and the key files scripts/run would have made.
  std::string root = runCommand("mktemp -d \"${TMPDIR:-/tmp}/xj-readme-XXXXXX\"");
  root.pop_back();
  std::string bin = std::string(XJ_CLI).substr(0, std::string(XJ_CLI).rfind('/'));
  for (const char* d : {"config", "tests", "scripts"})
    runCommand("ln -s '" + std::string(XJ_SOURCE_DIR) + "/" + d + "' '" + root + "/" + d + "'");
  runCommand("mkdir -p '" + root + "/build/release' '" + root + "/var' '" + root +
             "/keys' && ln -s '" + bin + "' '" + root +
             "/build/release/hub' && (umask 077; head -c 32 /dev/urandom > '" + root +
             "/var/xianjie.key'; head -c 32 /dev/urandom > '" + root + "/keys/xianjie.kek')");

  std::vector<std::string> outputs;
  for (const auto& cmd : commands) {
    // Every file the example names is in the repository (nothing outside it).
    std::istringstream words(cmd);
    for (std::string w; words >> w;) {
      if (w.find('/') == std::string::npos || startsWith(w, "build/") || startsWith(w, "var/"))
        continue;
      struct stat st {};
      INFO(cmd << ": names " << w);
      CHECK(::stat((std::string(XJ_SOURCE_DIR) + "/" + w).c_str(), &st) == 0);
    }
    int code = -1;
    std::string out = runCommand("cd '" + root + "' && " + cmd + " 2>&1", &code);
    INFO(cmd << "\n" << out);
    CHECK(code == 0);
    outputs.push_back(out);
  }
  auto ran = [&](const std::string& what, const std::string& expect) {
    for (size_t i = 0; i < commands.size(); ++i)
      if (commands[i].find(what) != std::string::npos)
        return outputs[i].find(expect) != std::string::npos;
    return false;
  };
  CHECK(ran("--check-config", ": ok"));
  CHECK(ran("token create", "xjt_"));
  CHECK(ran("token list", "jiangnan-team"));
  CHECK(ran("eval", "低保边缘"));
  CHECK(ran("routes test", "matched rule:"));
  CHECK(ran("mqtt-acl", "jiangnan-team") == false);  // staff get no MQTT login
  CHECK(ran("outbox list", "LAST_ERROR"));
  CHECK(ran("backup", "manifest var/xianjie-backup.db.manifest.json"));
  struct stat st {};
  CHECK(::stat((root + "/var/mqtt-acl-preview/passwd").c_str(), &st) == 0);
  runCommand("rm -rf '" + root + "'");
}
