#include "isapi/send_job.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <isapi/httpext.h>
#include <isapi/isapi_runtime.h>

namespace isapi_fcgi::isapi {

send_job::~send_job() {
    for (const auto& s : segments_)
        if (s.fd >= 0) ::close(s.fd);
}

void send_job::add_memory(std::span<const char> bytes) {
    if (!bytes.empty()) segments_.push_back({bytes, -1, 0, bytes.size()});
}

std::uint32_t send_job::add_file(int fd, std::uint64_t offset, std::uint64_t length) {
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return ERROR_INVALID_HANDLE;
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (offset > size) return WSAEINVAL;
    const std::uint64_t available = size - offset;
    const std::uint64_t count = length == 0 ? available : std::min(length, available);
    if (count == 0) return ERROR_SUCCESS;
    const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (own < 0) return isapi_win32_error_from_errno(errno);
    segments_.push_back({{}, own, offset, count});
    return ERROR_SUCCESS;
}

std::span<const char> send_job::next_memory() const noexcept {
    const auto& s = segments_[next_];
    return s.memory.subspan(s.memory.size() - s.remaining);
}

send_job::chunk send_job::read_file_chunk() {
    auto& s = segments_[next_];
    if (!buffer_) buffer_ = std::make_unique<char[]>(chunk_size);
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(s.remaining, chunk_size));
    for (;;) {
        const ssize_t got = ::pread(s.fd, buffer_.get(), want, static_cast<off_t>(s.offset));
        if (got > 0) return {{buffer_.get(), static_cast<std::size_t>(got)}, ERROR_SUCCESS};
        if (got == 0) return {{}, ERROR_HANDLE_EOF};
        if (errno != EINTR) return {{}, isapi_win32_error_from_errno(errno)};
    }
}

void send_job::advance(std::size_t n) noexcept {
    auto& s = segments_[next_];
    const auto step = std::min<std::uint64_t>(n, s.remaining);
    s.remaining -= step;
    s.offset += step;
    sent_ += step;
    if (s.remaining == 0) ++next_;
}

}  // namespace isapi_fcgi::isapi
