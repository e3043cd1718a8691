// mqtt_load: the load tool of bench/mqtt-ingest, on Paho MQTT C++ (MQTT 5).
//
//   mqtt_load hub  --uri tcp://127.0.0.1:PORT --n N --run ID [--publishers P] [--window W] [--org bench]
//   mqtt_load echo --uri tcp://127.0.0.1:PORT --n N --run ID [--publishers P] [--window W]
//   ... --workload FILE   (required)
//
// With --workload (the file of bench/workload/workload.py: KIND TAB ROLE TAB JSON with "@ID@"),
// message i is line i of the file with its id filled in, published as its role's organisation
// (bench, bench-agency, bench-charity) on xianjie/in/ROLE/ORG/KINDs; the receipts of all three
// organisations are awaited. There is no single-person mode: it measured a cache, not the hub.
//
// hub:  publishes the N workload messages (unique ids) at QoS 1 and waits, subscribed to the
//       three organisations' receipt topics, until
//       every one holds a receipt (a JSON object with "id" and "status", or an array of them).
//       A message without a receipt after --resend-ms, or answered "unavailable", is sent again.
// echo: the reference. The same N payloads go through the same broker to a plain subscriber
//       (another client of this process, subscribed at QoS 1): no storage, no receipts.
//
// P publisher connections (default 4), each with at most --window (default 20) messages
// outstanding (published, not yet answered); one more connection receives the receipts (hub)
// or the messages themselves (echo).
// Prints one line: RESULT mode=.. n=.. secs=.. per_s=.. p50_ms=.. p99_ms=.. resends=.. ...
// per_s is N / (time from the first publish to the last receipt); latencies run from a
// message's first publish to its receipt (so they include any resends).
#include <mqtt/async_client.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode;
  std::string uri = "tcp://127.0.0.1:1883";
  std::string run = "r1";
  std::string org = "bench";
  std::string prefix = "xianjie";
  long n = 20'000;
  int window = 20;
  int publishers = 4;
  int resend_ms = 5'000;
  int timeout_s = 120;
  std::string workload;
};

[[noreturn]] void usage() {
  std::cerr << "usage: mqtt_load hub|echo --uri URI --n N --run ID [--publishers P] [--window W] [--org ORG]\n"
               "                [--prefix P] [--resend-ms MS] [--timeout-s S] --workload FILE\n";
  std::exit(2);
}

Options parseArgs(int argc, char** argv) {
  if (argc < 2) usage();
  Options o;
  o.mode = argv[1];
  if (o.mode != "hub" && o.mode != "echo") usage();
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (a == "--uri") o.uri = v;
    else if (a == "--run") o.run = v;
    else if (a == "--org") o.org = v;
    else if (a == "--prefix") o.prefix = v;
    else if (a == "--n") o.n = std::stol(v);
    else if (a == "--window") o.window = std::stoi(v);
    else if (a == "--publishers") o.publishers = std::stoi(v);
    else if (a == "--resend-ms") o.resend_ms = std::stoi(v);
    else if (a == "--timeout-s") o.timeout_s = std::stoi(v);
    else if (a == "--workload") o.workload = v;
    else usage();
  }
  // No single-person mode: a load that repeats one person measures a cache (DESIGN.md).
  if (o.n <= 0 || o.window <= 0 || o.publishers <= 0 || o.workload.empty()) usage();
  return o;
}

std::string messageId(const Options& o, long i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%09ld", i);
  return "b-" + o.run + "-" + buf;
}

struct Slot {
  Clock::time_point first{};
  Clock::time_point last{};
  double latency_ms = 0;
  bool done = false;
  bool unavailable = false;
};

class Load {
 public:
  explicit Load(Options o) : opt_(std::move(o)), slots_(static_cast<size_t>(opt_.n)) {
    id_prefix_ = "b-" + opt_.run + "-";
    in_flight_.assign(static_cast<size_t>(opt_.publishers), 0);
    payloads_.reserve(slots_.size());
    topics_.reserve(slots_.size());
    loadWorkload();
    if (opt_.mode != "hub") {
      topics_.assign(slots_.size(), "bench/echo/" + opt_.run);
      sub_topics_ = {"bench/echo/" + opt_.run};
    }
  }

