// GET /v1/vocabulary: the domain's closed vocabularies (hub/core/vocabulary.h) with their zh-CN
// and English labels, so that the console offers and names exactly what the hub accepts instead
// of keeping copies. Any signed-in caller may read it (nothing in it is personal or scoped).
// I/O thread; answers at once, without the store.
#pragma once

#include <string>

#include "adapters/http/api_support.h"

namespace xj::http {

// The document the endpoint answers: {"categories", "prescreen_categories", "urgencies",
// "signals", "departments", "outcomes": [{"value", "zh", "en"}],
// "states": [{"value", "zh", "en", "open"}]}.
std::string vocabularyJson();

class VocabularyApi : public ApiHandlers {
 public:
  explicit VocabularyApi(ApiShared& shared) : ApiHandlers(shared) {}

  void get(ApiRequest req, Reply reply);
};

}  // namespace xj::http
