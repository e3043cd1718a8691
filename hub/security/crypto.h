// Small wrappers over OpenSSL used for tokens and body hashes. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace xj::security {

std::string sha256Hex(std::string_view data);
// `n` random bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string randomHex(size_t n);
// Compares in time that depends only on the lengths, not on where the inputs differ.
bool constantTimeEqual(std::string_view a, std::string_view b);

}  // namespace xj::security
