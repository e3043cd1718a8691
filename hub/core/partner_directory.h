// The partner directory: the charity organisations and social-service agencies the hub exchanges
// referrals with, the designated information platform, and the delivery policy of the outbox.
// Loaded from config/partners.jsonc (hub config key `partners_path`) by config/partners_config.h
// at start-up, validated as a whole; then read-only and shared (any thread).
//
// Std-only data and lookups. Which partner to suggest for a person is the exchange policy's
// decision (routing/exchange), not the directory's.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xj {

// What a partner says it can help with (the `services` list, and the needs a referral names).
inline const std::vector<std::string> kPartnerServices = {
    "food",    "medical",       "education",          "elderly_care", "disability",
    "housing", "psychological", "employment",         "basic_living", "temporary_aid",
    "care",    "legal",         "disability_support", "other"};

// The fields of a person that may leave the hub for a partner (its `fields` list).
inline const std::vector<std::string> kPartnerFields = {
    "name", "phone", "id_number", "township", "village", "address", "needs", "household"};
// When a partner entry names no `fields`: no ID number and no exact address
// (data minimisation: what a partner needs to help, no more).
inline const std::vector<std::string> kDefaultPartnerFields = {"name", "phone", "township",
                                                               "village", "needs"};

enum class ChannelType { kWebhook, kMqtt, kPoll };
const char* toString(ChannelType t);

// How outbound messages reach a partner.
struct DeliveryChannel {
  ChannelType type = ChannelType::kPoll;
  std::string url;  // webhook: http:// or https://
  // webhook over https: the CA file (PEM) the partner's certificate must chain to; empty: the
  // system's CAs. Either way the certificate and its host name are verified.
  std::string ca_file;
  std::string secret_file;  // webhook (required) and mqtt (optional): the HMAC key's file
  std::string secret;       // its contents, read at load time; never logged
  std::string topic;        // mqtt: where the hub publishes (QoS 1, PUBACK awaited)
};

enum class PartnerCapacity { kAvailable, kWaitlist, kFull };
const char* toString(PartnerCapacity c);

struct Partner {
  std::string org;   // matches the org of its API tokens
  std::string name;  // display name
  std::vector<std::string> services;
  std::vector<std::string> townships;  // 9-digit codes, or {"*"} for the whole county
  PartnerCapacity capacity = PartnerCapacity::kAvailable;
  DeliveryChannel channel;
  std::vector<std::string> fields = kDefaultPartnerFields;
  int accept_within_working_days = 3;
  int progress_every_working_days = 10;

  bool servesTownship(const std::string& code) const;
  bool offers(const std::string& service) const;
  bool mayReceive(const std::string& field) const;
};

// What of a person may go to the designated platform besides the person key and the category
// change (its `fields`); by default the township and village, never the raw ID number.
inline const std::vector<std::string> kPlatformFields = {"id_number", "township", "village"};
inline const std::vector<std::string> kDefaultPlatformFields = {"township", "village"};

// The designated information platform: its outbox partner name is "platform".
// Disabled: category changes are still recorded per person, nothing is enqueued.
struct PlatformUpload {
  bool enabled = false;
  DeliveryChannel channel;
  std::vector<std::string> fields = kDefaultPlatformFields;

  bool mayReceive(const std::string& field) const;
};
inline constexpr const char* kPlatformPartner = "platform";

// Retries of the outbox dispatcher: exponential backoff from backoff_initial_ms, doubling up to
// backoff_max_ms, with full jitter; after max_attempts failed attempts a message is dead.
struct DeliveryPolicy {
  int max_attempts = 8;
  int backoff_initial_ms = 500;
  int backoff_max_ms = 300'000;
  int timeout_ms = 10'000;         // one webhook attempt, connect to last byte
  int max_in_flight = 256;         // attempts in flight at once over all partners
  int max_lanes_per_partner = 64;  // lanes of one partner in flight at once
  // Pending rows of one partner the delivery thread holds in memory; the rest stay in the store
  // and are read back in id order as these drain, so a partner down for days costs no memory.
  int max_rows_in_memory_per_partner = 10'000;
};

// An agency that warns about families at risk (tokens of role agency, org `org`): the signal
// kinds it sends (`agencies` in partners.jsonc). Its page offers these, and a notification from
// it with another signal is refused. An agency not listed may send any signal.
struct Agency {
  std::string org;
  std::string name;
  std::vector<std::string> signals;  // from vocabulary::kSignals, distinct, not empty

  bool sends(const std::string& signal) const;
};

struct PartnerDirectory {
  std::vector<Partner> partners;
  std::vector<Agency> agencies;
  PlatformUpload platform;
  DeliveryPolicy delivery;

  // nullptr when no agency entry has this org (it may then send any signal).
  const Agency* findAgency(const std::string& org) const;

  // nullptr when no partner has this org.
  const Partner* find(const std::string& org) const;
  // The channel an outbox row addressed to `partner` leaves by: the platform's for "platform",
  // else the partner's; nullptr when the directory no longer knows it.
  const DeliveryChannel* channelFor(const std::string& partner) const;
};

// The directory in force: replaced whole on SIGHUP (after validation), read by any thread.
class PartnerDirectoryHolder {
 public:
  explicit PartnerDirectoryHolder(std::shared_ptr<const PartnerDirectory> d) : d_(std::move(d)) {}
  std::shared_ptr<const PartnerDirectory> get() const {
    std::lock_guard lock(mu_);
    return d_;
  }
  void set(std::shared_ptr<const PartnerDirectory> d) {
    std::lock_guard lock(mu_);
    d_ = std::move(d);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const PartnerDirectory> d_;
};

}  // namespace xj
