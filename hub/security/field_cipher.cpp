#include "hub/security/field_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "hub/core/secret_file.h"
#include "hub/security/crypto.h"

namespace xj::security {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr unsigned char kMagic0 = 'x', kMagic1 = 'j', kVersion = 1;

const EVP_CIPHER* aes256gcm() {
  static EVP_CIPHER* const kCipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (!kCipher) throw std::runtime_error("AES-256-GCM unavailable");
  return kCipher;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// One context per thread and direction, keyed once: OpenSSL 3 looks an algorithm up under a
// lock on every implicit use, a context per call is an allocation per sealed field, and the key
// schedule (with GCM's tables) costs more than sealing a short field. A call with the same key
// as the thread's previous one only sets the nonce.
struct KeyedContext {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free};
  std::string key;  // the key it holds ('' none yet)
};
EVP_CIPHER_CTX* keyedContext(bool encrypt, std::string_view key, std::string_view nonce) {
  thread_local KeyedContext enc, dec;
  KeyedContext& k = encrypt ? enc : dec;
  if (!k.ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  const bool same = k.key.size() == key.size() &&
                    CRYPTO_memcmp(k.key.data(), key.data(), key.size()) == 0;
  const unsigned char* new_key = same ? nullptr : bytes(key);
  const EVP_CIPHER* cipher = same ? nullptr : aes256gcm();
  int ok = encrypt ? EVP_EncryptInit_ex2(k.ctx.get(), cipher, new_key, bytes(nonce), nullptr)
                   : EVP_DecryptInit_ex2(k.ctx.get(), cipher, new_key, bytes(nonce), nullptr);
  if (ok != 1) {
    k.key.clear();
    return nullptr;
  }
  if (!same) k.key.assign(key);
  return k.ctx.get();
}

// A nonce that no other seal under the same key has: a random 96-bit starting point per thread,
// counted up by one per seal and drawn afresh every 2^20 seals (NIST SP 800-38D's counter
// construction with a random field; two threads or processes overlap only if their random
// starting points fall within 2^20 of each other, about 2^-76). RAND_bytes per seal cost more
// than the seal itself.
void nextNonce(char* out) {
  thread_local unsigned char n[kNonceBytes];
  thread_local uint32_t left = 0;
  if (left == 0) {
    if (RAND_bytes(n, sizeof n) != 1) throw std::runtime_error("RAND_bytes failed");
    left = 1u << 20;
  }
  --left;
  for (size_t i = kNonceBytes; i-- > 0;)
    if (++n[i] != 0) break;
  std::memcpy(out, n, kNonceBytes);
}

// Appends ciphertext and tag of `plain` to `out`.
void gcmSeal(std::string_view key, std::string_view nonce, std::string_view aad1,
             std::string_view aad2, std::string_view plain, std::string& out) {
  EVP_CIPHER_CTX* ctx = keyedContext(true, key, nonce);
  const size_t at = out.size();
  out.resize(at + plain.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + at);
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptUpdate(ctx, nullptr, &len, bytes(aad1), static_cast<int>(aad1.size())) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &len, bytes(aad2), static_cast<int>(aad2.size())) == 1 &&
      EVP_EncryptUpdate(ctx, dst, &len, bytes(plain), static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, dst + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + plain.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM seal failed");
}

bool gcmOpen(std::string_view key, std::string_view nonce, std::string_view aad1,
             std::string_view aad2, std::string_view sealed, std::string& plain) {
  if (sealed.size() < kTagBytes) return false;
  const size_t n = sealed.size() - kTagBytes;
  EVP_CIPHER_CTX* ctx = keyedContext(false, key, nonce);
  if (!ctx) return false;
  plain.resize(n);
  auto* dst = reinterpret_cast<unsigned char*>(plain.data());
  unsigned char tag[kTagBytes];
  std::copy(sealed.begin() + static_cast<ptrdiff_t>(n), sealed.end(), tag);
  int len = 0;
  bool ok =
      EVP_DecryptUpdate(ctx, nullptr, &len, bytes(aad1), static_cast<int>(aad1.size())) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len, bytes(aad2), static_cast<int>(aad2.size())) == 1 &&
      EVP_DecryptUpdate(ctx, dst, &len, bytes(sealed), static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) == 1 &&
      EVP_DecryptFinal_ex(ctx, dst + len, &len) == 1;
  if (!ok) plain.clear();
  return ok;
}

std::string randomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string hmacRaw(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), md,
            &len))
    throw std::runtime_error("HMAC failed");
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string wrapLabel(uint32_t key_id) { return "xianjie data key " + std::to_string(key_id); }

// Whether `inner` is `outer` or below it, after resolving symlinks and "..".
bool isInside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  std::error_code ec;
  auto a = std::filesystem::weakly_canonical(inner, ec);
  if (ec) return false;
  auto b = std::filesystem::weakly_canonical(outer, ec);
  if (ec) return false;
  auto [end_b, at_a] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  return end_b == b.end();
}

}  // namespace