  void loadWorkload() {
    std::ifstream in(opt_.workload);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) lines.push_back(std::move(l));
    if (lines.empty()) throw std::runtime_error("empty workload " + opt_.workload);
    const std::pair<const char*, const char*> orgs[] = {
        {"hotline", "bench"}, {"agency", "bench-agency"}, {"charity", "bench-charity"}};
    for (const auto& [role, org] : orgs) sub_topics_.push_back(opt_.prefix + "/out/" + org + "/receipts");
    for (long i = 0; i < opt_.n; ++i) {
      const std::string& l = lines[static_cast<size_t>(i) % lines.size()];
      size_t t1 = l.find('\t'), t2 = l.find('\t', t1 + 1);
      std::string kind = l.substr(0, t1), role = l.substr(t1 + 1, t2 - t1 - 1), body = l.substr(t2 + 1);
      std::string org;
      for (const auto& [r, o] : orgs)
        if (role == r) org = o;
      size_t at = body.find("@ID@");
      if (at != std::string::npos) body.replace(at, 4, messageId(opt_, i));
      payloads_.push_back(std::move(body));
      topics_.push_back(opt_.prefix + "/in/" + role + "/" + org + "/" + kind + "s");
    }
  }

  int run() {
    const std::string tag = std::to_string(::getpid()) + "-" + opt_.run;
    for (int p = 0; p < opt_.publishers; ++p) pubs_.push_back(connect("mqtt-load-pub" + std::to_string(p) + "-" + tag));
    sub_ = connect("mqtt-load-sub-" + tag);
    sub_->set_message_callback([this](mqtt::const_message_ptr m) { onMessage(m->get_payload_str()); });
    for (const auto& t : sub_topics_) sub_->subscribe(t, 1)->wait();

    start_ = Clock::now();
    deadline_ = start_ + std::chrono::seconds(opt_.timeout_s);
    std::thread resender([this] { resendLoop(); });
    std::vector<std::thread> publishers;
    for (int p = 0; p < opt_.publishers; ++p) publishers.emplace_back([this, p] { publishLoop(p); });
    for (auto& t : publishers) t.join();
    bool ok;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, deadline_, [&] { return done_ == opt_.n; });
      ok = done_ == opt_.n;
      finished_ = true;
    }
    cv_.notify_all();
    resender.join();
    const double secs = std::chrono::duration<double>(last_done_ - start_).count();
    report(secs, ok);
    try {
      for (auto& c : pubs_) c->disconnect()->wait_for(std::chrono::seconds(2));
      sub_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
    }
    return ok ? 0 : 1;
  }

 private:
  // Publisher p sends messages p, p+P, p+2P, ... keeping at most --window of them outstanding:
  // mosquitto grants each client a receive maximum of 20 (max_inflight_messages), and Paho C
  // queues publishes beyond the broker's receive maximum slowly, so the default window is 20
  // per connection and the load comes from several connections.
  void publishLoop(int p) {
    long next = p;
    const auto step = static_cast<long>(opt_.publishers);
    while (next < opt_.n) {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, deadline_, [&] { return finished_ || in_flight_[static_cast<size_t>(p)] < opt_.window; });
      if (finished_ || Clock::now() >= deadline_) return;
      std::vector<long> batch;
      while (next < opt_.n && in_flight_[static_cast<size_t>(p)] < opt_.window) {
        auto& s = slots_[static_cast<size_t>(next)];
        s.first = s.last = Clock::now();
        outstanding_.insert(next);
        in_flight_[static_cast<size_t>(p)]++;
        batch.push_back(next);
        next += step;
      }
      lock.unlock();
      for (long i : batch) send(i);
    }
  }

  std::unique_ptr<mqtt::async_client> connect(const std::string& client_id) {
    mqtt::create_options create(MQTTVERSION_5, 1'000'000);
    auto c = std::make_unique<mqtt::async_client>(opt_.uri, client_id, create, nullptr);
    auto opts = mqtt::connect_options_builder()
                    .mqtt_version(MQTTVERSION_5)
                    .clean_start(true)
                    .keep_alive_interval(std::chrono::seconds(30))
                    .max_inflight(65'535)
                    .finalize();
    c->connect(opts)->wait();
    return c;
  }

  void send(long i) {
    try {
      auto msg = mqtt::make_message(topics_[static_cast<size_t>(i)], payloads_[static_cast<size_t>(i)], 1, false);
      pubs_[static_cast<size_t>(i % opt_.publishers)]->publish(msg);
    } catch (const mqtt::exception&) {
      // Left outstanding: the resender sends it again.
      publish_errors_.fetch_add(1);
    }
  }

  // Every --resend-ms without a receipt, or shortly after an "unavailable", send it again.
  void resendLoop() {
    const auto resend_after = std::chrono::milliseconds(opt_.resend_ms);
    const auto unavailable_after = std::chrono::milliseconds(20);
    std::unique_lock lock(mu_);
    while (!finished_) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      lock.lock();
      if (finished_) break;
      const auto now = Clock::now();
      std::vector<long> again;
      for (long i : outstanding_) {
        auto& s = slots_[static_cast<size_t>(i)];
        if ((s.unavailable && now - s.last >= unavailable_after) || now - s.last >= resend_after) {
          s.unavailable = false;
          s.last = now;
          again.push_back(i);
        }
      }
      if (again.empty()) continue;
      resends_ += static_cast<long>(again.size());
      lock.unlock();
      for (long i : again) send(i);
      lock.lock();
    }
  }

  long indexOf(const char* id, size_t len) const {
    if (len <= id_prefix_.size() || std::memcmp(id, id_prefix_.data(), id_prefix_.size()) != 0) return -1;
    long v = 0;
    for (size_t k = id_prefix_.size(); k < len; ++k) {
      if (id[k] < '0' || id[k] > '9') return -1;
      v = v * 10 + (id[k] - '0');
    }
    return v < opt_.n ? v : -1;
  }

  // Paho's callback thread.
  void onMessage(const std::string& body) {
    receipt_msgs_.fetch_add(1);
    if (opt_.mode == "echo") {
      // The payload itself: its id is the first field.
      static constexpr std::string_view key = R"({"id":")";
      if (body.compare(0, key.size(), key) != 0) return;
      size_t end = body.find('"', key.size());
      if (end == std::string::npos) return;
      complete(indexOf(body.data() + key.size(), end - key.size()), "accepted");
      return;
    }
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    if (d.HasParseError()) {
      bad_.fetch_add(1);
      return;
    }
    auto one = [&](const rapidjson::Value& r) {
      if (!r.IsObject() || !r.HasMember("id") || !r["id"].IsString() || !r.HasMember("status") || !r["status"].IsString()) {
        bad_.fetch_add(1);
        return;
      }
      // A resend is answered with the original receipt: status accepted, "duplicate": true.
      bool dup = r.HasMember("duplicate") && r["duplicate"].IsTrue();
      complete(indexOf(r["id"].GetString(), r["id"].GetStringLength()),
               dup ? "duplicate" : r["status"].GetString());
    };
    if (d.IsArray()) {
      for (const auto& r : d.GetArray()) one(r);
    } else {
      one(d);
    }
  }

  void complete(long i, const std::string& status) {
    if (i < 0) {
      foreign_.fetch_add(1);
      return;
    }
    const auto now = Clock::now();
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      receipts_++;
      auto& s = slots_[static_cast<size_t>(i)];
      if (s.done) {
        late_++;  // a second receipt (for a resend), already counted
        return;
      }
      if (status == "unavailable") {
        unavailable_++;
        s.unavailable = true;
        return;
      }
      if (status == "duplicate") duplicates_++;
      else if (status != "accepted") failed_++;  // rejected / conflict: a bench bug, reported
      s.done = true;
      s.latency_ms = std::chrono::duration<double, std::milli>(now - s.first).count();
      outstanding_.erase(i);
      in_flight_[static_cast<size_t>(i % opt_.publishers)]--;
      done_++;
      last_done_ = now;
      wake = true;
    }
    if (wake) cv_.notify_all();
  }

  void report(double secs, bool ok) {
    std::vector<double> lat;
    lat.reserve(slots_.size());
    for (const auto& s : slots_)
      if (s.done) lat.push_back(s.latency_ms);
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) {
      if (lat.empty()) return 0.0;
      size_t k = static_cast<size_t>(p * static_cast<double>(lat.size() - 1) + 0.5);
      return lat[std::min(k, lat.size() - 1)];
    };
    std::lock_guard lock(mu_);
    std::printf(
        "RESULT mode=%s n=%ld done=%ld secs=%.3f per_s=%.0f p50_ms=%.2f p99_ms=%.2f resends=%ld unavailable=%ld "
        "duplicates=%ld failed=%ld late=%ld receipts=%ld receipt_msgs=%ld bad=%ld foreign=%ld publish_errors=%ld "
        "publishers=%d window=%d ok=%d\n",
        opt_.mode.c_str(), opt_.n, done_, secs, secs > 0 ? static_cast<double>(done_) / secs : 0.0, pct(0.50), pct(0.99),
        resends_, unavailable_, duplicates_, failed_, late_, receipts_, receipt_msgs_.load(), bad_.load(), foreign_.load(),
        publish_errors_.load(), opt_.publishers, opt_.window, ok ? 1 : 0);
    std::fflush(stdout);
  }

  Options opt_;
  std::vector<Slot> slots_;
  std::vector<std::string> payloads_;
  std::vector<std::string> topics_;  // per message
  std::vector<std::string> sub_topics_;
  std::string id_prefix_;
  std::vector<std::unique_ptr<mqtt::async_client>> pubs_;
  std::unique_ptr<mqtt::async_client> sub_;
  std::vector<int> in_flight_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::set<long> outstanding_;
  long done_ = 0, resends_ = 0, unavailable_ = 0, duplicates_ = 0, failed_ = 0, late_ = 0, receipts_ = 0;
  bool finished_ = false;
  Clock::time_point start_{}, last_done_{}, deadline_{};
  std::atomic<long> receipt_msgs_{0}, bad_{0}, foreign_{0}, publish_errors_{0};
};

}  // namespace

int main(int argc, char** argv) {
  Options o = parseArgs(argc, argv);
  try {
    Load load(o);
    return load.run();
  } catch (const mqtt::exception& e) {
    std::cerr << "mqtt_load: " << e.what() << "\n";
    return 1;
  }
}
