#include "logging/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace isapi_fcgi::logging {
namespace {

int open_for_append(const std::string& path) {
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

}  // namespace

file_sink::file_sink(std::string path) : path_(std::move(path)), fd_(open_for_append(path_)) {
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "cannot open log file " + path_);
    }
}

file_sink::file_sink(int fd, std::string name) : path_(std::move(name)), fd_(fd), owned_(false) {}

file_sink::~file_sink() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

std::error_code file_sink::reopen() {
    if (!owned_) return {};
    const int fresh = open_for_append(path_);
    if (fresh < 0) return {errno, std::generic_category()};
    const std::lock_guard lock(mutex_);
    ::close(fd_);
    fd_ = fresh;
    return {};
}

void file_sink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(fd_, data, left);
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) spdlog::throw_spdlog_ex("cannot write to log file " + path_, errno);
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

}  // namespace isapi_fcgi::logging
