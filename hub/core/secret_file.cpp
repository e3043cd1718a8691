#include "hub/core/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace xj {
namespace {

// Opens `path` for reading and checks it; the open descriptor, or -1 with `error` set.
// O_NOFOLLOW: a symlink is refused, so the mode checked is the secret's own.
int openSecret(const std::string& what, const std::string& path, const std::string& missing_hint,
               Status& error) {
  const std::string where = what + " " + path + ": ";
  if (path.empty()) {
    error = Status::invalid(what + " is not set");
    return -1;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int e = errno;
    error = Status::invalid(where + std::strerror(e) + (e == ENOENT ? missing_hint : ""));
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = Status::invalid(where + "not a regular file");
    return -1;
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    ::close(fd);
    error = Status::invalid(where + "readable or writable by group or others (chmod 600 it)");
    return -1;
  }
  return fd;
}

}  // namespace

Result<std::string> readSecretFile(const std::string& what, const std::string& path,
                                   size_t max_bytes, const std::string& missing_hint) {
  Status error;
  int fd = openSecret(what, path, missing_hint, error);
  if (fd < 0) return error;
  std::string secret;
  char buf[256];
  while (secret.size() < max_bytes) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::invalid(what + " " + path + ": " + std::strerror(e));
    }
    if (n == 0) break;
    secret.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return secret;
}

Status checkSecretFile(const std::string& what, const std::string& path) {
  Status error;
  int fd = openSecret(what, path, "", error);
  if (fd < 0) return error;
  ::close(fd);
  return Status::ok();
}

}  // namespace xj
