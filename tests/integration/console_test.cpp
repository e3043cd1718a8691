// The web console as the real xianjied serves it: the page at "/" and every file it
// loads under /console/, with the Content-Type a browser needs (module scripts are refused with a
// wrong one), the security headers, and the bytes of adapters/console/static/ as embedded at
// build time. What a browser does with them is tests/browser's part.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

const std::string kStatic = std::string(XJ_SOURCE_DIR) + "/adapters/console/static";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The headers every console response carries (the contract of CONSOLE-CONTRACT.md).
void checkHeaders(const HttpResponse& r, const std::string& what) {
  INFO(what);
  CHECK(r.headers.at("content-security-policy") ==
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'");
  CHECK(r.headers.at("x-content-type-options") == "nosniff");
  CHECK(r.headers.at("referrer-policy") == "no-referrer");
  CHECK(r.headers.at("cache-control") == "no-cache");
}

// Files a page or module names: src="/console/x", href="/console/x", import ... from "./x.js",
// import("./x.js").
std::set<std::string> referencedFiles(const std::string& text) {
  std::set<std::string> out;
  static const std::regex kRef(R"re((?:src|href)="/console/([A-Za-z0-9._-]+)")re");
  static const std::regex kImport(R"re((?:from\s+|import\s*\(\s*)["']\./([A-Za-z0-9._-]+)["'])re");
  for (const auto* re : {&kRef, &kImport})
    for (std::sregex_iterator it(text.begin(), text.end(), *re), end; it != end; ++it)
      out.insert((*it)[1].str());
  return out;
}

std::string typeFor(const std::string& file) {
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".svg")) return "image/svg+xml";
  if (file.ends_with(".html")) return "text/html; charset=utf-8";
  return "?";
}

}  // namespace

TEST_CASE("GET / serves the console page with its security headers", "[console]") {
  Daemon d;
  d.start();
  auto r = httpRequest(d.port(), "GET", "/");
  REQUIRE(r.status == 200);
  CHECK(r.headers.at("content-type") == "text/html; charset=utf-8");
  checkHeaders(r, "GET /");
  CHECK(r.body == readFile(kStatic + "/index.html"));
  CHECK(r.body.find(R"(<script type="module" src="/console/app.js">)") != std::string::npos);
  // No token is needed for the page (it holds no personal data), and HEAD works like GET.
  auto head = httpRequest(d.port(), "HEAD", "/");
  CHECK(head.status == 200);
  CHECK(head.headers.at("content-security-policy").find("script-src 'self'") != std::string::npos);
}

TEST_CASE("every file the console loads is served, typed and equal to its source", "[console]") {
  Daemon d;
  d.start();
  // Follow the page's references and every module's imports, as a browser would.
  std::set<std::string> seen;
  std::vector<std::string> todo;
  for (const auto& f : referencedFiles(readFile(kStatic + "/index.html"))) todo.push_back(f);
  while (!todo.empty()) {
    std::string f = todo.back();
    todo.pop_back();
    if (!seen.insert(f).second) continue;
    INFO("/console/" << f);
    auto r = httpRequest(d.port(), "GET", "/console/" + f);
    REQUIRE(r.status == 200);
    CHECK(r.headers.at("content-type") == typeFor(f));
    checkHeaders(r, "/console/" + f);
    CHECK(r.body == readFile(kStatic + "/" + f));
    for (const auto& g : referencedFiles(r.body)) todo.push_back(g);
  }
  // The shell and one module per page (CONSOLE-CONTRACT.md) are all reachable from the page.
  for (const char* f :
       {"app.js", "api.js", "i18n.js", "style.css", "signin.js", "validate.js", "call.js",
        "queues.js", "item.js", "exchanges.js", "dashboard.js", "agency.js"}) {
    INFO(f);
    CHECK(seen.count(f) == 1);
  }
  // Every file in static/ is embedded (none forgotten by the build), and nothing loads from
  // elsewhere: no http(s) URL but SVG's XML namespace.
  for (const auto& e : std::filesystem::directory_iterator(kStatic)) {
    std::string name = e.path().filename().string();
    INFO(name);
    auto r = httpRequest(d.port(), "GET", "/console/" + name);
    CHECK(r.status == 200);
    std::string body = std::regex_replace(r.body, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    CHECK(body.find("http://") == std::string::npos);
    CHECK(body.find("https://") == std::string::npos);
  }
}

TEST_CASE("the console serves nothing but its own files", "[console]") {
  Daemon d;
  d.start();
  for (const char* path : {"/console/", "/console/nope.js", "/console/..%2Fhub.jsonc",
                           "/console/.hidden.js", "/console/a/app.js", "/index.html",
                           "/console/index.htm"}) {
    INFO(path);
    CHECK(httpRequest(d.port(), "GET", path).status == 404);
  }
  auto post = httpRequest(d.port(), "POST", "/", "x", {{"Content-Type", "text/plain"}});
  CHECK(post.status == 405);
  CHECK(post.headers.at("allow") == "GET");
}
