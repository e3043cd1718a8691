// The OpenAPI 3 document (adapters/http/openapi.json), embedded at build time and served at
// /v1/openapi.json. Immutable; any thread.
#pragma once

#include <string_view>

namespace xj::http {
extern const std::string_view kOpenApiDocument;
}
