// Hub: the composition root. Owns the io_context and its threads, the store, the token registry
// and refresher, and the adapters (all in HubState, hub/hub_state.h); wires them and orders
// shutdown (see hub/THREADS.md). Created and run on the main thread.
#pragma once

#include <memory>

#include "config/hub_config.h"
#include "hub/core/status.h"

namespace xj {

struct HubState;

class Hub {
 public:
  explicit Hub(HubConfig config);
  ~Hub();

  // Opens storage, binds the ports and serves until SIGTERM/SIGINT; then drains and returns.
  // Returns non-OK if start-up failed (whatever had started is stopped first).
  Status run();

 private:
  std::unique_ptr<HubState> state_;
};

}  // namespace xj
