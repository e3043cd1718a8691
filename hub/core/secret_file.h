// Secret files: the one way the hub reads a secret it is pointed at by its configuration (the
// person-key file, a partner's signing secret) or checks one that a library opens itself (the
// MQTT client's TLS key, opened by Paho). A secret file must be a regular file that neither group
// nor others may read or write (mode 0600 or 0400), so that no other account on the machine can
// read it or put its own there. Errors name the file and what is wrong, never its content.
// Pure functions of the file system; any thread.
#pragma once

#include <cstddef>
#include <string>

#include "hub/core/status.h"

namespace xj {

// "`what` `path`: readable or writable by group or others (chmod 600 it)", and the like, with
// `what` the config key (e.g. "store.key_file"). `missing_hint` is added when the file does not
// exist. Stops reading once it holds `max_bytes` or more (a longer file is not an error here:
// the caller checks the length).
Result<std::string> readSecretFile(const std::string& what, const std::string& path,
                                   size_t max_bytes, const std::string& missing_hint = "");

// Only the checks (exists, regular file, mode), for a secret another library reads.
Status checkSecretFile(const std::string& what, const std::string& path);

}  // namespace xj
