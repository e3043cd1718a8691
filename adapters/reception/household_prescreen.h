// The pre-screen port (routing/intake/prescreen.h) on the household JSON codec: the envelope's
// household JSON -> the rules core's input -> its decision -> the stored decision JSON (with
// trace). Translation only; the rules core decides. Const; any thread.
#pragma once

#include <memory>

#include "config/standards.h"
#include "routing/intake/prescreen.h"

namespace xj::reception {

class HouseholdPrescreener final : public routing::Prescreener {
 public:
  explicit HouseholdPrescreener(std::shared_ptr<const household::Standards> standards)
      : standards_(std::move(standards)) {}
  std::optional<routing::Prescreen> prescreen(const std::string& household,
                                              const std::string& as_of,
                                              Problems& problems) const override;

 private:
  std::shared_ptr<const household::Standards> standards_;
};

}  // namespace xj::reception
