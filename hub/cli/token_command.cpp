// xianjie token create|list|rotate|revoke: API tokens in the hub's database (hashes only). The
// running hub picks changes up within a second (its token refresher). A token may end
// (--expires-in-days); `rotate` makes its successor and lets the old one work for an overlap
// (tokens.rotation_overlap_hours) so that its holder can switch without a gap.
#include <cctype>
#include <chrono>
#include <cstdio>

#include "config/standards.h"
#include "hub/cli/cli.h"
#include "hub/core/time_format.h"
#include "hub/security/token_registry.h"
#include "hub/storage/token_table.h"

namespace xj::cli {
namespace {

// Every reason the create request is refused (empty: none); canonicalises the townships' codes.
std::vector<std::string> createProblems(const HubConfig& config, Args& a) {
  std::vector<std::string> problems;
  auto role = parseRole(a.role);
  if (!role) problems.push_back("--role must be one of hotline, charity, agency, staff, admin");
  if (a.org.empty()) problems.push_back("--org is required");
  // The problem only: the name itself is personal data and is not echoed.
  if (a.name_given)
    if (auto why = personNameProblem(a.name); !why.empty()) problems.push_back("--name " + why);
  for (char c : a.org)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':')) {
      problems.push_back("--org may contain only letters, digits and . _ - :");
      break;
    }
  // The hub's own broker login (mqtt.username, "xianjied" by default) must stay the hub's: an
  // organisation of that name would get its MQTT password and ACL in `xianjie mqtt-acl`.
  const std::string hub_user =
      config.mqtt.username.empty() ? std::string("xianjied") : config.mqtt.username;
  if (a.org == hub_user)
    problems.push_back("--org " + a.org + " is the hub's own MQTT user name (mqtt.username)");
  Problems standards_problems;
  auto standards = household::loadStandards(config.standards_dir, standards_problems);
  if (!standards.isOk()) {
    problems.push_back("standards in " + config.standards_dir + " could not be loaded");
    return problems;
  }
  for (auto& t : a.townships) {
    const auto* found = standards.value()->townships.find(t);
    if (!found) {
      problems.push_back("--township " + t + " is not a Dahua township");
    } else {
      t = found->code;
    }
  }
  return problems;
}

using SysTime = std::chrono::system_clock::time_point;

std::string daysAfter(SysTime now, int days) {
  return formatRfc3339(now + std::chrono::hours(24) * days);
}

int tokenCreate(const HubConfig& config, Args& a, storage::TokenTable& table, SysTime at) {
  const std::string now = formatRfc3339(at);
  if (auto problems = createProblems(config, a); !problems.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
    return 2;
  }
  Principal p;
  p.org = a.org;
  p.role = *parseRole(a.role);
  p.townships = a.townships;
  p.person = a.name;
  auto made = security::makeToken(p, now);
  if (a.expires_in_days >= 0) made.record.expires_at = daysAfter(at, a.expires_in_days);
  if (auto s = table.insert(made.record); !s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return 1;
  }
  // The token itself goes to stdout alone, so scripts can capture it; it is shown only once.
  std::printf("%s\n", made.token.c_str());
  std::fprintf(stderr,
               "created token %s for org=%s role=%s%s (store it now: it cannot be shown again)\n",
               made.record.principal.token_id.c_str(), a.org.c_str(), a.role.c_str(),
               a.name.empty() ? "" : " for one named person");
  return 0;
}

