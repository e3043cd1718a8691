// xianjie: the admin CLI. Reads the same config as the daemon.
//   xianjie token create --config FILE --org ID --role ROLE [--township CODE ...]
//   xianjie token list   --config FILE
//   xianjie token revoke --config FILE TOKEN_ID
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "hub/core/time_format.h"
#include "hub/security/token_registry.h"
#include "hub/storage/token_table.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  xianjie token create [--config FILE] --org ID --role hotline|charity|agency|staff|admin [--township CODE ...]\n"
               "  xianjie token list   [--config FILE]\n"
               "  xianjie token revoke [--config FILE] TOKEN_ID\n");
  return 2;
}

struct Args {
  std::string config;
  std::string org;
  std::string role;
  std::vector<std::string> townships;
  std::vector<std::string> positional;
  bool ok = true;
};

Args parseArgs(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        a.ok = false;
        return;
      }
      out = argv[++i];
    };
    if (k == "--config") {
      next(a.config);
    } else if (k == "--org") {
      next(a.org);
    } else if (k == "--role") {
      next(a.role);
    } else if (k == "--township") {
      std::string t;
      next(t);
      a.townships.push_back(t);
    } else if (k.rfind("--", 0) == 0) {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      a.ok = false;
    } else {
      a.positional.push_back(k);
    }
  }
  return a;
}

int tokenCommand(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string verb = argv[2];
  Args a = parseArgs(argc, argv, 3);
  if (!a.ok) return usage();
  xj::HubConfig config;
  if (!a.config.empty()) {
    xj::Problems problems;
    auto loaded = xj::loadHubConfig(a.config, problems);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s:\n%s", a.config.c_str(), xj::formatProblems(problems).c_str());
      return 1;
    }
    config = loaded.value();
  }
  auto table = xj::storage::TokenTable::open(config.store.path);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  auto now = xj::formatRfc3339(std::chrono::system_clock::now());
  if (verb == "create") {
    std::vector<std::string> problems;
    auto role = xj::parseRole(a.role);
    if (!role) problems.push_back("--role must be one of hotline, charity, agency, staff, admin");
    if (a.org.empty()) problems.push_back("--org is required");
    for (char c : a.org)
      if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':')) {
        problems.push_back("--org may contain only letters, digits and . _ - :");
        break;
      }
    auto townships = xj::loadTownships(config.standards_dir);
    if (!townships.isOk()) {
      problems.push_back(townships.status().message());
    } else {
      for (auto& t : a.townships) {
        const auto* found = townships.value().find(t);
        if (!found) {
          problems.push_back("--township " + t + " is not a Dahua township");
        } else {
          t = found->code;
        }
      }
    }
    if (!problems.empty()) {
      for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
      return 2;
    }
    xj::Principal p;
    p.org = a.org;
    p.role = *role;
    p.townships = a.townships;
    auto made = xj::security::makeToken(p, now);
    if (auto s = table.value()->insert(made.record); !s.isOk()) {
      std::fprintf(stderr, "%s\n", s.toString().c_str());
      return 1;
    }
    // The token itself goes to stdout alone, so scripts can capture it; it is shown only once.
    std::printf("%s\n", made.token.c_str());
    std::fprintf(stderr, "created token %s for org=%s role=%s (store it now: it cannot be shown again)\n",
                 made.record.principal.token_id.c_str(), a.org.c_str(), a.role.c_str());
    return 0;
  }
  if (verb == "list") {
    auto rows = table.value()->list();
    if (!rows.isOk()) {
      std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
      return 1;
    }
    std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %s\n", "TOKEN_ID", "ORG", "ROLE", "STATE", "CREATED", "TOWNSHIPS");
    for (const auto& r : rows.value()) {
      std::string t;
      for (const auto& x : r.principal.townships) t += (t.empty() ? "" : ",") + x;
      std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %s\n", r.principal.token_id.c_str(), r.principal.org.c_str(),
                  std::string(xj::toString(r.principal.role)).c_str(), r.revoked ? "revoked" : "active",
                  r.created_at.c_str(), t.empty() ? "*" : t.c_str());
    }
    return 0;
  }
  if (verb == "revoke") {
    if (a.positional.size() != 1) return usage();
    if (auto s = table.value()->revoke(a.positional[0], now); !s.isOk()) {
      std::fprintf(stderr, "%s\n", s.toString().c_str());
      return s.code() == xj::StatusCode::kNotFound ? 2 : 1;
    }
    std::printf("revoked %s\n", a.positional[0].c_str());
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "token") return tokenCommand(argc, argv);
  return usage();
}
