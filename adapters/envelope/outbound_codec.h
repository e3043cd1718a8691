// The bodies that leave the hub for a partner or the designated platform, encoded from domain
// values with RapidJSON, in one place for every adapter and every policy: the referral out, an
// exchange's status and outcome, the platform's category change (routing/work/outbound_bodies.h
// says what each holds; the policies decide when one is sent), and the person of a referral,
// kept to the fields the work service allows (routing/work/work_service.h decides which; this
// only writes them). Pure; any thread.
#pragma once

#include <string>

#include "routing/work/outbound_bodies.h"
#include "routing/work/work_service.h"

namespace xj::envelope {

// The hub's bodies, as JSON objects; immutable, lives as long as the program.
const routing::OutboundBodies& outboundBodies();

// The person of the stored message `payload` (its `subject`, and the needs of its `body`) as
// `fields` allow: the allowed subject fields that are strings, the household as it was given,
// and the needs with `need` first. Anything missing or malformed is left out; never throws.
// Fits routing::PersonEncoder.
std::string encodePerson(const std::string& payload, const routing::PersonFields& fields,
                         const std::string& need);

}  // namespace xj::envelope
