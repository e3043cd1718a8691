// Fuzz target: a partner's report on an exchange (the body of POST /v1/exchanges/{id}/events, the
// MQTT feedback payload) through the one codec both transports share, without and with an
// Idempotency-Key header beside it.
#include <cstddef>
#include <cstdint>

#include "adapters/envelope/exchange_event_codec.h"
#include "tests/fuzz/fuzz_support.h"

using namespace xj;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = fuzz::text(data, size);
  ExchangeCommand cmd;
  Problems problems;
  (void)envelope::parseExchangeEventJson(bytes, cmd, problems);
  ExchangeCommand keyed;
  Problems keyed_problems;
  (void)envelope::parseExchangeEventJson(bytes, keyed, keyed_problems, "fuzz-event-1");
  return 0;
}
