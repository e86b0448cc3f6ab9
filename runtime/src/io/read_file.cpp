#include "io/read_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera::rt {

namespace {
// Closes the descriptor on every path out of readWholeFile.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};
} // namespace

bool readWholeFile(const std::string &path, std::vector<uint8_t> &bytes,
                   std::string &error) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0) {
    error = std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = std::strerror(EISDIR);
    return false;
  }
  bytes.clear();
  if (S_ISREG(st.st_mode))
    bytes.reserve(static_cast<std::size_t>(st.st_size));
  // Read until EOF rather than trusting st_size: the file may be a pipe or
  // may change while it is read.
  uint8_t chunk[1 << 16];
  for (;;) {
    ssize_t got = ::read(f.fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      error = std::strerror(errno);
      return false;
    }
    if (got == 0)
      return true;
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
}

} // namespace tessera::rt
