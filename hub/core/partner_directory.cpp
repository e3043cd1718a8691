#include "hub/core/partner_directory.h"

#include <algorithm>

namespace xj {
namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

const char* toString(ChannelType t) {
  switch (t) {
    case ChannelType::kWebhook:
      return "webhook";
    case ChannelType::kMqtt:
      return "mqtt";
    case ChannelType::kPoll:
      return "poll";
  }
  return "poll";
}

const char* toString(PartnerCapacity c) {
  switch (c) {
    case PartnerCapacity::kAvailable:
      return "available";
    case PartnerCapacity::kWaitlist:
      return "waitlist";
    case PartnerCapacity::kFull:
      return "full";
  }
  return "full";
}

bool Partner::servesTownship(const std::string& code) const {
  return contains(townships, "*") || contains(townships, code);
}
bool Partner::offers(const std::string& service) const { return contains(services, service); }
bool Partner::mayReceive(const std::string& field) const { return contains(fields, field); }
bool PlatformUpload::mayReceive(const std::string& field) const { return contains(fields, field); }

const Partner* PartnerDirectory::find(const std::string& org) const {
  for (const auto& p : partners)
    if (p.org == org) return &p;
  return nullptr;
}

bool Agency::sends(const std::string& signal) const { return contains(signals, signal); }

const Agency* PartnerDirectory::findAgency(const std::string& org) const {
  for (const auto& a : agencies)
    if (a.org == org) return &a;
  return nullptr;
}

const DeliveryChannel* PartnerDirectory::channelFor(const std::string& partner) const {
  if (partner == kPlatformPartner) return platform.enabled ? &platform.channel : nullptr;
  const Partner* p = find(partner);
  return p ? &p->channel : nullptr;
}

}  // namespace xj
