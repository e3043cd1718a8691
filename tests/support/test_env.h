// What every integration helper shares: temporary directories under $TMPDIR, random seeds that
// are printed and can be replayed, and the way a helper fails the test that is running when a
// child process (daemon, CLI, broker) misbehaves. Used from the test thread; failCurrentTest may
// be called from any thread (off the test thread the failure fails the whole run instead).
#pragma once

#include <cstdint>
#include <string>

namespace xj::test {

// A new private directory $TMPDIR/<prefix>XXXXXX (TMPDIR unset: /tmp). Throws on failure.
std::string makeTempDir(const std::string& prefix);

// Writes `text` to a new file at mode 0600 whatever the umask, as scripts/run makes the hub's
// secret files (the hub refuses a secret file that group or others may read or write). An
// existing file is replaced. Throws on failure.
void writeSecretFile(const std::string& path, const std::string& text);

// A seed for a test's random choices: XJ_TEST_SEED if set, else a fresh random one. Always
// printed (with `what`), so that a failure can be replayed with XJ_TEST_SEED=<seed>.
uint32_t testSeed(const std::string& what);

// Fails the running test case with `message` (a Catch2 FAIL_CHECK), or, off the test thread or
// outside a test case, prints it and makes the test run exit non-zero.
void failCurrentTest(const std::string& message);

// Whether the running test case has a failed assertion so far (helpers keep their files then).
bool currentTestFailed();

// Failures that could not be attributed to a test case (the runner's main adds them up).
int unattributedFailures();

namespace detail {
// Called by the Catch2 listener in integration_main.cpp.
void testCaseStarting();
void assertionFailed();
void testCaseEnded();
}  // namespace detail

}  // namespace xj::test
