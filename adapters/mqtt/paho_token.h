// settleToken: when a Paho C++ token may be let go of.
//
// Paho C++ 1.2 (Debian 12) wakes a token's waiters before it is done with the token:
// token::on_success notifies its condition variable, then removes the token from its client
// (async_client::remove_token, under the client's lock). So a wait that returns does not mean
// Paho's thread has let go: destroying the token, or the client, right then races that thread
// (paho.mqtt.cpp issue 453; ThreadSanitizer shows pthread_cond_destroy against
// pthread_cond_broadcast, and a destroyed client is a use after free in remove_token).
//
// settleToken waits (at most `timeout`) until the token is complete and the client has dropped
// its reference, i.e. only the caller's `ours` references remain, then takes the client's lock
// once (a delivery-token lookup of an id that cannot exist), which orders everything Paho's
// thread did to the token before whatever the caller does next. True when settled; on false the
// caller must keep the token alive until the client is destroyed. Not for connect tokens: the
// client keeps the last one for as long as it lives. Any thread but Paho's.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <thread>

namespace xj::mqtt_adapter {

inline bool settleToken(mqtt::async_client& client, const mqtt::token_ptr& token, long ours,
                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    if (!token->wait_for(timeout)) return false;
  } catch (const mqtt::exception&) {
    // Completed with a failure: Paho's thread lets go of it the same way.
  }
  while (token.use_count() > ours) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  (void)client.get_pending_delivery_token(0xFFFF + 1);  // no token has this id: takes the lock
  return true;
}

}  // namespace xj::mqtt_adapter
