// Fuzz target: an inbound message's bytes (an HTTP body or MQTT payload) through the envelope
// parser exactly as the adapters call it, the kind taken from the message when it names one
// (so that tickets, referrals and notifications are all reached), and the console's
// repeat-caller lookup. Any crash, sanitizer report or failed assert is a finding; a refusal is
// the parser doing its job.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "adapters/envelope/envelope_codec.h"
#include "tests/fuzz/fuzz_support.h"

using namespace xj;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = fuzz::text(data, size);
  envelope::Limits limits;
  // A fixed acceptance day, so that the birth-date check runs on every ID number.
  limits.latest_birth_date = std::chrono::year{2026} / 12 / 7;
  (void)envelope::nestingDepth(bytes);
  const MessageKind kind = envelope::peekKind(bytes).value_or(MessageKind::kTicket);
  IngestRecord record;
  Problems problems;
  envelope::Facts facts;
  (void)envelope::parseEnvelope(bytes, kind, fuzz::standards().townships, limits, record, problems,
                                &facts);
  Problems lookup_problems;
  envelope::Facts lookup;
  (void)envelope::parsePersonLookup(bytes, limits, lookup, lookup_problems);
  return 0;
}
