#include "adapters/http/messages_api.h"

#include <algorithm>

#include "adapters/envelope/receipt_codec.h"
#include "adapters/http/http_util.h"
#include "adapters/http/json_out.h"
#include "hub/core/log.h"

namespace xj::http {
namespace {

// The body of a 202, 200 or 409: the receipt, in the codec MQTT receipts use too.
std::string receiptBody(const IngestResult& r) {
  return envelope::encodeReceipt(envelope::receiptFor(r));
}

std::optional<Role> roleFor(MessageKind kind) {
  switch (kind) {
    case MessageKind::kTicket:
      return Role::kHotline;
    case MessageKind::kReferral:
      return Role::kCharity;
    case MessageKind::kNotification:
      return Role::kAgency;
  }
  return std::nullopt;
}

// What became of a sender's message, for its list: its item's resolution first (what the sender
// waits for), else how the intake took it: its own new case, a repeat joined to an open case of
// the same person (`linked`: today a repeat call), a signal merged into the open risk alert of
// the same person (`merged`), or a new risk alert (`alerted`). Empty while it became no item.
std::string dispositionOf(const OwnMessage& m) {
  if (!m.item) return "";
  if (m.item->state == ItemState::kResolved) return "resolved";
  if (m.status == toString(MessageStatus::kLinked)) return "linked";
  if (m.status == toString(MessageStatus::kMerged)) return "merged";
  if (m.status == toString(MessageStatus::kAlerted)) return "alerted";
  return "new_case";
}

}  // namespace

void MessagesApi::ticket(ApiRequest req, Reply reply) {
  ingest(MessageKind::kTicket, std::move(req), std::move(reply));
}

void MessagesApi::referral(ApiRequest req, Reply reply) {
  ingest(MessageKind::kReferral, std::move(req), std::move(reply));
}

void MessagesApi::notification(ApiRequest req, Reply reply) {
  ingest(MessageKind::kNotification, std::move(req), std::move(reply));
}

void MessagesApi::ingest(MessageKind kind, ApiRequest req, Reply reply) {
  security::TokenRefusal why;
  auto who = authenticate(req, &why);
  if (!who) {
    outcome(kind, "unauthorized").inc();
    return finish(req, reply, unauthorized(why));
  }
  if (who->role != roleFor(kind)) {
    outcome(kind, "forbidden").inc();
    log::info("ingest_forbidden", {{"token", who->token_id},
                                   {"role", std::string(toString(who->role))},
                                   {"kind", std::string(toString(kind))}});
    return finish(req, reply,
                  error(403, "forbidden",
                        "role " + std::string(toString(who->role)) + " may not send " +
                            std::string(toString(kind)) + "s"));
  }
  if (!isJsonContentType(req.content_type)) {
    countRejected("unsupported_media_type");
    outcome(kind, "invalid").inc();
    return finish(req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  IngestRecord record;
  Problems problems;
  // Through the reception as over MQTT, with the sender's own rules (a listed agency's signals).
  auto parsed = deps_.reception.prepareFrom(who->org, req.body, kind, record, problems);
  if (parsed != envelope::ParseOutcome::kOk) {
    const char* reason = parsed == envelope::ParseOutcome::kMalformed ? "malformed" : "invalid";
    countRejected(reason);
    outcome(kind, "invalid").inc();
    log::info("ingest_rejected", {{"token", who->token_id},
                                  {"kind", std::string(toString(kind))},
                                  {"reason", reason},
                                  {"problems", std::to_string(problems.size())}});
    return finish(
        req, reply,
        error(400,
              parsed == envelope::ParseOutcome::kMalformed ? "malformed_json" : "invalid_message",
              std::to_string(problems.size()) + " problem(s) in the message", problems));
  }
  if (record.source != who->org) {
    outcome(kind, "forbidden").inc();
    log::info("ingest_forbidden", {{"token", who->token_id}, {"reason", "source_mismatch"}});
    return finish(req, reply,
                  error(403, "forbidden", "source must be your organisation's id",
                        {{"/source", "does not match the token's organisation"}}));
  }
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  shared_req->body.clear();
  bool queued = deps_.service.ingest(std::move(record), [this, kind, shared_req,
                                                         reply](IngestResult r) {
    switch (r.outcome) {
      case IngestOutcome::kAccepted:
        outcome(kind, "accepted").inc();
        return finish(*shared_req, reply, ApiResponse{202, receiptBody(r), "application/json", {}});
      case IngestOutcome::kDuplicate:
        // The original receipt (status accepted, duplicate), not the message's current status.
        outcome(kind, "duplicate").inc();
        return finish(*shared_req, reply, ApiResponse{200, receiptBody(r), "application/json", {}});
      case IngestOutcome::kConflict:
        outcome(kind, "conflict").inc();
        return finish(*shared_req, reply, ApiResponse{409, receiptBody(r), "application/json", {}});
      case IngestOutcome::kUnavailable: {
        outcome(kind, "unavailable").inc();
        auto res =
            error(503, "storage_unavailable", "the message was not stored; send it again later");
        res.headers.emplace_back("Retry-After", "5");
        return finish(*shared_req, reply, std::move(res));
      }
    }
  });
  if (!queued) {
    outcome(kind, "overloaded").inc();
    auto res = error(503, "overloaded",
                     "the hub is busy; the message was not stored, send it again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*shared_req, reply, std::move(res));
  }
}

void MessagesApi::get(ApiRequest req, Reply reply) {
  const std::string id = req.params["id"];
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return;
  bool privileged = who->role == Role::kStaff || who->role == Role::kAdmin;
  // Senders look up by their own id (or our hub id); staff by hub id. A sender never learns
  // whether another source's message exists, and staff limited to some townships never learn
  // whether a message outside them exists: both are a 404, like an unknown id (hub ids are
  // sequential, so a 403 would let one token map the whole county).
  std::string source = privileged ? std::string() : who->org;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  Principal principal = *who;
  bool queued = deps_.store.lookup(
      id, source,
      [this, shared_req, reply, principal, privileged](std::optional<StoredMessage> m, bool ok) {
        if (!ok) {
          auto res = error(503, "storage_unavailable", "try again later");
          res.headers.emplace_back("Retry-After", "5");
          return finish(*shared_req, reply, std::move(res));
        }
        if (m && !mayRead(principal, *m)) {
          if (privileged)  // ids only: which token asked for which hub id, never the content
            log::info("message_out_of_scope",
                      {{"token", principal.token_id}, {"hub_id", m->receipt.hub_id}});
          m.reset();
        }
        if (!m) return finish(*shared_req, reply, error(404, "not_found", "no such message"));
        for (const auto& key : m->person_keys) notePerson(*shared_req, key);
        // The receipt as it was given (status accepted), then where the message is now.
        envelope::WireReceipt original;
        original.id = m->receipt.message_id;
        original.status = envelope::ReceiptStatus::kAccepted;
        original.stored = &m->receipt;
        std::string body = "{\"receipt\":" + envelope::encodeReceipt(original) + ",\"status\":\"" +
                           m->receipt.status + "\",\"message\":" + m->payload + "}";
        finish(*shared_req, reply, ApiResponse{200, std::move(body), "application/json", {}});
      });
  if (!queued) {
    auto res = error(503, "overloaded", "try again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*shared_req, reply, std::move(res));
  }
}

// The caller organisation's own messages, newest first: the operator's recent tickets with
// where each went and how it stands. `before` pages back (the `next_before` of the last page).
void MessagesApi::listOwn(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "messages");
  if (!who) return;
  auto q = parseQuery(req.target);
  MessageQuery query;
  query.source = who->org;
  Problems problems;
  if (q["mine"] != "1")
    problems.push_back({"mine", "must be 1: the list is of your organisation's own messages"});
  for (const auto& [k, v] : q) {
    int64_t n = 0;
    if (k == "limit") {
      if (!parseDecimalId(v, n) || n < 1 || n > 100)
        problems.push_back({"limit", "must be 1 to 100"});
      else
        query.limit = static_cast<int>(n);
    } else if (k == "before") {
      if (!parseDecimalId(v, n) || n < 1)
        problems.push_back({"before", "must be a cursor (next_before of the previous page)"});
      else
        query.before = n;
    } else if (k != "mine") {
      std::string shown;  // the key is the client's bytes: keep the answer valid JSON
      for (char ch : k.substr(0, 40)) shown.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
      problems.push_back({shown, "unknown parameter"});
    }
  }
  if (!problems.empty()) return replyProblems(req, reply, "invalid_query", problems);
  const int limit = query.limit;
  query.limit = limit + 1;  // one more tells whether there is a next page
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  bool queued = deps_.work.listOwnMessages(
      query, [this, shared_req, reply, limit](std::optional<std::vector<OwnMessage>> messages) {
        if (!messages) return replyUnavailable(*shared_req, reply, false);
        const bool more = static_cast<int>(messages->size()) > limit;
        if (more) messages->pop_back();
        replyJson(*shared_req, reply, jsonout::document([&](jsonout::Writer& w) {
          w.StartObject();
          w.Key("messages");
          w.StartArray();
          for (const auto& m : *messages) {
            w.StartObject();
            jsonout::string(w, "hub_id", hubIdOf(m.hub_seq));
            jsonout::string(w, "message_id", m.message_id);
            jsonout::string(w, "kind", toString(m.kind));
            jsonout::string(w, "received_at", m.received_at);
            jsonout::string(w, "status", m.status);
            const ItemRecord* it = m.item ? &*m.item : nullptr;
            jsonout::stringOrNull(w, "queue", it ? it->queue : "");
            w.Key("item_id");
            if (it) {
              w.Int64(it->item_id);
            } else {
              w.Null();
            }
            jsonout::stringOrNull(w, "state", it ? toString(it->state) : "");
            jsonout::stringOrNull(w, "deadline", it ? it->deadline : "");
            jsonout::boolean(w, "deadline_provisional", it && it->deadline_provisional);
            jsonout::boolean(w, "overdue", it && it->overdue);
            if (auto disposition = dispositionOf(m); !disposition.empty()) {
              jsonout::string(w, "disposition", disposition);
              if (disposition == "resolved") jsonout::string(w, "outcome", it->outcome);
            }
            w.EndObject();
          }
          w.EndArray();
          w.Key("next_before");
          if (more) {
            w.Int64(messages->back().hub_seq);
          } else {
            w.Null();
          }
          w.EndObject();
        }));
      });
  if (!queued) replyUnavailable(*shared_req, reply, true);
}

}  // namespace xj::http
