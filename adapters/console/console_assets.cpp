#include "adapters/console/console_assets.h"

namespace xj::console {

// Defined in the generated console_files.cpp.
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

namespace {

// By extension; a file of another kind is not served (it would go out with a guessed type that
// nosniff makes the browser refuse anyway). Module scripts need a JavaScript MIME type.
std::optional<std::string_view> contentTypeFor(std::string_view name) {
  struct Kind {
    std::string_view ext, type;
  };
  static constexpr Kind kKinds[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
  };
  for (const auto& k : kKinds)
    if (name.size() > k.ext.size() && name.ends_with(k.ext)) return k.type;
  return std::nullopt;
}

}  // namespace

std::optional<Asset> findAsset(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos)
    return std::nullopt;
  auto type = contentTypeFor(name);
  if (!type) return std::nullopt;
  for (size_t i = 0; i < kEmbeddedFileCount; ++i)
    if (kEmbeddedFiles[i].name == name) return Asset{kEmbeddedFiles[i].body, *type};
  return std::nullopt;
}

}  // namespace xj::console
