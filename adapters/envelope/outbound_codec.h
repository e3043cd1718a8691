// The bodies that leave the hub for a partner, encoded from domain values with RapidJSON, in one
// place for every adapter. Now: the person of a referral out, kept to the fields the work
// service allows (routing/work/work_service.h decides which; this only writes them).
// Pure; any thread.
#pragma once

#include <string>

#include "routing/work/work_service.h"

namespace xj::envelope {

// The person of the stored message `payload` (its `subject`, and the needs of its `body`) as
// `fields` allow: the allowed subject fields that are strings, the household as it was given,
// and the needs with `need` first. Anything missing or malformed is left out; never throws.
// Fits routing::PersonEncoder.
std::string encodePerson(const std::string& payload, const routing::PersonFields& fields,
                         const std::string& need);

}  // namespace xj::envelope
