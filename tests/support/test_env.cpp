#include "tests/support/test_env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace xj::test {

namespace {
std::mutex g_mu;
bool g_in_test = false;
std::thread::id g_test_thread;
std::atomic<bool> g_test_failed{false};
std::atomic<int> g_unattributed{0};
}  // namespace

std::string makeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return buf.data();
}

void writeSecretFile(const std::string& path, const std::string& text) {
  ::unlink(path.c_str());  // O_EXCL below: a new file, so the mode is the one given here
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the secret file " + path);
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write the secret file " + path);
}

uint32_t testSeed(const std::string& what) {
  uint32_t seed;
  const char* env = std::getenv("XJ_TEST_SEED");
  if (env && *env)
    seed = static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  else
    seed = std::random_device{}();
  std::cerr << "seed for " << what << ": " << seed << " (replay with XJ_TEST_SEED=" << seed
            << ")\n";
  return seed;
}

void failCurrentTest(const std::string& message) {
  {
    std::lock_guard lock(g_mu);
    if (!g_in_test || std::this_thread::get_id() != g_test_thread) {
      std::cerr << "FAILED (outside the test thread; the run will exit non-zero): " << message
                << "\n";
      ++g_unattributed;
      return;
    }
  }
  FAIL_CHECK(message);
}

bool currentTestFailed() { return g_test_failed.load(); }

int unattributedFailures() { return g_unattributed.load(); }

namespace detail {
void testCaseStarting() {
  std::lock_guard lock(g_mu);
  g_in_test = true;
  g_test_thread = std::this_thread::get_id();
  g_test_failed = false;
}
void assertionFailed() { g_test_failed = true; }
void testCaseEnded() {
  std::lock_guard lock(g_mu);
  g_in_test = false;
}
}  // namespace detail

}  // namespace xj::test
