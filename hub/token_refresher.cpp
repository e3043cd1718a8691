#include "hub/token_refresher.h"

#include <chrono>

namespace xj {

Result<std::unique_ptr<TokenRefresher>> TokenRefresher::start(const std::string& db_path,
                                                              security::TokenRegistry& tokens) {
  auto table = storage::TokenTable::open(db_path);
  if (!table.isOk()) return table.status();
  auto loaded = table.value()->list();
  if (!loaded.isOk()) return loaded.status();
  tokens.replace(loaded.value());
  std::unique_ptr<TokenRefresher> r(new TokenRefresher(std::move(table).value(), tokens));
  r->thread_ = std::thread([t = r.get()] { t->run(); });
  return r;
}

TokenRefresher::TokenRefresher(std::unique_ptr<storage::TokenTable> table,
                               security::TokenRegistry& tokens)
    : table_(std::move(table)), tokens_(tokens) {}

TokenRefresher::~TokenRefresher() { stop(); }

void TokenRefresher::run() {
  int64_t seen = table_->dataVersion();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    int64_t v = table_->dataVersion();
    if (v == seen) continue;
    seen = v;
    if (auto l = table_->list(); l.isOk()) tokens_.replace(l.value());
  }
}

void TokenRefresher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace xj
