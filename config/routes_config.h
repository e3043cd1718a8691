// Loads config/routes.jsonc into a RouteTable, validating everything at once: unknown queues,
// duplicate names, values outside the vocabularies, rules that can never match (an empty list,
// a condition that contradicts the rule's kinds, or an earlier rule that already takes every
// message this one would). Called on the main thread at start-up and on SIGHUP, and by
// `xianjie routes test`.
#pragma once

#include <memory>
#include <string>

#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "hub/core/township.h"
#include "routing/route_table.h"

namespace xj {

Result<std::shared_ptr<const routing::RouteTable>> loadRoutes(const std::string& path,
                                                              const TownshipDirectory& townships,
                                                              Problems& problems);
Result<std::shared_ptr<const routing::RouteTable>> parseRoutes(const std::string& text,
                                                               const TownshipDirectory& townships,
                                                               Problems& problems);

}  // namespace xj
