#include "config/backup_manifest.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace xj {

std::string manifestPathFor(const std::string& backup_path) {
  return backup_path + ".manifest.json";
}

std::string manifestToJson(const BackupManifest& m) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("format");
  w.Int(m.format);
  w.Key("created_at");
  w.String(m.created_at.c_str());
  w.Key("hub_version");
  w.String(m.hub_version.c_str());
  w.Key("schema_version");
  w.Int(m.schema_version);
  w.Key("last_hub_seq");
  w.Int64(m.last_hub_seq);
  w.Key("rows");
  w.StartObject();
  for (const auto& [table, n] : m.rows) {
    w.Key(table.c_str());
    w.Int64(n);
  }
  w.EndObject();
  w.Key("file_bytes");
  w.Uint64(m.file_bytes);
  w.Key("sha256");
  w.String(m.sha256.c_str());
  w.Key("data_keys");
  w.StartArray();
  for (uint32_t id : m.data_keys) w.Uint(id);
  w.EndArray();
  w.Key("kek_fingerprints");
  w.StartArray();
  for (const auto& f : m.kek_fingerprints) w.String(f.c_str());
  w.EndArray();
  w.Key("person_key_fingerprint");
  w.String(m.person_key_fingerprint.c_str());
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

namespace {

Status missing(const char* field) {
  return Status::invalid(std::string("backup manifest: ") + field +
                         " is missing or of the wrong type");
}

}  // namespace

Result<BackupManifest> parseManifest(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject())
    return Status::invalid("backup manifest: not a JSON object");
  BackupManifest m;
  auto str = [&](const char* k, std::string& out) {
    if (!d.HasMember(k) || !d[k].IsString()) return false;
    out.assign(d[k].GetString(), d[k].GetStringLength());
    return true;
  };
  if (!d.HasMember("format") || !d["format"].IsInt()) return missing("format");
  m.format = d["format"].GetInt();
  if (m.format != BackupManifest::kFormat)
    return Status::invalid("backup manifest: format " + std::to_string(m.format) +
                           " is not one this binary reads (" +
                           std::to_string(BackupManifest::kFormat) + ")");
  if (!str("created_at", m.created_at)) return missing("created_at");
  if (!str("hub_version", m.hub_version)) return missing("hub_version");
  if (!str("sha256", m.sha256) || m.sha256.size() != 64) return missing("sha256");
  if (!str("person_key_fingerprint", m.person_key_fingerprint))
    return missing("person_key_fingerprint");
  if (!d.HasMember("schema_version") || !d["schema_version"].IsInt())
    return missing("schema_version");
  m.schema_version = d["schema_version"].GetInt();
  if (!d.HasMember("last_hub_seq") || !d["last_hub_seq"].IsInt64()) return missing("last_hub_seq");
  m.last_hub_seq = d["last_hub_seq"].GetInt64();
  if (!d.HasMember("file_bytes") || !d["file_bytes"].IsUint64()) return missing("file_bytes");
  m.file_bytes = d["file_bytes"].GetUint64();
  if (!d.HasMember("rows") || !d["rows"].IsObject()) return missing("rows");
  for (auto it = d["rows"].MemberBegin(); it != d["rows"].MemberEnd(); ++it) {
    if (!it->value.IsInt64()) return missing("rows");
    m.rows[std::string(it->name.GetString(), it->name.GetStringLength())] = it->value.GetInt64();
  }
  if (!d.HasMember("data_keys") || !d["data_keys"].IsArray()) return missing("data_keys");
  for (const auto& v : d["data_keys"].GetArray()) {
    if (!v.IsUint()) return missing("data_keys");
    m.data_keys.push_back(v.GetUint());
  }
  if (!d.HasMember("kek_fingerprints") || !d["kek_fingerprints"].IsArray())
    return missing("kek_fingerprints");
  for (const auto& v : d["kek_fingerprints"].GetArray()) {
    if (!v.IsString()) return missing("kek_fingerprints");
    m.kek_fingerprints.emplace_back(v.GetString(), v.GetStringLength());
  }
  return m;
}

}  // namespace xj