Result<KeyEncryptionKey> KeyEncryptionKey::load(const std::string& path,
                                                const std::string& data_dir) {
  if (path.empty())
    return Status::invalid(
        "store.kek_file: not set (the key-encryption key of the personal fields; make one "
        "outside the data directory: umask 077; head -c 32 /dev/urandom > FILE)");
  auto secret = readSecretFile("store.kek_file", path, 4097,
                               " (make one: umask 077; head -c 32 /dev/urandom > FILE)");
  if (!secret.isOk()) return secret.status();
  if (secret.value().size() < kMinFileBytes)
    return Status::invalid("store.kek_file " + path + ": too short (" +
                           std::to_string(secret.value().size()) + " bytes; at least " +
                           std::to_string(kMinFileBytes) + " random bytes are needed)");
  if (isInside(std::filesystem::path(path).parent_path().empty()
                   ? std::filesystem::path(".")
                   : std::filesystem::path(path).parent_path(),
               data_dir.empty() ? std::filesystem::path(".") : std::filesystem::path(data_dir)))
    return Status::invalid("store.kek_file " + path + ": inside the data directory " +
                           (data_dir.empty() ? "." : data_dir) +
                           " (a copy or backup of that directory would carry the key that "
                           "opens it; keep the key file elsewhere)");
  return KeyEncryptionKey(hmacRaw(secret.value(), "xianjie key-encryption key"));
}

KeyEncryptionKey KeyEncryptionKey::fromSecret(std::string secret) {
  return KeyEncryptionKey(hmacRaw(secret, "xianjie key-encryption key"));
}

std::string KeyEncryptionKey::wrap(std::string_view data_key, uint32_t key_id) const {
  std::string out = randomBytes(kNonceBytes);
  const std::string nonce = out;
  gcmSeal(key_, nonce, wrapLabel(key_id), {}, data_key, out);
  return out;
}

Result<std::string> KeyEncryptionKey::unwrap(std::string_view wrapped, uint32_t key_id) const {
  if (wrapped.size() != kNonceBytes + FieldCipher::kKeyBytes + kTagBytes)
    return Status::invalid("data key " + std::to_string(key_id) + ": malformed");
  std::string key;
  if (!gcmOpen(key_, wrapped.substr(0, kNonceBytes), wrapLabel(key_id), {},
               wrapped.substr(kNonceBytes), key))
    return Status::invalid("data key " + std::to_string(key_id) +
                           ": does not open with store.kek_file (another key-encryption key, or "
                           "the wrapped key was altered)");
  return key;
}

std::string KeyEncryptionKey::fingerprint() const {
  std::string mac = hmacRaw(key_, "kek-check");
  return sha256Hex(mac).substr(0, 32);
}

std::string FieldCipher::newDataKey() { return randomBytes(kKeyBytes); }

bool FieldCipher::isSealed(std::string_view v) {
  return v.size() >= kOverheadBytes && static_cast<unsigned char>(v[0]) == kMagic0 &&
         static_cast<unsigned char>(v[1]) == kMagic1 &&
         static_cast<unsigned char>(v[2]) == kVersion;
}

std::optional<uint32_t> FieldCipher::keyIdOf(std::string_view v) {
  if (!isSealed(v)) return std::nullopt;
  uint32_t id = 0;
  for (size_t i = 3; i < kHeaderBytes; ++i) id = (id << 8) | static_cast<unsigned char>(v[i]);
  return id;
}

void FieldCipher::install(std::map<uint32_t, std::string> keys, uint32_t active) {
  auto next = std::make_shared<Keys>();
  next->by_id = std::move(keys);
  next->active = active;
  std::lock_guard lock(mu_);
  keys_ = std::move(next);
}

void FieldCipher::drop(const std::vector<uint32_t>& key_ids) {
  std::lock_guard lock(mu_);
  if (!keys_) return;
  auto next = std::make_shared<Keys>(*keys_);
  for (uint32_t id : key_ids)
    if (id != next->active) next->by_id.erase(id);
  keys_ = std::move(next);
}

std::shared_ptr<const FieldCipher::Keys> FieldCipher::keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

bool FieldCipher::ready() const {
  auto k = keys();
  return k && k->by_id.count(k->active) != 0;
}

uint32_t FieldCipher::activeKeyId() const {
  auto k = keys();
  return k ? k->active : 0;
}

std::string FieldCipher::seal(std::string_view plaintext, std::string_view column) const {
  auto k = keys();
  if (!k) throw std::logic_error("FieldCipher::seal before install");
  auto key = k->by_id.find(k->active);
  if (key == k->by_id.end()) throw std::logic_error("FieldCipher: active key not installed");
  std::string out;
  out.reserve(kOverheadBytes + plaintext.size());
  out.push_back(static_cast<char>(kMagic0));
  out.push_back(static_cast<char>(kMagic1));
  out.push_back(static_cast<char>(kVersion));
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((k->active >> shift) & 0xff));
  out.resize(kHeaderBytes + kNonceBytes);
  nextNonce(out.data() + kHeaderBytes);
  const std::string header = out;  // header and nonce
  gcmSeal(key->second, std::string_view(header).substr(kHeaderBytes), column,
          std::string_view(header).substr(0, kHeaderBytes), plaintext, out);
  return out;
}

bool FieldCipher::open(std::string_view sealed, std::string_view column,
                       std::string& plaintext) const {
  auto id = keyIdOf(sealed);
  if (!id) return false;
  auto k = keys();
  if (!k) return false;
  auto key = k->by_id.find(*id);
  if (key == k->by_id.end()) return false;
  return gcmOpen(key->second, sealed.substr(kHeaderBytes, kNonceBytes), column,
                 sealed.substr(0, kHeaderBytes), sealed.substr(kHeaderBytes + kNonceBytes),
                 plaintext);
}

}  // namespace xj::security
