// StartFiles: every file the daemon reads at start besides its config (the standards directory,
// the routes, the partner directory with its secret files, the villages, the person-key file,
// the key-encryption key of the sealed personal fields,
// the broker's TLS files when MQTT uses them, and the HTTPS certificate and key when set), loaded
// and checked by one function that both start-up (hub_start.cpp) and `xianjied --check-config`
// (main.cpp) call, so the check cannot answer ok for a configuration the daemon then refuses.
//
// Every file is read even after one failed, so that one run names every problem; each problem's
// path starts with the file it is in. The routes, partners and villages are checked against the
// standards' townships, so they are checked only when the standards loaded.
//
// Main thread, at start (or in the check); the loaded values are immutable after.
#pragma once

#include <memory>
#include <optional>

#include "config/hub_config.h"
#include "config/standards.h"
#include "hub/core/partner_directory.h"
#include "hub/core/place_directory.h"
#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "hub/security/field_cipher.h"
#include "hub/security/person_keys.h"
#include "routing/route_table.h"

namespace xj {

struct StartFiles {
  std::shared_ptr<const household::Standards> standards;
  std::shared_ptr<const routing::RouteTable> routes;
  std::shared_ptr<const PartnerDirectory> partners;
  std::shared_ptr<const PlaceDirectory> places;
  std::optional<security::HmacPersonKeyer> keys;
  std::optional<security::KeyEncryptionKey> kek;
};

// Loads them all into `out`; on any problem returns invalid, with every problem in `problems`
// (path "FILE" or "FILE POINTER"), and `out` must not be used.
Status loadStartFiles(const HubConfig& config, StartFiles& out, Problems& problems);

}  // namespace xj
