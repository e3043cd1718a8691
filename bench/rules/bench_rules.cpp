// bench_rules [N] [STANDARDS_DIR]: evaluates N (default 1,000,000) generated households of 1-6
// members on one thread, first without trace, then with the full trace, and prints
// households/s for both and the peak RSS. Households are generated in batches outside the
// timed region, so the figures are the rules core alone.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/rules/household_gen.h"
#include "config/standards.h"
#include "routing/rules/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  double seconds = 0;
  uint64_t checksum = 0;
  uint64_t errors = 0;
  uint64_t trace_steps = 0;
};

Run run(const xj::rules::RuleSet& rules, long n, bool trace) {
  constexpr long kBatch = 1 << 15;
  xj::rules::gen::Rng rng(42);  // same households for both runs
  std::vector<xj::rules::Household> batch(kBatch);
  xj::rules::Decision decision;
  xj::rules::EvalOptions opts;
  opts.trace = trace;
  Run r;
  for (long done = 0; done < n;) {
    long m = std::min(kBatch, n - done);
    for (long i = 0; i < m; ++i) xj::rules::gen::generateHousehold(rng, batch[static_cast<size_t>(i)]);
    auto t0 = Clock::now();
    for (long i = 0; i < m; ++i) {
      if (!xj::rules::evaluate(batch[static_cast<size_t>(i)], rules, opts, decision).isOk()) {
        ++r.errors;
        continue;
      }
      r.checksum = r.checksum * 31 + static_cast<uint64_t>(decision.household_category) +
                   decision.household_tags;
      r.trace_steps += decision.trace.size();
    }
    r.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    done += m;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  std::string dir = argc > 2 ? argv[2] : XJ_RULES_DATA_DIR;
  xj::Problems problems;
  auto standards = xj::household::loadStandards(dir, problems);
  if (!standards.isOk()) {
    std::fprintf(stderr, "bench_rules: cannot load standards from %s\n", dir.c_str());
    return 1;
  }
  const auto& rules = standards.value()->rules;
  Run fast = run(rules, n, false);
  Run traced = run(rules, n, true);
  if (fast.checksum != traced.checksum) {
    std::fprintf(stderr, "bench_rules: traced and untraced decisions differ\n");
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("households: %ld (1-6 members, generated, as_of in 2025), errors: %llu\n", n,
              static_cast<unsigned long long>(fast.errors));
  std::printf("without trace: %.0f households/s (%.3f s)\n", static_cast<double>(n) / fast.seconds,
              fast.seconds);
  std::printf("with full trace: %.0f households/s (%.3f s, %.1f steps/household)\n",
              static_cast<double>(n) / traced.seconds, traced.seconds,
              static_cast<double>(traced.trace_steps) / static_cast<double>(n));
  std::printf("peak RSS: %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  std::printf("rule set: %s\n", rules.version().c_str());
  return 0;
}