int tokenList(storage::TokenTable& table) {
  auto rows = table.list();
  if (!rows.isOk()) {
    std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
    return 1;
  }
  // The person last: a name may hold spaces, and the columns before it keep their places.
  std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %-24s  %-12s  %s\n", "TOKEN_ID", "ORG", "ROLE",
              "STATE", "CREATED", "EXPIRES", "TOWNSHIPS", "PERSON");
  const auto now = std::chrono::system_clock::now();
  for (const auto& r : rows.value()) {
    std::string t;
    for (const auto& x : r.principal.townships) t += (t.empty() ? "" : ",") + x;
    auto ends = r.expires_at.empty() ? std::nullopt : parseRfc3339(r.expires_at);
    const char* state = r.revoked                                            ? "revoked"
                        : (!r.expires_at.empty() && (!ends || *ends <= now)) ? "expired"
                                                                             : "active";
    std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %-24s  %-12s  %s\n", r.principal.token_id.c_str(),
                r.principal.org.c_str(), std::string(toString(r.principal.role)).c_str(), state,
                r.created_at.c_str(), r.expires_at.empty() ? "-" : r.expires_at.c_str(),
                t.empty() ? "*" : t.c_str(),
                r.principal.person.empty() ? "-" : r.principal.person.c_str());
  }
  return 0;
}

// A successor with the same organisation, role and townships; the old token ends after the
// overlap (or keeps its earlier end). The new token ends after --expires-in-days, else after the
// old one's lifetime (if it had one), else never.
int tokenRotate(const HubConfig& config, const Args& a, storage::TokenTable& table, SysTime at) {
  if (a.positional.size() != 1) return usage();
  const std::string& id = a.positional[0];
  auto rows = table.list();
  if (!rows.isOk()) {
    std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
    return 1;
  }
  const TokenRecord* old = nullptr;
  for (const auto& r : rows.value())
    if (r.principal.token_id == id && !r.revoked) old = &r;
  if (!old) {
    std::fprintf(stderr, "no active token %s\n", id.c_str());
    return 2;
  }
  auto made = security::makeToken(old->principal, formatRfc3339(at));
  if (a.expires_in_days >= 0) {
    made.record.expires_at = daysAfter(at, a.expires_in_days);
  } else if (!old->expires_at.empty()) {
    auto created = parseRfc3339(old->created_at);
    auto ended = parseRfc3339(old->expires_at);
    if (created && ended && *ended > *created)
      made.record.expires_at = formatRfc3339(at + (*ended - *created));
  }
  const int overlap = a.overlap_hours >= 0 ? a.overlap_hours : config.tokens.rotation_overlap_hours;
  const std::string old_ends = formatRfc3339(at + std::chrono::hours(overlap));
  if (auto s = table.insert(made.record); !s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return 1;
  }
  if (auto s = table.endBy(id, old_ends); !s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return 1;
  }
  std::printf("%s\n", made.token.c_str());
  std::fprintf(stderr,
               "rotated %s: new token %s for org=%s (store it now: it cannot be shown again); "
               "the old one works until %s\n",
               id.c_str(), made.record.principal.token_id.c_str(), old->principal.org.c_str(),
               old_ends.c_str());
  return 0;
}

int tokenRevoke(const Args& a, storage::TokenTable& table, const std::string& now) {
  if (a.positional.size() != 1) return usage();
  if (auto s = table.revoke(a.positional[0], now); !s.isOk()) {
    std::fprintf(stderr, "%s\n", s.toString().c_str());
    return s.code() == StatusCode::kNotFound ? 2 : 1;
  }
  std::printf("revoked %s\n", a.positional[0].c_str());
  return 0;
}

}  // namespace

int tokenCommand(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string verb = argv[2];
  Args a = parseArgs(argc, argv, 3);
  if (!a.ok) return usage();
  HubConfig config;
  if (!a.config.empty()) {
    Problems problems;
    auto loaded = loadHubConfig(a.config, problems);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s:\n%s", a.config.c_str(), formatProblems(problems).c_str());
      return 1;
    }
    config = loaded.value();
  }
  auto table = storage::TokenTable::open(config.store.path);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  const auto at = std::chrono::system_clock::now();
  if (verb == "create") return tokenCreate(config, a, *table.value(), at);
  if (verb == "list") return tokenList(*table.value());
  if (verb == "rotate") return tokenRotate(config, a, *table.value(), at);
  if (verb == "revoke") return tokenRevoke(a, *table.value(), formatRfc3339(at));
  return usage();
}

}  // namespace xj::cli
