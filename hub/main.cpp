// xianjied: args -> config -> Hub -> run. Everything else lives in hub.cpp.
#include <cstdio>
#include <cstring>
#include <string>

#include "adapters/http/tls_context.h"
#include "config/hub_config.h"
#include "hub/core/log.h"
#include "hub/hub.h"
#include "hub/security/person_keys.h"

namespace {
int usage() {
  std::fprintf(stderr,
               "usage: xianjied [--config FILE]     run the hub (defaults when no file)\n"
               "       xianjied --check-config FILE validate a config and exit\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    if ((!std::strcmp(argv[i], "--config") || !std::strcmp(argv[i], "--check-config")) &&
        i + 1 < argc) {
      check_only = check_only || !std::strcmp(argv[i], "--check-config");
      config_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      usage();
      return 0;
    } else {
      return usage();
    }
  }
  xj::HubConfig config;
  if (!config_path.empty()) {
    xj::Problems problems;
    auto loaded = xj::loadHubConfig(config_path, problems);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s: %zu problem(s):\n%s", config_path.c_str(), problems.size(),
                   xj::formatProblems(problems).c_str());
      return 1;
    }
    config = loaded.value();
  }
  // The person-key file is part of a working configuration: missing, unreadable, too short or
  // open to others is an error here as it is at start-up.
  if (auto keys = xj::security::HmacPersonKeyer::load(config.store.key_file); !keys.isOk()) {
    std::fprintf(stderr, "%s: 1 problem(s):\n  /store/key_file: %s\n",
                 config_path.empty() ? "(defaults)" : config_path.c_str(),
                 keys.status().message().c_str());
    return 1;
  }
  // So are the HTTPS certificate and key (present, matching, the key not open to others).
  if (!config.http.tls.cert_file.empty()) {
    if (auto tls = xj::http::loadTlsContext(config.http.tls); !tls.isOk()) {
      std::fprintf(stderr, "%s: 1 problem(s):\n  /http/tls: %s\n",
                   config_path.empty() ? "(defaults)" : config_path.c_str(),
                   tls.status().message().c_str());
      return 1;
    }
  }
  if (check_only) {
    std::printf("%s: ok\n", config_path.c_str());
    return 0;
  }
  xj::log::setLevel(config.log_level == "debug"   ? xj::log::Level::kDebug
                    : config.log_level == "warn"  ? xj::log::Level::kWarn
                    : config.log_level == "error" ? xj::log::Level::kError
                                                  : xj::log::Level::kInfo);
  xj::Hub hub(config);
  auto s = hub.run();
  if (!s.isOk()) {
    xj::log::error("startup_failed", {{"error", s.toString()}});
    return 1;
  }
  return 0;
}
