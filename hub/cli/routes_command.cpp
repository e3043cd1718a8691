// xianjie routes test: shows which rule takes a message and why, with the pre-screen and
// deadlines, storing nothing.
#include <cstdio>
#include <fstream>
#include <iterator>

#include "adapters/reception/reception.h"
#include "config/routes_config.h"
#include "config/standards.h"
#include "hub/cli/cli.h"
#include "hub/core/clock.h"
#include "hub/security/person_keys.h"

namespace xj::cli {
namespace {

void printDecision(const HubConfig& config, MessageKind kind, const IngestRecord& record,
                   const routing::RouteDecision& d, const routing::RouteTable& table) {
  const auto& p = record.plan;
  const std::string kind_name(toString(kind));
  std::string queues;
  for (const auto& q : p.queues) queues += (queues.empty() ? "" : ", ") + q;
  std::string tags;
  for (const auto& t : p.prescreen_tags) tags += (tags.empty() ? "" : ", ") + t;
  std::printf("route table:  %s (%s)\n", table.version.c_str(), config.routes_path.c_str());
  std::printf("message:      kind=%s source=%s township=%s\n", kind_name.c_str(),
              record.source.c_str(), record.township.c_str());
  std::printf("pre-screen:   category=%s tags=[%s]%s\n", p.prescreen_category.c_str(), tags.c_str(),
              p.rule_set_version.empty() ? " (no household in the message)"
                                         : (" rule set " + p.rule_set_version).c_str());
  std::printf("matched rule: %s\n", d.rule.c_str());
  std::printf("why:          %s\n", d.why.c_str());
  std::printf("queues:       %s\n", queues.c_str());
  std::printf(
      "deadline:     %s%s (accepted on %s)\n",
      p.case_deadline.empty() ? "none: calendar_missing" : p.case_deadline.c_str(),
      p.case_deadline_provisional ? ", provisional: no holiday notice for the year yet" : "",
      p.accepted_on.c_str());
  if (kind == MessageKind::kNotification && !p.id_key.empty())
    std::printf(
        "note:         if the subject is already known to the hub, this becomes a risk alert on %s "
        "instead\n",
        p.township_queue.c_str());
  if (kind == MessageKind::kTicket)
    std::printf(
        "note:         a repeat call (same phone or ID within %d days of an open item) links to "
        "that item instead\n",
        table.repeat_window_days);
}

}  // namespace

int routesCommand(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "test") return usage();
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 3, config, rest)) return 1;
  if (rest.size() != 1) return usage();
  std::ifstream in(rest[0], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", rest[0]);
    return 2;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Problems problems;
  auto standards = household::loadStandards(config.standards_dir, problems);
  if (!standards.isOk()) {
    std::fprintf(stderr, "standards in %s:\n%s", config.standards_dir.c_str(),
                 formatProblems(problems).c_str());
    return 1;
  }
  const TownshipDirectory& townships = standards.value()->townships;
  auto routes = loadRoutes(config.routes_path, townships, problems);
  if (!routes.isOk()) {
    std::fprintf(stderr, "%s: %zu problem(s):\n%s", config.routes_path.c_str(), problems.size(),
                 formatProblems(problems).c_str());
    return 1;
  }
  // The message's own kind decides which endpoint's rules apply.
  auto kind = envelope::peekKind(bytes);
  if (!kind) {
    std::fprintf(stderr, "the message has no kind (ticket, referral or notification)\n");
    return 2;
  }
  routing::RouteTableHolder holder(routes.value());
  SystemClock clock;
  // A dry run stores nothing: its person keys need not match the hub's, so no key file is read.
  auto keys = security::HmacPersonKeyer::ephemeral();
  reception::Reception reception(standards.value(), townships, holder, clock, envelope::Limits{},
                                 keys);
  IngestRecord record;
  Problems bad;
  routing::RouteDecision d;
  if (reception.prepare(bytes, *kind, record, bad, &d) != envelope::ParseOutcome::kOk) {
    std::fprintf(stderr, "the message is not valid: %zu problem(s):\n%s", bad.size(),
                 formatProblems(bad).c_str());
    return 2;
  }
  printDecision(config, *kind, record, d, *holder.get());
  return 0;
}

}  // namespace xj::cli
