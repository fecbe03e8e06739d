#include "output/file_commit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/errors.hpp"

namespace incubsim::output {
namespace {

// Makes the finished file durable before it replaces an older result.
void sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int status = fd < 0 ? -1 : ::fsync(fd);
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (status < 0) throw IoError(path.string(), "cannot flush to disk: " + errno_text(error));
}

}  // namespace

std::filesystem::path temp_path_for(const std::filesystem::path& final_path) {
  return final_path.string() + ".tmp-" + std::to_string(::getpid());
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

void probe_writable(const std::filesystem::path& final_path, const std::filesystem::path& temp) {
  std::error_code ec;
  if (std::filesystem::is_directory(final_path, ec)) {
    throw IoError(final_path.string(),
                  "cannot create output file: it is a directory; give a file name such as run.h5");
  }
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    throw IoError(final_path.string(), "cannot create output file: " + errno_text(errno) +
                                           " (creating " + temp.string() +
                                           "); check that the directory exists and is writable");
  }
  ::close(fd);
}

void move_into_place(const std::filesystem::path& temp, const std::filesystem::path& final_path) {
  sync_file(temp);
  std::error_code ec;
  std::filesystem::rename(temp, final_path, ec);  // atomically replaces an old file
  if (ec) {
    throw IoError(final_path.string(), "cannot move the finished file into place from " +
                                           temp.string() + ": " + ec.message());
  }
}

void sync_directory_best_effort(const std::filesystem::path& file) {
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // some filesystems refuse; the rename itself already happened
  ::close(fd);
}

IoError write_failure(const std::filesystem::path& final_path, const IoError& cause) {
  return IoError(final_path.string(), std::string("could not be written (") + cause.what() +
                                          "); nothing was left behind: check free space, "
                                          "quotas and file-size limits");
}

}  // namespace incubsim::output
