// A publisher for tests, on Paho MQTT C++ (MQTT 5): publishes messages, collects the hub's
// receipts by message id, and can resend until every message holds a receipt — what a real
// charity or agency system must do, since the receipt, not the PUBACK, is the hub's promise.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace xj::test {

struct TestReceipt {
  std::string json;
  std::string status;
  std::string hub_id;
  std::string correlation;
  bool retained = false;   // the broker delivered it with the retain flag
  bool duplicate = false;  // "duplicate": true, the original receipt for a resend
};

class MqttTestClient {
 public:
  MqttTestClient(const std::string& uri, const std::string& client_id, const std::string& user = "",
                 const std::string& password = "");
  ~MqttTestClient();
  // Before connect(), for an ssl:// uri: trust `ca_file` for the broker's certificate and,
  // when given, present `cert_file`/`key_file` as this client's certificate.
  void useTls(const std::string& ca_file, const std::string& cert_file = "",
              const std::string& key_file = "");
  bool connect();
  void subscribe(const std::string& filter);
  // QoS 1; returns the PUBACK's reason code (0 success; 135 not authorized), or -1 on failure.
  int publish(const std::string& topic, const std::string& payload,
              const std::string& response_topic = "", const std::string& correlation = "",
              bool wait = true, bool retained = false);
  // Receipts by message id (the last one for each id).
  std::map<std::string, TestReceipt> receipts();
  size_t receiptCount();
  // JSON objects received that name no id (refusals of unreadable messages), in order.
  std::vector<std::string> unnamed();
  // Waits until `ids` all hold a receipt whose status is not "unavailable", or until timeout.
  bool waitForReceipts(const std::vector<std::string>& ids, int timeout_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xj::test
