#include "hub/core/status.h"

namespace xj {

std::string Status::toString() const {
  switch (code_) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalid:
      return "invalid: " + message_;
    case StatusCode::kNotFound:
      return "not_found: " + message_;
    case StatusCode::kConflict:
      return "conflict: " + message_;
    case StatusCode::kUnavailable:
      return "unavailable: " + message_;
    case StatusCode::kIoError:
      return "io_error: " + message_;
    case StatusCode::kInternal:
      return "internal: " + message_;
  }
  return "unknown";
}

}  // namespace xj
