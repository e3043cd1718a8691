// A fresh directory under the system's temp directory for one test, removed with everything in
// it when the test ends. Named by the prefix, the process id and a counter, so that tests
// running in parallel (ctest -j, several processes) and several in one process never share one.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

namespace xj::test {

struct TempDir {
  std::filesystem::path dir;
  explicit TempDir(const std::string& prefix) {
    static std::atomic<int> n{0};
    dir = std::filesystem::temp_directory_path() /
          ("xj-" + prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace xj::test
