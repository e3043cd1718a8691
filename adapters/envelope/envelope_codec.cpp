#include "adapters/envelope/envelope_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "hub/core/time_format.h"
#include "hub/core/vocabulary.h"
#include "routing/rules/id_number.h"

namespace xj::envelope {
namespace {

using rapidjson::Value;

using vocabulary::kCallerRelations;
using vocabulary::kDepartments;
using vocabulary::kReferralNeeds;
using vocabulary::kSignals;
using vocabulary::kTicketCategories;
using vocabulary::kUrgencies;

size_t utf8Length(const Value& v) {
  size_t n = 0;
  const char* s = v.GetString();
  for (size_t i = 0; i < v.GetStringLength(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

std::string joined(const std::vector<std::string>& vs) {
  std::string out;
  for (const auto& v : vs) out += (out.empty() ? "" : ", ") + v;
  return out;
}

bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == ':';
}

// Validates one object against its field list; every problem is recorded.
class Checker {
 public:
  Checker(Problems& p) : p_(p) {}

  // Reports unknown and missing fields. Returns false if `v` is not an object.
  bool object(const Value& v, const std::string& path, const std::vector<std::string>& required,
              const std::vector<std::string>& optional) {
    if (!v.IsObject()) {
      add(path, "must be an object");
      return false;
    }
    std::set<std::string> seen;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      // JSON allows a repeated name, but then which one counts is up to the parser: refuse it.
      if (!seen.insert(key).second) add(path + "/" + key, "appears more than once");
      if (std::find(required.begin(), required.end(), key) == required.end() &&
          std::find(optional.begin(), optional.end(), key) == optional.end())
        add(path + "/" + key, "unknown field");
    }
    for (const auto& r : required)
      if (!v.HasMember(r.c_str())) add(path + "/" + r, "is required");
    return true;
  }

  const Value* get(const Value& obj, const char* key) {
    auto it = obj.FindMember(key);
    return it == obj.MemberEnd() ? nullptr : &it->value;
  }

  bool string(const Value* v, const std::string& path, size_t min_len, size_t max_len) {
    if (!v) return false;
    if (!v->IsString()) {
      add(path, "must be a string");
      return false;
    }
    size_t n = utf8Length(*v);
    if (n < min_len || n > max_len) {
      add(path, min_len == max_len ? "must be " + std::to_string(min_len) + " characters"
                                   : "must be " + std::to_string(min_len) + " to " +
                                         std::to_string(max_len) + " characters");
      return false;
    }
    return true;
  }

  bool token(const Value* v, const std::string& path) {
    if (!string(v, path, 1, 64)) return false;
    const char* s = v->GetString();
    for (size_t i = 0; i < v->GetStringLength(); ++i) {
      if (!isIdChar(s[i])) {
        add(path, "may contain only letters, digits and . _ - :");
        return false;
      }
    }
    return true;
  }

  bool oneOf(const Value* v, const std::string& path, const std::vector<std::string>& allowed) {
    if (!v) return false;
    if (!v->IsString()) {
      add(path, "must be a string");
      return false;
    }
    std::string s(v->GetString(), v->GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      add(path, "must be one of: " + joined(allowed));
      return false;
    }
    return true;
  }

  bool boolean(const Value* v, const std::string& path) {
    if (!v) return false;
    if (!v->IsBool()) {
      add(path, "must be true or false");
      return false;
    }
    return true;
  }

  void phone(const Value* v, const std::string& path) {
    if (!string(v, path, 5, 24)) return;
    const char* s = v->GetString();
    size_t digits = 0;
    for (size_t i = 0; i < v->GetStringLength(); ++i) {
      char c = s[i];
      if (c >= '0' && c <= '9') {
        ++digits;
      } else if (!(c == '-' || c == ' ' || (c == '+' && i == 0))) {
        return add(path, "must be digits, optionally with a leading + and - separators");
      }
    }
    if (digits < 5 || digits > 20) add(path, "must have 5 to 20 digits");
  }

  void add(const std::string& path, std::string problem) {
    p_.push_back({path, std::move(problem)});
  }

 private:
  Problems& p_;
};

void checkTicketBody(Checker& c, const Value& b) {
  if (!c.object(b, "/body", {"category", "urgency", "description"},
                {"caller", "needs_proxy_application"}))
    return;
  c.oneOf(c.get(b, "category"), "/body/category", kTicketCategories);
  c.oneOf(c.get(b, "urgency"), "/body/urgency", kUrgencies);
  c.string(c.get(b, "description"), "/body/description", 1, 4000);
  if (auto* v = c.get(b, "needs_proxy_application")) c.boolean(v, "/body/needs_proxy_application");
  if (auto* caller = c.get(b, "caller")) {
    if (c.object(*caller, "/body/caller", {}, {"name", "phone", "relation"})) {
      if (auto* v = c.get(*caller, "name")) c.string(v, "/body/caller/name", 1, 100);
      if (auto* v = c.get(*caller, "phone")) c.phone(v, "/body/caller/phone");
      if (auto* v = c.get(*caller, "relation"))
        c.oneOf(v, "/body/caller/relation", kCallerRelations);
    }
  }
}

// How the person's consent to a referral in was obtained (optional, so that partners' software
// that sends only `consent: true` keeps working; the partner pages always send it): the same
// {by, at, method} that a referral out records, kept with the message for staff to see.
void checkConsentRecord(Checker& c, const Value& r) {
  if (!c.object(r, "/body/consent_record", {"by", "at", "method"}, {})) return;
  c.string(c.get(r, "by"), "/body/consent_record/by", 1, 100);
  if (auto* v = c.get(r, "at");
      c.string(v, "/body/consent_record/at", 1, 64) && !parseRfc3339(v->GetString()))
    c.add("/body/consent_record/at", "must be an RFC 3339 time");
  c.oneOf(c.get(r, "method"), "/body/consent_record/method", {"written", "oral", "electronic"});
}

void checkReferralBody(Checker& c, const Value& b) {
  if (!c.object(b, "/body", {"needs", "charity_case_id", "consent"}, {"summary", "consent_record"}))
    return;
  if (auto* needs = c.get(b, "needs")) {
    if (!needs->IsArray() || needs->Empty()) {
      c.add("/body/needs", "must be a non-empty array");
    } else {
      std::set<std::string> seen;
      for (rapidjson::SizeType i = 0; i < needs->Size(); ++i) {
        std::string path = "/body/needs/" + std::to_string(i);
        if (c.oneOf(&(*needs)[i], path, kReferralNeeds) &&
            !seen.insert((*needs)[i].GetString()).second)
          c.add(path, "is listed twice");
      }
    }
  }
  c.token(c.get(b, "charity_case_id"), "/body/charity_case_id");
  if (auto* v = c.get(b, "consent"); c.boolean(v, "/body/consent") && !v->GetBool())
    c.add("/body/consent", "must be true: a case may be passed on only with the person's consent");
  if (auto* v = c.get(b, "summary")) c.string(v, "/body/summary", 1, 4000);
  if (auto* r = c.get(b, "consent_record")) checkConsentRecord(c, *r);
}

void checkNotificationBody(Checker& c, const Value& b) {
  if (!c.object(b, "/body", {"department", "signal"}, {"amounts", "detail"})) return;
  c.oneOf(c.get(b, "department"), "/body/department", kDepartments);
  c.oneOf(c.get(b, "signal"), "/body/signal", kSignals);
  if (auto* v = c.get(b, "detail")) c.string(v, "/body/detail", 1, 4000);
  if (auto* a = c.get(b, "amounts")) {
    if (!a->IsObject()) {
      c.add("/body/amounts", "must be an object of amounts in fen");
    } else {
      for (auto it = a->MemberBegin(); it != a->MemberEnd(); ++it) {
        std::string path =
            "/body/amounts/" + std::string(it->name.GetString(), it->name.GetStringLength());
        if (!it->value.IsInt64()) {
          c.add(path, "must be an integer amount in fen");
        } else if (it->value.GetInt64() < 0) {
          c.add(path, "must not be negative");
        }
      }
    }
  }
}

}  // namespace

std::optional<MessageKind> peekKind(std::string_view bytes) {
  if (nestingDepth(bytes) > 64) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(bytes.data(), bytes.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("kind") || !doc["kind"].IsString())
    return std::nullopt;
  return parseMessageKind(doc["kind"].GetString());
}

int nestingDepth(std::string_view bytes) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : bytes) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

ParseOutcome parsePersonLookup(std::string_view bytes, const Limits& limits, Facts& facts,
                               Problems& problems) {
  if (int d = nestingDepth(bytes); d > limits.max_depth) {
    problems.push_back({"", "nested " + std::to_string(d) + " levels deep; the limit is " +
                                std::to_string(limits.max_depth)});
    return ParseOutcome::kMalformed;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(bytes.data(),
                                                                                    bytes.size());
  if (doc.HasParseError()) {
    problems.push_back({"", "not valid JSON at byte " + std::to_string(doc.GetErrorOffset())});
    return ParseOutcome::kMalformed;
  }
  Checker c(problems);
  const size_t before = problems.size();
  if (!c.object(doc, "", {}, {"phone", "id_number"})) return ParseOutcome::kInvalid;
  if (!doc.HasMember("phone") && !doc.HasMember("id_number"))
    c.add("", "give a phone, an id_number or both");
  std::string normal_id;
  if (auto* v = c.get(doc, "id_number"); v && c.string(v, "/id_number", 1, 32)) {
    auto check = rules::checkIdNumber(std::string_view(v->GetString(), v->GetStringLength()),
                                      limits.latest_birth_date);
    if (!check.ok())
      c.add("/id_number", rules::describe(check.error));
    else
      normal_id = check.normalised;
  }
  if (auto* v = c.get(doc, "phone")) c.phone(v, "/phone");
  if (problems.size() != before) return ParseOutcome::kInvalid;
  facts.id_number = normal_id;
  facts.phone_digits.clear();
  if (doc.HasMember("phone"))
    for (size_t i = 0; i < doc["phone"].GetStringLength(); ++i)
      if (char ch = doc["phone"].GetString()[i]; ch >= '0' && ch <= '9')
        facts.phone_digits.push_back(ch);
  return ParseOutcome::kOk;
}

ParseOutcome parseEnvelope(std::string_view bytes, MessageKind expected_kind,
                           const TownshipDirectory& townships, const Limits& limits,
                           IngestRecord& record, Problems& problems, Facts* facts) {
  if (int d = nestingDepth(bytes); d > limits.max_depth) {
    problems.push_back({"", "nested " + std::to_string(d) + " levels deep; the limit is " +
                                std::to_string(limits.max_depth)});
    return ParseOutcome::kMalformed;
  }
  // Per-thread arenas for the DOM and the parse stack: a typical message then parses without
  // touching malloc (RapidJSON's default 64 KiB chunk per document costs a malloc and, when
  // freed, a heap consolidation on every request). Larger documents spill to the heap.
  thread_local char value_arena[32 * 1024];
  thread_local char parse_arena[4 * 1024];
  rapidjson::MemoryPoolAllocator<> value_alloc(value_arena, sizeof value_arena);
  rapidjson::MemoryPoolAllocator<> parse_alloc(parse_arena, sizeof parse_arena);
  rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                             rapidjson::MemoryPoolAllocator<>>
      doc(&value_alloc, sizeof parse_arena, &parse_alloc);
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(bytes.data(),
                                                                                    bytes.size());
  if (doc.HasParseError()) {
    std::string what = doc.GetParseError() == rapidjson::kParseErrorStringInvalidEncoding
                           ? "invalid UTF-8"
                           : rapidjson::GetParseError_En(doc.GetParseError());
    problems.push_back(
        {"", "not valid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " + what});
    return ParseOutcome::kMalformed;
  }
  Checker c(problems);
  size_t before = problems.size();
  if (!c.object(doc, "", {"id", "kind", "source", "occurred_at", "subject", "body"}, {}))
    return ParseOutcome::kInvalid;

  c.token(c.get(doc, "id"), "/id");
  if (auto* v = c.get(doc, "kind"); c.oneOf(v, "/kind", {"ticket", "referral", "notification"}) &&
                                    parseMessageKind(v->GetString()) != expected_kind) {
    c.add("/kind",
          std::string("must be \"") + std::string(toString(expected_kind)) + "\" on this endpoint");
  }
  c.token(c.get(doc, "source"), "/source");
  if (auto* v = c.get(doc, "occurred_at");
      c.string(v, "/occurred_at", 1, 64) && !parseRfc3339(v->GetString())) {
    c.add("/occurred_at",
          "must be an RFC 3339 date-time with a real date, e.g. 2025-03-10T09:30:00+08:00");
  }

  std::string township_code;
  std::string normal_id;
  if (auto* s = c.get(doc, "subject")) {
    if (c.object(*s, "/subject", {"township"},
                 {"name", "id_number", "phone", "village", "household"})) {
      if (auto* v = c.get(*s, "name")) c.string(v, "/subject/name", 1, 100);
      if (auto* v = c.get(*s, "id_number"); v && c.string(v, "/subject/id_number", 1, 32)) {
        auto check = rules::checkIdNumber(std::string_view(v->GetString(), v->GetStringLength()),
                                          limits.latest_birth_date);
        if (!check.ok()) {
          c.add("/subject/id_number", rules::describe(check.error));
        } else {
          normal_id = check.normalised;
        }
      }
      if (auto* v = c.get(*s, "phone")) c.phone(v, "/subject/phone");
      if (auto* v = c.get(*s, "township"); c.string(v, "/subject/township", 1, 32)) {
        const Township* t = townships.find(std::string_view(v->GetString(), v->GetStringLength()));
        if (!t) {
          c.add("/subject/township",
                "is not a township of Dahua county (use a code such as 451229205)");
        } else {
          township_code = t->code;
        }
      }
      if (auto* v = c.get(*s, "village")) c.string(v, "/subject/village", 1, 64);
      if (auto* v = c.get(*s, "household"); v && !v->IsObject())
        c.add("/subject/household", "must be an object");
    }
  }
  if (auto* b = c.get(doc, "body")) {
    switch (expected_kind) {
      case MessageKind::kTicket:
        checkTicketBody(c, *b);
        break;
      case MessageKind::kReferral:
        checkReferralBody(c, *b);
        break;
      case MessageKind::kNotification:
        checkNotificationBody(c, *b);
        break;
    }
  }
  if (problems.size() != before) return ParseOutcome::kInvalid;

  // Normalise what has more than one spelling, so that a resend with a lower-case x or an old
  // township code is recognised as the same message.
  auto& subject = doc["subject"];
  auto& alloc = doc.GetAllocator();
  subject["township"].SetString(township_code.c_str(),
                                static_cast<rapidjson::SizeType>(township_code.size()), alloc);
  if (!normal_id.empty())
    subject["id_number"].SetString(normal_id.c_str(),
                                   static_cast<rapidjson::SizeType>(normal_id.size()), alloc);

  // A household described without its township is in the subject's township.
  if (subject.HasMember("household") && !subject["household"].HasMember("township_code") &&
      !subject["household"].HasMember("township") && !subject["household"].HasMember("household")) {
    subject["household"].AddMember("township_code", rapidjson::Value(township_code.c_str(), alloc),
                                   alloc);
  }
  if (facts) {
    auto digitsOf = [](const Value& v) {
      std::string d;
      for (size_t i = 0; i < v.GetStringLength(); ++i)
        if (v.GetString()[i] >= '0' && v.GetString()[i] <= '9') d.push_back(v.GetString()[i]);
      return d;
    };
    facts->id_number = normal_id;
    const auto& body = doc["body"];
    if (subject.HasMember("phone")) {
      facts->phone_digits = digitsOf(subject["phone"]);
    } else if (body.HasMember("caller") && body["caller"].HasMember("phone")) {
      facts->phone_digits = digitsOf(body["caller"]["phone"]);
    }
    if (body.HasMember("urgency")) facts->urgency = body["urgency"].GetString();
    if (body.HasMember("category")) facts->ticket_category = body["category"].GetString();
    if (body.HasMember("signal")) facts->signal = body["signal"].GetString();
    if (subject.HasMember("household")) {
      rapidjson::StringBuffer hb;
      rapidjson::Writer<rapidjson::StringBuffer> hw(hb);
      subject["household"].Accept(hw);
      facts->household_json.assign(hb.GetString(), hb.GetSize());
      const Value& h = subject["household"].HasMember("household")
                           ? subject["household"]["household"]
                           : subject["household"];
      if (h.IsObject() && h.HasMember("members") && h["members"].IsArray()) {
        for (const auto& m : h["members"].GetArray()) {
          if (!m.IsObject() || !m.HasMember("id_number") || !m["id_number"].IsString()) continue;
          auto check = rules::checkIdNumber(
              std::string_view(m["id_number"].GetString(), m["id_number"].GetStringLength()),
              limits.latest_birth_date);
          if (check.ok()) facts->member_ids.push_back(check.normalised);
        }
      }
    }
  }
  rapidjson::StringBuffer buf(nullptr, bytes.size() + 64);
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  record.kind = expected_kind;
  record.message_id = doc["id"].GetString();
  record.source = doc["source"].GetString();
  record.occurred_at = doc["occurred_at"].GetString();
  record.township = township_code;
  record.payload.assign(buf.GetString(), buf.GetSize());
  return ParseOutcome::kOk;
}

}  // namespace xj::envelope
