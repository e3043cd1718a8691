#include "config/villages_config.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "config/jsonc_file.h"

namespace xj {
namespace {

using rapidjson::Value;

// What subject.village takes (adapters/envelope): a picked name must fit there as it is.
constexpr size_t kMaxVillageChars = 64;

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

size_t utf8Chars(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void checkKeys(const Value& obj, const std::string& path, std::initializer_list<const char*> keys,
               Problems& p) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string k = str(it->name);
    if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; }))
      p.push_back({path + "/" + k, "unknown setting"});
  }
}

// A required non-empty string of at most `max_chars` characters; empty when missing or bad.
std::string text(const Value& obj, const char* key, const std::string& path, size_t max_chars,
                 Problems& p) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) {
    p.push_back({path + "/" + key, "is required"});
    return {};
  }
  if (!it->value.IsString() || it->value.GetStringLength() == 0 ||
      utf8Chars(str(it->value)) > max_chars) {
    p.push_back({path + "/" + key, "must be a non-empty string of at most " +
                                       std::to_string(max_chars) + " characters"});
    return {};
  }
  return str(it->value);
}

bool allDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void readVillages(const Value& list, const std::string& path, PlaceTownship& t,
                  std::set<std::string>& codes, Problems& p) {
  if (!list.IsArray()) {
    p.push_back({path, "must be an array of villages (may be empty)"});
    return;
  }
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string here = path + "/" + std::to_string(i);
    const Value& v = list[i];
    if (!v.IsObject()) {
      p.push_back({here, "must be an object with code, name_zh and name_en"});
      continue;
    }
    checkKeys(v, here, {"code", "name_zh", "name_en"}, p);
    Village village{text(v, "code", here, 12, p), text(v, "name_zh", here, kMaxVillageChars, p),
                    text(v, "name_en", here, 100, p)};
    if (!village.code.empty()) {
      if (village.code.size() != 12 || !allDigits(village.code) ||
          (!t.code.empty() && village.code.compare(0, 9, t.code) != 0))
        p.push_back({here + "/code", "must be 12 digits starting with the township's code " +
                                         (t.code.empty() ? std::string("") : t.code)});
      else if (!codes.insert(village.code).second)
        p.push_back({here + "/code", village.code + " is listed twice"});
    }
    t.villages.push_back(std::move(village));
  }
}

}  // namespace

Result<std::shared_ptr<const PlaceDirectory>> parseVillages(const std::string& text_in,
                                                            const TownshipDirectory& townships,
                                                            Problems& p) {
  rapidjson::Document doc;
  if (!parseJsonc(text_in, doc, p)) return Status::invalid("villages are not valid JSON");
  if (!doc.IsObject()) {
    p.push_back({"", "must be an object"});
    return Status::invalid("villages");
  }
  const size_t before = p.size();
  checkKeys(doc, "", {"$schema", "villages_are_examples", "townships"}, p);
  auto dir = std::make_shared<PlaceDirectory>();
  if (auto it = doc.FindMember("villages_are_examples"); it != doc.MemberEnd()) {
    if (!it->value.IsBool())
      p.push_back({"/villages_are_examples", "must be true or false"});
    else
      dir->villages_are_examples = it->value.GetBool();
  }
  std::vector<PlaceTownship> listed;
  std::set<std::string> village_codes;
  auto list = doc.FindMember("townships");
  if (list == doc.MemberEnd() || !list->value.IsArray()) {
    p.push_back({"/townships", "is required: an array with each township of the county"});
  } else {
    for (rapidjson::SizeType i = 0; i < list->value.Size(); ++i) {
      const std::string path = "/townships/" + std::to_string(i);
      const Value& v = list->value[i];
      if (!v.IsObject()) {
        p.push_back({path, "must be an object with code, name_en and villages"});
        continue;
      }
      checkKeys(v, path, {"code", "name_zh", "name_en", "villages"}, p);
      PlaceTownship t;
      std::string code = text(v, "code", path, 9, p);
      // The 2023 code exactly: the pickers send what the envelope stores.
      const Township* known = code.empty() ? nullptr : townships.find(code);
      if (!code.empty() && (!known || known->code != code)) {
        p.push_back({path + "/code", "\"" + code +
                                         "\" is not the 2023 code of a township in the "
                                         "standards' township list"});
      } else if (known) {
        if (std::any_of(listed.begin(), listed.end(),
                        [&](const PlaceTownship& x) { return x.code == code; }))
          p.push_back({path + "/code", code + " is listed twice"});
        t.code = code;
        t.name_zh = known->name;
      }
      if (auto zh = v.FindMember("name_zh");
          zh != v.MemberEnd() && known && (!zh->value.IsString() || str(zh->value) != known->name))
        p.push_back({path + "/name_zh",
                     "must be the standards' name " + known->name + " (or be left out)"});
      t.name_en = text(v, "name_en", path, 100, p);
      if (auto vs = v.FindMember("villages"); vs == v.MemberEnd())
        p.push_back({path + "/villages", "is required (an empty array when none are known)"});
      else
        readVillages(vs->value, path + "/villages", t, village_codes, p);
      listed.push_back(std::move(t));
    }
    // In the standards' order, every one of them: a township missing from the picker could not
    // be chosen in the console at all.
    for (const auto& known : townships.all()) {
      auto it = std::find_if(listed.begin(), listed.end(),
                             [&](const PlaceTownship& x) { return x.code == known.code; });
      if (it == listed.end())
        p.push_back({"/townships", "township " + known.code + " (" + known.name + ") is missing"});
      else
        dir->townships.push_back(*it);
    }
  }
  if (p.size() != before) return Status::invalid("villages");
  return std::shared_ptr<const PlaceDirectory>(std::move(dir));
}

Result<std::shared_ptr<const PlaceDirectory>> loadVillages(const std::string& path,
                                                           const TownshipDirectory& townships,
                                                           Problems& problems) {
  auto text = readConfigText(path, problems);
  if (!text) return Status::invalid("villages unreadable");
  return parseVillages(*text, townships, problems);
}

}  // namespace xj
