// settleToken: when a Paho C++ token may be let go of.
//
// Paho C++ 1.2 (Debian 12) wakes a token's waiters before it is done with the token:
// token::on_success notifies its condition variable, then removes the token from its client
// (async_client::remove_token, under the client's lock). So a wait that returns does not mean
// Paho's thread has let go: destroying the token, or the client, right then races that thread
// (reported upstream as a crash in token::on_success on a destroyed mutex; ThreadSanitizer shows
// pthread_cond_destroy against pthread_cond_broadcast, and a destroyed client is a use after
// free in remove_token).
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
#include <deque>
#include <mutex>
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

// SettlingTokens: the tokens of publishes nobody waits on (receipts, fire-and-forget test
// publishes). Dropping such a token at once races Paho's thread the same way when the PUBACK
// comes back before the publisher has let go of its reference. So they are held here, oldest
// first, and each is let go of once the client has dropped it (only this holder's reference
// left), after taking the client's lock as settleToken does. Held tokens are bounded by the
// publishes in flight: every publish reaps what has settled before adding its own.
// Thread-safe; the client must outlive the holder's last reap (clear() after the client is
// destroyed lets the rest go, Paho's threads being stopped or done with them by then).
class SettlingTokens {
 public:
  void add(mqtt::async_client& client, mqtt::token_ptr token) {
    std::lock_guard lock(mu_);
    reapLocked(client);
    held_.push_back(std::move(token));
  }
  void clear() {
    std::lock_guard lock(mu_);
    held_.clear();
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return held_.size();
  }

 private:
  void reapLocked(mqtt::async_client& client) {
    size_t settled = 0;
    while (settled < held_.size() && held_[settled].use_count() == 1) ++settled;
    if (settled == 0) return;
    (void)client.get_pending_delivery_token(0xFFFF + 1);  // takes the client's lock
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(settled));
  }
  std::mutex mu_;
  std::deque<mqtt::token_ptr> held_;
};

}  // namespace xj::mqtt_adapter
