// Loads config/villages.jsonc (hub config key `villages_path`) into a PlaceDirectory
// (hub/core/place_directory.h), checked against the standards' township list and validated as a
// whole: every problem is returned with its JSON path, and the directory must then not be used.
// Called on the main thread at start-up.
#pragma once

#include <memory>
#include <string>

#include "hub/core/place_directory.h"
#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "hub/core/township.h"

namespace xj {

Result<std::shared_ptr<const PlaceDirectory>> loadVillages(const std::string& path,
                                                           const TownshipDirectory& townships,
                                                           Problems& problems);
Result<std::shared_ptr<const PlaceDirectory>> parseVillages(const std::string& text,
                                                            const TownshipDirectory& townships,
                                                            Problems& problems);

}  // namespace xj
