// Sealed personal fields (hub/security/field_cipher.h): a value opens only in its own column
// kind, under its own key, unaltered; the key-encryption key file is checked like every secret
// file and must live outside the database's directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "hub/security/field_cipher.h"
#include "tests/support/temp_dir.h"

using xj::security::FieldCipher;
using xj::security::KeyEncryptionKey;

namespace {

void writeKey(const std::filesystem::path& path, size_t bytes, mode_t mode) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'z');
  ::chmod(path.c_str(), mode);
}

const std::string kName = "张三丰";
const std::string kPayload = R"({"subject":{"name":"张三丰","id_number":"451229195703081312"}})";

}  // namespace

TEST_CASE("a sealed field opens back to its plaintext and shows none of it", "[at_rest]") {
  FieldCipher cipher;
  cipher.install({{7, FieldCipher::newDataKey()}}, 7);
  std::string sealed = cipher.seal(kPayload, "message.payload");
  CHECK(FieldCipher::isSealed(sealed));
  CHECK(FieldCipher::keyIdOf(sealed) == 7u);
  CHECK(sealed.size() == kPayload.size() + FieldCipher::kOverheadBytes);
  CHECK(sealed.find(kName) == std::string::npos);
  CHECK(sealed.find("451229195703081312") == std::string::npos);
  // A fresh nonce each time: the same value sealed twice does not show it is the same.
  CHECK(cipher.seal(kPayload, "message.payload") != sealed);
  std::string plain;
  REQUIRE(cipher.open(sealed, "message.payload", plain));
  CHECK(plain == kPayload);
}

TEST_CASE("a sealed field does not open in another column, altered, or without its key",
          "[at_rest]") {
  FieldCipher cipher;
  cipher.install({{1, FieldCipher::newDataKey()}}, 1);
  std::string sealed = cipher.seal(kPayload, "message.payload");
  std::string plain;
  CHECK_FALSE(cipher.open(sealed, "item_history.detail", plain));
  for (size_t at : {size_t{3}, size_t{8}, sealed.size() / 2, sealed.size() - 1}) {
    std::string altered = sealed;
    altered[at] = static_cast<char>(altered[at] ^ 1);
    CHECK_FALSE(cipher.open(altered, "message.payload", plain));
  }
  CHECK_FALSE(cipher.open(sealed.substr(0, sealed.size() - 1), "message.payload", plain));
  CHECK_FALSE(cipher.open("plain text", "message.payload", plain));
  FieldCipher other;
  other.install({{1, FieldCipher::newDataKey()}}, 1);
  CHECK_FALSE(other.open(sealed, "message.payload", plain));
  // A rotation keeps the older key for reading until it is dropped.
  auto key1 = FieldCipher::newDataKey();
  FieldCipher rotating;
  rotating.install({{1, key1}}, 1);
  std::string old = rotating.seal("note", "x");
  rotating.install({{1, key1}, {2, FieldCipher::newDataKey()}}, 2);
  CHECK(FieldCipher::keyIdOf(rotating.seal("note", "x")) == 2u);
  REQUIRE(rotating.open(old, "x", plain));
  CHECK(plain == "note");
  rotating.drop({1, 2});  // the active key stays
  CHECK_FALSE(rotating.open(old, "x", plain));
  CHECK(rotating.activeKeyId() == 2u);
  CHECK(rotating.ready());
}

TEST_CASE("data keys are wrapped by the key-encryption key and open only with it", "[at_rest]") {
  auto kek = KeyEncryptionKey::fromSecret(std::string(32, 'a'));
  auto data_key = FieldCipher::newDataKey();
  std::string wrapped = kek.wrap(data_key, 3);
  CHECK(wrapped.find(data_key) == std::string::npos);
  auto back = kek.unwrap(wrapped, 3);
  REQUIRE(back.isOk());
  CHECK(back.value() == data_key);
  CHECK_FALSE(kek.unwrap(wrapped, 4).isOk());  // bound to its key id
  auto other = KeyEncryptionKey::fromSecret(std::string(32, 'b'));
  auto refused = other.unwrap(wrapped, 3);
  REQUIRE_FALSE(refused.isOk());
  CHECK(refused.status().message().find("data key 3") != std::string::npos);
  CHECK(kek.fingerprint() != other.fingerprint());
  CHECK(kek.fingerprint() == KeyEncryptionKey::fromSecret(std::string(32, 'a')).fingerprint());
}

TEST_CASE("the key-encryption key file is refused open to others, short, or in the data dir",
          "[at_rest]") {
  xj::test::TempDir t("kek");
  auto data = t.dir / "var";
  std::filesystem::create_directories(data);
  auto good = t.dir / "keys" / "hub.kek";
  writeKey(good, 32, 0600);
  CHECK(KeyEncryptionKey::load(good.string(), data.string()).isOk());

  auto open_to_group = t.dir / "keys" / "group.kek";
  writeKey(open_to_group, 32, 0640);
  auto r = KeyEncryptionKey::load(open_to_group.string(), data.string());
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().message().find("store.kek_file") != std::string::npos);

  auto short_key = t.dir / "keys" / "short.kek";
  writeKey(short_key, 16, 0600);
  r = KeyEncryptionKey::load(short_key.string(), data.string());
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().message().find("too short") != std::string::npos);

  for (auto inside : {data / "hub.kek", data / "keys" / "hub.kek"}) {
    writeKey(inside, 32, 0600);
    r = KeyEncryptionKey::load(inside.string(), data.string());
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().message().find("inside the data directory") != std::string::npos);
  }
  // Through a link or "..": still inside.
  std::filesystem::create_directory_symlink(data, t.dir / "alias");
  r = KeyEncryptionKey::load((t.dir / "alias" / "hub.kek").string(), data.string());
  CHECK_FALSE(r.isOk());
  r = KeyEncryptionKey::load((t.dir / "keys" / ".." / "var" / "hub.kek").string(), data.string());
  CHECK_FALSE(r.isOk());

  r = KeyEncryptionKey::load("", data.string());
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().message().find("not set") != std::string::npos);
  r = KeyEncryptionKey::load((t.dir / "absent.kek").string(), data.string());
  CHECK_FALSE(r.isOk());
}
