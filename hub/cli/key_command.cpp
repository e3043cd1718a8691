// `xianjie key status|rotate`: the data keys of the personal fields sealed at rest
// (hub/storage/data_keys.h). A rotation takes effect in the running hub within about a second;
// the hub then re-encrypts the rows under the older key in small batches and destroys it.
#include <cstdio>
#include <string>
#include <vector>

#include "hub/cli/cli.h"
#include "hub/core/time_format.h"
#include "hub/storage/data_keys.h"

namespace xj::cli {
namespace {

int keyStatus(const HubConfig& config, const security::KeyEncryptionKey& kek) {
  auto report = storage::dataKeyReport(config.store.path, kek);
  if (!report.isOk()) {
    std::fprintf(stderr, "%s\n", report.status().toString().c_str());
    return 1;
  }
  const auto& r = report.value();
  std::printf("%-6s %-10s %-21s %-21s %s\n", "KEY", "STATE", "CREATED", "DESTROYED", "KEK");
  for (const auto& k : r.keys)
    std::printf("%-6u %-10s %-21s %-21s %s\n", k.key_id, k.state.c_str(), k.created_at.c_str(),
                k.retired_at.empty() ? "-" : k.retired_at.c_str(),
                k.state == "destroyed" ? "-" : (k.wrapped_by_this_kek ? "this" : "OTHER"));
  if (r.walk.done())
    std::printf("walk: done (every personal field is sealed under key %u)\n", r.walk.active_key);
  else
    std::printf("walk: in progress (sealing under key %u: table %d of %d)\n", r.walk.active_key,
                r.walk.table_index + 1, storage::KeyWalkState::tableCount());
  return 0;
}

int keyRotate(const HubConfig& config, const security::KeyEncryptionKey& kek,
              const std::vector<std::string>& rest) {
  std::string new_kek_file;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "--new-kek-file" && i + 1 < rest.size()) {
      new_kek_file = rest[++i];
    } else {
      std::fprintf(stderr, "key rotate: unknown argument %s\n", rest[i].c_str());
      return 2;
    }
  }
  if (!new_kek_file.empty()) {
    HubConfig next_config = config;
    next_config.store.kek_file = new_kek_file;
    auto next = loadKek(next_config);
    if (!next) return 1;
    if (auto s = storage::rewrapDataKeysAt(config.store.path, kek, *next); !s.isOk()) {
      std::fprintf(stderr, "%s\n", s.toString().c_str());
      return 1;
    }
    std::printf(
        "every data key is now wrapped by %s: set store.kek_file to it before the hub's next "
        "start (the running hub keeps its keys in memory), then keep the old file until then\n",
        new_kek_file.c_str());
    return 0;
  }
  auto id = storage::rotateDataKeyAt(config.store.path, kek,
                                     formatRfc3339(std::chrono::system_clock::now()));
  if (!id.isOk()) {
    std::fprintf(stderr, "%s\n", id.status().toString().c_str());
    return 1;
  }
  std::printf(
      "data key %u is active: the running hub seals new fields under it within a second and "
      "re-encrypts the older rows in batches (xianjie key status shows the walk)\n",
      id.value());
  return 0;
}

}  // namespace

int keyCommand(int argc, char** argv) {
  StoreCommand c;
  int code = 0;
  if (!storeCommandFromArgs(argc, argv, c, code)) return code;
  if (c.verb == "status") return keyStatus(c.config, *c.kek);
  if (c.verb == "rotate") return keyRotate(c.config, *c.kek, c.rest);
  return usage();
}

}  // namespace xj::cli
