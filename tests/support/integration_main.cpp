// The integration tests' Catch2 main: a listener tells the helpers which test case runs and
// whether it failed, and a child failure that could not be pinned on a test case (reported off
// the test thread) still makes the run exit non-zero.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

#include "tests/support/test_env.h"

namespace {

struct ChildFailureListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo&) override {
    xj::test::detail::testCaseStarting();
  }
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) xj::test::detail::assertionFailed();
    return true;
  }
  void testCaseEnded(const Catch::TestCaseStats&) override { xj::test::detail::testCaseEnded(); }
};

}  // namespace

CATCH_REGISTER_LISTENER(ChildFailureListener)

int main(int argc, char** argv) {
  int result = Catch::Session().run(argc, argv);
  if (int n = xj::test::unattributedFailures(); n > 0) {
    std::cerr << n << " child-process failure(s) outside a test case's thread (see above)\n";
    if (result == 0) result = 1;
  }
  return result;
}
