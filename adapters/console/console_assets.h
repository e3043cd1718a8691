// The console's static files, embedded at build time from adapters/console/static/ (see
// CMakeLists.txt). Immutable data: safe to read from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace xj::console {

// One embedded file: its name under /console/ and its bytes.
struct EmbeddedFile {
  std::string_view name;
  std::string_view body;
};

// A file ready to serve: its bytes and the Content-Type its extension calls for.
struct Asset {
  std::string_view body;
  std::string_view content_type;
};

// The file called `name` (a bare file name such as "app.js"), or nullopt when there is none or
// the name is not one the console serves (no paths, no hidden files, an extension it knows).
std::optional<Asset> findAsset(std::string_view name);

// The page served at "/".
inline constexpr std::string_view kIndexFile = "index.html";

// Headers on every console response: the page may load only the hub's own scripts, styles and
// API (no CDN, no inline script or style), may not be framed, and leaks no referrer.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'";

}  // namespace xj::console
