#include "hub/storage/db_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace xj::storage {

std::string DbLock::pathFor(const std::string& db_path) { return db_path + ".lock"; }

Result<DbLock> DbLock::take(const std::string& db_path) {
  const std::string path = pathFor(db_path);
  // Its directory, as the store makes it on a first start.
  std::error_code ec;
  auto parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::ioError("open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Status::conflict("a hub (or a restore) is using " + db_path + ": it holds " + path);
    return Status::ioError("lock " + path + ": " + std::strerror(err));
  }
  return DbLock(fd);
}

DbLock::~DbLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

DbLock& DbLock::operator=(DbLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

}  // namespace xj::storage
