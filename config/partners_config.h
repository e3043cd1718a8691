// Loads config/partners.jsonc (hub config key `partners_path`) into a PartnerDirectory
// (hub/core/partner_directory.h), validating everything at once: every problem is returned with
// its JSON path and the directory must then not be used. Webhook secrets are read from their
// files here (relative paths from the current directory, like every config path). Called on the
// main thread at start-up and on SIGHUP.
#pragma once

#include <memory>
#include <string>

#include "hub/core/partner_directory.h"
#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "hub/core/township.h"

namespace xj {

Result<std::shared_ptr<const PartnerDirectory>> loadPartners(const std::string& path,
                                                             const TownshipDirectory& townships,
                                                             Problems& problems);
Result<std::shared_ptr<const PartnerDirectory>> parsePartners(const std::string& text,
                                                              const TownshipDirectory& townships,
                                                              Problems& problems);

}  // namespace xj
