#include "config/partners_config.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "config/jsonc_file.h"
#include "hub/core/secret_file.h"
#include "hub/core/vocabulary.h"

namespace xj {
namespace {

using rapidjson::Value;

// A webhook secret shorter than this is refused: HMAC-SHA256 keys should carry >= 128 bits.
constexpr size_t kMinSecretBytes = 16;

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

bool known(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void checkKeys(const Value& obj, const std::string& path, const std::vector<std::string>& keys,
               Problems& p) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
    if (!known(keys, str(it->name))) p.push_back({path + "/" + str(it->name), "unknown setting"});
}

const Value* member(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// A required (or optional) non-empty string.
bool readString(const Value& obj, const char* key, const std::string& path, bool required,
                std::string& out, Problems& p) {
  const Value* v = member(obj, key);
  if (!v) {
    if (required) p.push_back({path + "/" + key, "is required"});
    return false;
  }
  if (!v->IsString() || v->GetStringLength() == 0) {
    p.push_back({path + "/" + key, "must be a non-empty string"});
    return false;
  }
  out = str(*v);
  return true;
}

void readInt(const Value& obj, const char* key, const std::string& path, int lo, int hi, int& out,
             Problems& p) {
  const Value* v = member(obj, key);
  if (!v) return;
  if (!v->IsInt() || v->GetInt() < lo || v->GetInt() > hi) {
    p.push_back({path + "/" + key, "must be an integer between " + std::to_string(lo) + " and " +
                                       std::to_string(hi)});
    return;
  }
  out = v->GetInt();
}

// A list of distinct strings from `allowed` (when given); an empty list is a problem.
std::vector<std::string> readList(const Value& v, const std::string& path,
                                  const std::vector<std::string>* allowed, Problems& p) {
  std::vector<std::string> out;
  if (!v.IsArray()) {
    p.push_back({path, "must be an array of strings"});
    return out;
  }
  if (v.Empty()) p.push_back({path, "must not be empty"});
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const std::string here = path + "/" + std::to_string(i);
    if (!v[i].IsString()) {
      p.push_back({here, "must be a string"});
      continue;
    }
    std::string s = str(v[i]);
    if (allowed && !known(*allowed, s)) {
      p.push_back({here, "\"" + s + "\" is not one of: " + joined(*allowed)});
      continue;
    }
    if (known(out, s)) {
      p.push_back({here, "\"" + s + "\" is listed twice"});
      continue;
    }
    out.push_back(s);
  }
  return out;
}

// The secret is the file's text without its trailing line ends; the file is a secret file
// (hub/core/secret_file.h: 0600, refused otherwise), its content never in an error.
Result<std::string> readSecret(const std::string& file) {
  auto read = readSecretFile("secret file", file, 64 * 1024);
  if (!read.isOk()) return read.status();
  std::string s = std::move(read.value());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.size() < kMinSecretBytes)
    return Status::invalid("the secret in " + file + " is shorter than " +
                           std::to_string(kMinSecretBytes) + " bytes");
  return s;
}

DeliveryChannel readChannel(const Value& v, const std::string& path, bool allow_poll, Problems& p) {
  DeliveryChannel c;
  if (!v.IsObject()) {
    p.push_back({path, "must be an object with a \"type\""});
    return c;
  }
  std::string type;
  if (!readString(v, "type", path, true, type, p)) return c;
  auto readSecretFile = [&](bool required) {
    if (!readString(v, "secret_file", path, required, c.secret_file, p)) return;
    auto secret = readSecret(c.secret_file);
    if (!secret.isOk())
      p.push_back({path + "/secret_file", secret.status().message()});
    else
      c.secret = secret.value();
  };
  if (type == "webhook") {
    c.type = ChannelType::kWebhook;
    checkKeys(v, path, {"type", "url", "secret_file", "ca_file"}, p);
    if (readString(v, "url", path, true, c.url, p) && c.url.rfind("https://", 0) != 0 &&
        c.url.rfind("http://", 0) != 0)
      p.push_back({path + "/url", "must start with https:// or http://"});
    readSecretFile(true);
    if (v.HasMember("ca_file") && readString(v, "ca_file", path, true, c.ca_file, p)) {
      if (!std::ifstream(c.ca_file).good())
        p.push_back({path + "/ca_file", "cannot read " + c.ca_file});
      else if (c.url.rfind("https://", 0) != 0)
        p.push_back({path + "/ca_file", "a CA file needs an https:// url"});
    }
  } else if (type == "mqtt") {
    c.type = ChannelType::kMqtt;
    checkKeys(v, path, {"type", "topic", "secret_file"}, p);
    if (readString(v, "topic", path, true, c.topic, p) &&
        c.topic.find_first_of("+#") != std::string::npos)
      p.push_back({path + "/topic", "must not contain + or #"});
    readSecretFile(false);
  } else if (type == "poll" && allow_poll) {
    c.type = ChannelType::kPoll;
    checkKeys(v, path, {"type"}, p);
  } else {
    p.push_back({path + "/type", allow_poll ? "must be one of: webhook, mqtt, poll"
                                            : "must be one of: webhook, mqtt"});
  }
  return c;
}

Partner readPartner(const Value& v, const std::string& path, const TownshipDirectory& townships,
                    Problems& p) {
  Partner partner;
  checkKeys(v, path,
            {"org", "name", "services", "townships", "capacity", "channel", "fields",
             "accept_within_working_days", "progress_every_working_days"},
            p);
  if (readString(v, "org", path, true, partner.org, p)) {
    bool ok = std::all_of(partner.org.begin(), partner.org.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    });
    if (!ok) p.push_back({path + "/org", "must use only a-z, 0-9, - and _ (it names MQTT topics)"});
    if (partner.org == kPlatformPartner)
      p.push_back({path + "/org", "\"platform\" is reserved for the information platform"});
  }
  readString(v, "name", path, true, partner.name, p);
  if (const Value* s = member(v, "services"))
    partner.services = readList(*s, path + "/services", &kPartnerServices, p);
  else
    p.push_back({path + "/services", "is required"});
  if (const Value* t = member(v, "townships")) {
    auto list = readList(*t, path + "/townships", nullptr, p);
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i] == "*") {
        if (list.size() > 1)
          p.push_back({path + "/townships", "\"*\" (the whole county) must stand alone"});
        partner.townships.push_back("*");
        continue;
      }
      const Township* tw = townships.find(list[i]);
      if (!tw) {
        p.push_back({path + "/townships/" + std::to_string(i),
                     "\"" + list[i] + "\" is not a township of the county"});
        continue;
      }
      partner.townships.push_back(tw->code);
    }
  } else {
    p.push_back({path + "/townships", "is required (township codes, or [\"*\"])"});
  }
  if (const Value* c = member(v, "capacity")) {
    std::string cap = c->IsString() ? str(*c) : "";
    if (cap == "available")
      partner.capacity = PartnerCapacity::kAvailable;
    else if (cap == "waitlist")
      partner.capacity = PartnerCapacity::kWaitlist;
    else if (cap == "full")
      partner.capacity = PartnerCapacity::kFull;
    else
      p.push_back({path + "/capacity", "must be one of: available, waitlist, full"});
  }
  if (const Value* ch = member(v, "channel"))
    partner.channel = readChannel(*ch, path + "/channel", true, p);
  else
    p.push_back({path + "/channel", "is required ({\"type\": \"poll\"} for a partner that polls)"});
  if (const Value* f = member(v, "fields"))
    partner.fields = readList(*f, path + "/fields", &kPartnerFields, p);
  readInt(v, "accept_within_working_days", path, 1, 60, partner.accept_within_working_days, p);
  readInt(v, "progress_every_working_days", path, 1, 120, partner.progress_every_working_days, p);
  return partner;
}

