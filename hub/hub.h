// Hub: the composition root. Owns the io_context and its threads, the store, the token registry
// and refresher, and the adapters; wires them and orders shutdown (see hub/THREADS.md).
// Created and run on the main thread; requestStop() is safe from a signal-handling thread.
#pragma once

#include <memory>

#include "config/hub_config.h"
#include "hub/core/status.h"

namespace xj {

class Hub {
 public:
  explicit Hub(HubConfig config);
  ~Hub();

  // Opens storage, binds the ports and serves until SIGTERM/SIGINT; then drains and returns.
  // Returns non-OK if start-up failed.
  Status run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xj
