// xianjie outbox list|replay: list rows (no bodies: they may name a person), or ask the hub to
// replay a dead one. The running hub applies the request within about a second; a stopped hub
// at its start.
#include <chrono>
#include <cstdio>
#include <optional>

#include "hub/cli/cli.h"
#include "hub/core/time_format.h"
#include "hub/storage/outbox_table.h"

namespace xj::cli {
namespace {

bool outboxId(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoll(s);
  return true;
}

int outboxList(const std::vector<std::string>& rest, storage::OutboxTable& table) {
  std::optional<OutboxState> state;
  int64_t after = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "--state" && i + 1 < rest.size()) {
      state = parseOutboxState(rest[++i]);
      if (!state) {
        std::fprintf(stderr, "--state must be pending, delivered or dead\n");
        return 2;
      }
    } else if (rest[i] == "--after" && i + 1 < rest.size()) {
      if (!outboxId(rest[++i], after)) {
        std::fprintf(stderr, "--after must be an outbox id\n");
        return 2;
      }
    } else {
      return usage();
    }
  }
  std::printf("%-8s  %-20s  %-16s  %-26s  %-9s  %-8s  %-25s  %s\n", "ID", "PARTNER", "LANE", "KIND",
              "STATE", "ATTEMPTS", "UPDATED", "LAST_ERROR");
  for (;;) {
    auto rows = table.list(state, after, 500);
    if (!rows.isOk()) {
      std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
      return 1;
    }
    for (const auto& r : rows.value())
      std::printf("%-8lld  %-20s  %-16s  %-26s  %-9s  %-8d  %-25s  %s\n",
                  static_cast<long long>(r.id), r.message.partner.c_str(),
                  r.message.lane_key.c_str(), r.message.kind.c_str(), toString(r.state), r.attempts,
                  r.updated_at.c_str(), r.last_error.c_str());
    if (rows.value().size() < 500) break;
    after = rows.value().back().id;
  }
  return 0;
}

int outboxReplay(const std::vector<std::string>& rest, storage::OutboxTable& table) {
  int64_t id = 0;
  if (rest.size() != 1 || !outboxId(rest[0], id)) return usage();
  auto s = table.requestReplay(id, "cli", formatRfc3339(std::chrono::system_clock::now()));
  if (!s.isOk()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return s.code() == StatusCode::kNotFound || s.code() == StatusCode::kConflict ? 2 : 1;
  }
  std::printf(
      "replay of outbox row %lld requested; the running hub applies it within about a "
      "second\n",
      static_cast<long long>(id));
  return 0;
}

}  // namespace

int outboxCommand(int argc, char** argv) {
  StoreCommand c;
  int code = 0;
  if (!storeCommandFromArgs(argc, argv, c, code)) return code;
  auto table = storage::OutboxTable::open(c.config.store.path, *c.kek);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  if (c.verb == "list") return outboxList(c.rest, *table.value());
  if (c.verb == "replay") return outboxReplay(c.rest, *table.value());
  return usage();
}

}  // namespace xj::cli