// An org id names tokens and MQTT topics: the same alphabet for partners and agencies.
bool validOrg(const std::string& org) {
  return std::all_of(org.begin(), org.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

Agency readAgency(const Value& v, const std::string& path, Problems& p) {
  Agency agency;
  checkKeys(v, path, {"org", "name", "signals"}, p);
  if (readString(v, "org", path, true, agency.org, p) && !validOrg(agency.org))
    p.push_back({path + "/org", "must use only a-z, 0-9, - and _ (it names MQTT topics)"});
  readString(v, "name", path, true, agency.name, p);
  if (const Value* s = member(v, "signals"))
    agency.signals = readList(*s, path + "/signals", &vocabulary::kSignals, p);
  else
    p.push_back({path + "/signals", "is required: the signal kinds this agency sends"});
  return agency;
}

// `agencies` is optional: a county that lists none keeps every agency free to send any signal.
void readAgencies(const Value& doc, PartnerDirectory& dir, Problems& p) {
  const Value* list = member(doc, "agencies");
  if (!list) return;
  if (!list->IsArray()) {
    p.push_back({"/agencies", "must be an array of agencies"});
    return;
  }
  std::set<std::string> orgs;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const std::string path = "/agencies/" + std::to_string(i);
    if (!(*list)[i].IsObject()) {
      p.push_back({path, "must be an object"});
      continue;
    }
    Agency agency = readAgency((*list)[i], path, p);
    if (!agency.org.empty() && !orgs.insert(agency.org).second)
      p.push_back({path + "/org", "duplicate org \"" + agency.org + "\""});
    dir.agencies.push_back(std::move(agency));
  }
}

}  // namespace

