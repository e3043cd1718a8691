#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "hub/cli/cli.h"

namespace xj::cli {

int usage() {
  std::fprintf(
      stderr,
      "usage:\n"
      "  xianjie token create [--config FILE] --org ID --role hotline|charity|agency|staff|admin "
      "[--name PERSON] [--township CODE ...] [--expires-in-days N]\n"
      "      (--name: the one person the token is for; recommended for partners' tokens, one\n"
      "       token per person, so that each action is recorded with who did it)\n"
      "  xianjie token list   [--config FILE]\n"
      "  xianjie token rotate [--config FILE] TOKEN_ID [--overlap-hours H] [--expires-in-days N]\n"
      "  xianjie token revoke [--config FILE] TOKEN_ID\n"
      "  xianjie eval FILE.json [--config FILE] [--as-of YYYY-MM-DD] [--explain] [--no-trace]\n"
      "  xianjie routes test [--config FILE] MESSAGE.json\n"
      "  xianjie calendar import FILE.json [--config FILE] [--out DIR]\n"
      "  xianjie mqtt-acl [--config FILE] --out DIR\n"
      "  xianjie outbox list [--config FILE] [--state pending|delivered|dead] [--after ID]\n"
      "  xianjie outbox replay [--config FILE] ID\n"
      "  xianjie audit verify [--config FILE]\n"
      "  xianjie audit query  [--config FILE] [--person ID_NUMBER] [--org ORG] [--from YYYY-MM-DD] "
      "[--to YYYY-MM-DD]\n"
      "  xianjie key status [--config FILE]\n"
      "  xianjie key rotate [--config FILE] [--new-kek-file FILE]\n"
      "  xianjie backup [--config FILE] --out FILE     (while the hub runs; writes "
      "FILE.manifest.json too)\n"
      "  xianjie restore --in FILE [--config FILE]     (the hub stopped; the database there is "
      "kept aside)\n");
  return 2;
}

bool storeCommandFromArgs(int argc, char** argv, StoreCommand& out, int& exit_code) {
  if (argc < 3) {
    exit_code = usage();
    return false;
  }
  out.verb = argv[2];
  std::vector<char*> rest_args;
  exit_code = 1;
  if (!configFromArgs(argc, argv, 3, out.config, rest_args)) return false;
  out.rest.assign(rest_args.begin(), rest_args.end());
  out.kek = loadKek(out.config);
  return out.kek.has_value();
}

std::optional<security::KeyEncryptionKey> loadKek(const HubConfig& config) {
  auto kek = security::KeyEncryptionKey::load(
      config.store.kek_file, std::filesystem::path(config.store.path).parent_path().string());
  if (!kek.isOk()) {
    std::fprintf(stderr, "%s\n", kek.status().toString().c_str());
    return std::nullopt;
  }
  return std::move(kek).value();
}

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
    } else if (k == "--name") {
      next(a.name);
      a.name_given = true;
    } else if (k == "--township") {
      std::string t;
      next(t);
      a.townships.push_back(t);
    } else if (k == "--expires-in-days" || k == "--overlap-hours") {
      std::string v;
      next(v);
      char* end = nullptr;
      long n = v.empty() ? -1 : std::strtol(v.c_str(), &end, 10);
      if (n < 0 || n > 3650 || (end && *end)) {
        std::fprintf(stderr, "%s needs a whole number from 0 to 3650\n", k.c_str());
        a.ok = false;
      } else {
        (k == "--expires-in-days" ? a.expires_in_days : a.overlap_hours) = static_cast<int>(n);
      }
    } else if (k.rfind("--", 0) == 0) {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      a.ok = false;
    } else {
      a.positional.push_back(k);
    }
  }
  return a;
}

bool configFromArgs(int argc, char** argv, int from, HubConfig& config, std::vector<char*>& rest) {
  for (int i = from; i < argc; ++i) {
    if (std::string(argv[i]) == "--config" && i + 1 < argc) {
      Problems problems;
      auto loaded = loadHubConfig(argv[++i], problems);
      if (!loaded.isOk()) {
        std::fprintf(stderr, "%s:\n%s", argv[i], formatProblems(problems).c_str());
        return false;
      }
      config = loaded.value();
    } else {
      rest.push_back(argv[i]);
    }
  }
  return true;
}

}  // namespace xj::cli
