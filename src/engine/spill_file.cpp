#include "engine/spill_file.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace isapi_fcgi::engine {
namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

}  // namespace

spill_file::~spill_file() { close(); }

std::error_code spill_file::open(const std::string& directory) {
    close();
    fd_ = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) return {};
    // Filesystems without O_TMPFILE (EOPNOTSUPP, EISDIR on old kernels): a named file unlinked
    // at once, before anything is written to it.
    std::string name = directory + "/isapi-fcgi-body-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) return last_error();
    ::unlink(name.c_str());
    return {};
}

void spill_file::close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    head_ = end_ = 0;
}

std::error_code spill_file::append(std::span<const std::byte> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(end_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const auto ec = n < 0 ? last_error() : std::make_error_code(std::errc::no_space_on_device);
            if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) {}  // nothing half-appended stays
            return ec;
        }
        done += static_cast<std::size_t>(n);
    }
    end_ += done;
    return {};
}

std::size_t spill_file::take(std::span<std::byte> into, std::error_code& ec) {
    const std::size_t want = std::min(into.size(), unread());
    std::size_t done = 0;
    while (done < want) {
        const auto n = ::pread(fd_, into.data() + done, want - done, static_cast<off_t>(head_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ec = n < 0 ? last_error() : std::make_error_code(std::errc::io_error);
            return 0;
        }
        done += static_cast<std::size_t>(n);
    }
    head_ += done;
    if (head_ == end_) {
        // Drained: the disk space goes back now, not when the request ends.
        if (::ftruncate(fd_, 0) != 0) {}
        head_ = end_ = 0;
    }
    return done;
}

}  // namespace isapi_fcgi::engine