Result<std::shared_ptr<const PartnerDirectory>> parsePartners(const std::string& text,
                                                              const TownshipDirectory& townships,
                                                              Problems& p) {
  rapidjson::Document doc;
  if (!parseJsonc(text, doc, p)) return Status::invalid("partners are not valid JSON");
  if (!doc.IsObject()) {
    p.push_back({"", "must be an object"});
    return Status::invalid("partners");
  }
  const size_t before = p.size();
  checkKeys(doc, "", {"$schema", "partners", "agencies", "platform", "delivery"}, p);
  auto dir = std::make_shared<PartnerDirectory>();
  std::set<std::string> orgs;
  if (const Value* list = member(doc, "partners"); !list || !list->IsArray()) {
    p.push_back({"/partners", "is required: an array of partners (may be empty)"});
  } else {
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const std::string path = "/partners/" + std::to_string(i);
      if (!(*list)[i].IsObject()) {
        p.push_back({path, "must be an object"});
        continue;
      }
      Partner partner = readPartner((*list)[i], path, townships, p);
      if (!partner.org.empty() && !orgs.insert(partner.org).second)
        p.push_back({path + "/org", "duplicate org \"" + partner.org + "\""});
      dir->partners.push_back(std::move(partner));
    }
  }
  readAgencies(doc, *dir, p);
  if (const Value* pl = member(doc, "platform")) {
    if (!pl->IsObject()) {
      p.push_back({"/platform", "must be an object"});
    } else {
      checkKeys(*pl, "/platform", {"enabled", "channel", "fields"}, p);
      if (const Value* f = member(*pl, "fields"))
        dir->platform.fields = readList(*f, "/platform/fields", &kPlatformFields, p);
      if (const Value* e = member(*pl, "enabled")) {
        if (!e->IsBool())
          p.push_back({"/platform/enabled", "must be true or false"});
        else
          dir->platform.enabled = e->GetBool();
      }
      if (const Value* ch = member(*pl, "channel"))
        dir->platform.channel = readChannel(*ch, "/platform/channel", false, p);
      else if (dir->platform.enabled)
        p.push_back({"/platform/channel", "is required when the upload is enabled"});
    }
  }
  if (const Value* d = member(doc, "delivery")) {
    if (!d->IsObject()) {
      p.push_back({"/delivery", "must be an object"});
    } else {
      auto& pol = dir->delivery;
      checkKeys(*d, "/delivery",
                {"max_attempts", "backoff_initial_ms", "backoff_max_ms", "timeout_ms",
                 "max_in_flight", "max_lanes_per_partner", "max_rows_in_memory_per_partner"},
                p);
      readInt(*d, "max_attempts", "/delivery", 1, 100, pol.max_attempts, p);
      readInt(*d, "backoff_initial_ms", "/delivery", 1, 3'600'000, pol.backoff_initial_ms, p);
      readInt(*d, "backoff_max_ms", "/delivery", 1, 86'400'000, pol.backoff_max_ms, p);
      readInt(*d, "timeout_ms", "/delivery", 100, 600'000, pol.timeout_ms, p);
      readInt(*d, "max_in_flight", "/delivery", 1, 10'000, pol.max_in_flight, p);
      readInt(*d, "max_lanes_per_partner", "/delivery", 1, 10'000, pol.max_lanes_per_partner, p);
      readInt(*d, "max_rows_in_memory_per_partner", "/delivery", 2, 10'000'000,
              pol.max_rows_in_memory_per_partner, p);
      if (pol.backoff_max_ms < pol.backoff_initial_ms)
        p.push_back({"/delivery/backoff_max_ms", "must not be below backoff_initial_ms"});
    }
  }
  if (p.size() > before)
    return Status::invalid("partners have " + std::to_string(p.size() - before) + " problem(s)");
  return std::shared_ptr<const PartnerDirectory>(std::move(dir));
}

Result<std::shared_ptr<const PartnerDirectory>> loadPartners(const std::string& path,
                                                             const TownshipDirectory& townships,
                                                             Problems& problems) {
  auto text = readConfigText(path, problems);
  if (!text) return Status::invalid("partners unreadable");
  return parsePartners(*text, townships, problems);
}

}  // namespace xj
