#include "hub/hub.h"

#include "hub/hub_state.h"

namespace xj {

Hub::Hub(HubConfig config) : state_(std::make_unique<HubState>(std::move(config))) {}
Hub::~Hub() = default;

Status Hub::run() {
  Status started = start(*state_);
  if (started.isOk()) awaitShutdown(*state_);
  stop(*state_);
  return started;
}

}  // namespace xj
