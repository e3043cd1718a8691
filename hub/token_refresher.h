// TokenRefresher: keeps the TokenRegistry in step with the token table, so that
// `xianjie token create|revoke` take effect within a second without a restart.
//
// Threads: start() loads the tokens on the calling (main) thread, then one refresher thread owns
// the TokenTable connection: once a second it asks SQLite whether another connection committed
// (data_version) and, if so, replaces the registry under its unique lock. stop() (main thread;
// also the destructor) wakes and joins it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hub/core/status.h"
#include "hub/security/token_registry.h"
#include "hub/storage/token_table.h"

namespace xj {

class TokenRefresher {
 public:
  // Opens the token table of the database at `db_path`, fills `tokens` and starts the thread.
  static Result<std::unique_ptr<TokenRefresher>> start(const std::string& db_path,
                                                       security::TokenRegistry& tokens);
  ~TokenRefresher();
  void stop();

 private:
  TokenRefresher(std::unique_ptr<storage::TokenTable> table, security::TokenRegistry& tokens);
  void run();

  std::unique_ptr<storage::TokenTable> table_;
  security::TokenRegistry& tokens_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace xj
