#include "hub/storage/person_key_column.h"

#include <array>
#include <cstdint>

namespace xj::storage {
namespace {

constexpr size_t kKeyBytes = 32;

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is not what the keyer makes: kept as text, unchanged
}

bool decode(std::string_view hex, std::array<unsigned char, kKeyBytes>& out) {
  if (hex.size() != 2 * kKeyBytes) return false;
  for (size_t i = 0; i < kKeyBytes; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

void personKeyFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  std::array<unsigned char, kKeyBytes> bytes;
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
    std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                          static_cast<size_t>(sqlite3_value_bytes(argv[0])));
    if (decode(text, bytes)) {
      sqlite3_result_blob(ctx, bytes.data(), kKeyBytes, SQLITE_TRANSIENT);
      return;
    }
  }
  sqlite3_result_value(ctx, argv[0]);
}

}  // namespace

void bindPersonKey(sqlite3_stmt* st, int i, std::string_view key) {
  std::array<unsigned char, kKeyBytes> bytes;
  if (decode(key, bytes)) {
    sqlite3_bind_blob(st, i, bytes.data(), kKeyBytes, SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_text(st, i, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  }
}

std::string personKeyColumn(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) != SQLITE_BLOB) {
    const auto* p = sqlite3_column_text(st, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st, col)))
             : std::string();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, col));
  int n = sqlite3_column_bytes(st, col);
  std::string out;
  out.reserve(static_cast<size_t>(n) * 2);
  for (int i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

Status registerPersonKeyFunction(sqlite3* db) {
  if (sqlite3_create_function_v2(db, "xj_person_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                 nullptr, personKeyFunction, nullptr, nullptr,
                                 nullptr) != SQLITE_OK)
    return Status::ioError(std::string("register xj_person_key: ") + sqlite3_errmsg(db));
  return Status::ok();
}

}  // namespace xj::storage
