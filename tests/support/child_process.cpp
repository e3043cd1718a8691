#include "tests/support/child_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "tests/support/test_env.h"

extern char** environ;

namespace xj::test {

namespace {

// The inherited environment with log_path appended to each sanitizer's options.
std::vector<std::string> childEnvironment(const std::string& sanitizer_prefix) {
  static const char* kOptions[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    bool replaced = false;
    for (const char* name : kOptions)
      if (std::strncmp(*e, name, std::strlen(name)) == 0 && (*e)[std::strlen(name)] == '=')
        replaced = true;
    if (!replaced) env.emplace_back(*e);
  }
  for (const char* name : kOptions) {
    const char* old = std::getenv(name);
    std::string value = old && *old ? std::string(old) + ":" : "";
    env.push_back(std::string(name) + "=" + value + "log_path=" + sanitizer_prefix);
  }
  return env;
}

int openForAppend(const std::string& path) {
  int fd = ::open(path.empty() ? "/dev/null" : path.c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  return fd;
}

pid_t spawnWithFds(const std::vector<std::string>& argv, int out_fd, int err_fd,
                   const std::string& sanitizer_prefix) {
  std::vector<std::string> env = childEnvironment(sanitizer_prefix);
  std::vector<char*> argp, envp;
  for (const auto& a : argv) argp.push_back(const_cast<char*>(a.c_str()));
  argp.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Dies with the test process, so a crashed or killed test leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execvpe(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  ::close(in_fd);
  return pid;
}

const std::string& cliSanitizerDir() {
  static std::once_flag once;
  static std::string dir;
  std::call_once(once, [] {
    dir = makeTempDir("xianjie-cli-sanitizer-");
    std::atexit([] { ::rmdir(dir.c_str()); });  // only when empty: reports are kept
  });
  return dir;
}

}  // namespace

pid_t spawnChild(const std::vector<std::string>& argv, const std::string& stdout_path,
                 const std::string& stderr_path, const std::string& sanitizer_prefix) {
  int out_fd = openForAppend(stdout_path);
  int err_fd = stderr_path == stdout_path ? out_fd : openForAppend(stderr_path);
  pid_t pid = spawnWithFds(argv, out_fd, err_fd, sanitizer_prefix);
  ::close(out_fd);
  if (err_fd != out_fd) ::close(err_fd);
  return pid;
}

std::string newSanitizerReports(const std::string& dir, const std::string& name_prefix,
                                std::set<std::string>& seen) {
  std::string out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, name_prefix.size() + 1, name_prefix + ".") != 0) continue;
    std::string path = dir + "/" + name;
    if (!seen.insert(path).second) continue;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    out += "---- " + path + "\n" + ss.str();
  }
  ::closedir(d);
  return out;
}

std::string sanitizerLines(const std::string& text) {
  static const char* kMarks[] = {
      "ERROR: AddressSanitizer",      "ERROR: LeakSanitizer",   "runtime error:",
      "WARNING: ThreadSanitizer",     "ERROR: ThreadSanitizer", "ERROR: UndefinedBehaviorSanitizer",
      "AddressSanitizer:DEADLYSIGNAL"};
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    for (const char* m : kMarks)
      if (line.find(m) != std::string::npos) {
        out += line + "\n";
        break;
      }
  return out;
}

std::string describeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "status " + std::to_string(status);
}

bool exitedZero(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string runCommand(const std::string& cmd, int* exit_code) {
  const std::string& san_dir = cliSanitizerDir();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  int err_fd = ::dup(2);  // the test's own stderr, unless the command redirects it
  ::fcntl(err_fd, F_SETFD, FD_CLOEXEC);
  pid_t pid = spawnWithFds({"/bin/sh", "-c", cmd}, fds[1], err_fd, san_dir + "/report");
  ::close(fds[1]);
  ::close(err_fd);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    static std::mutex mu;
    static std::set<std::string> seen;
    std::lock_guard lock(mu);
    std::string reports = newSanitizerReports(san_dir, "report", seen);
    if (!reports.empty())
      failCurrentTest("sanitizer report from the command `" + cmd + "` (" +
                      describeWaitStatus(status) + "; reports kept in " + san_dir + "):\n" +
                      reports.substr(0, 6000));
  }
  if (exit_code)
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  else if (!exitedZero(status))
    failCurrentTest("the command `" + cmd + "` failed: " + describeWaitStatus(status));
  return out;
}

}  // namespace xj::test
