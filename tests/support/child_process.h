// Child processes of an integration test (the daemon, the CLI, sqlite3, the broker). Each runs
// with its sanitizer reports (ASan, LSan, UBSan, TSan) written to files `<prefix>.<pid>`
// (log_path added to the inherited *SAN_OPTIONS), so that a report is found even when the
// child's stderr is discarded or its exit code ignored, and then fails the test that ran it.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

namespace xj::test {

// Forks and execs argv[0] (searched in PATH) with stdin /dev/null, stdout and stderr appended to
// the given files ("" : /dev/null), sanitizer reports to `sanitizer_prefix`.<pid>, and
// PR_SET_PDEATHSIG so that it dies with the test process. Everything is prepared before the
// fork (the test process has threads). Throws if fork fails.
pid_t spawnChild(const std::vector<std::string>& argv, const std::string& stdout_path,
                 const std::string& stderr_path, const std::string& sanitizer_prefix);

// The contents of report files `<dir>/<name_prefix>.*` not in `seen` (added to it), each headed
// by its path; empty when there is none.
std::string newSanitizerReports(const std::string& dir, const std::string& name_prefix,
                                std::set<std::string>& seen);

// The lines of `text` that start a sanitizer report ("ERROR: AddressSanitizer", "runtime
// error:", "ERROR: LeakSanitizer", "WARNING: ThreadSanitizer", ...).
std::string sanitizerLines(const std::string& text);

// "exit 0", "exit 1", "signal 6 (Aborted)" for a waitpid status.
std::string describeWaitStatus(int status);
bool exitedZero(int status);

// Runs `cmd` with /bin/sh and returns its stdout. Without `exit_code` the command must succeed:
// a non-zero exit fails the running test. A sanitizer report from anything it ran always does.
std::string runCommand(const std::string& cmd, int* exit_code = nullptr);

}  // namespace xj::test
