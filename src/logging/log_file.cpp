#include "logging/log_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>

namespace isapi_fcgi::logging {

log_file::log_file(std::string path, int fd, bool owned) noexcept : path_(std::move(path)), fd_(fd), owned_(owned) {}

log_file::~log_file() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

std::pair<int, std::error_code> log_file::open_for_append(const std::string& path, mode_t mode) noexcept {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT) return {fd, fd >= 0 ? std::error_code{} : std::error_code(errno, std::generic_category())};
    // Created here: the configured mode whatever the umask (an existing file keeps its own).
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) return {-1, {errno, std::generic_category()}};
    ::fchmod(fd, mode);
    return {fd, {}};
}

std::error_code log_file::write(std::string_view line) noexcept {
    const std::lock_guard lock(mutex_);
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(fd_, data, left);
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) return {errno, std::generic_category()};
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    return {};
}

void log_file::replace(int fd) noexcept {
    const std::lock_guard lock(mutex_);
    if (owned_ && fd_ >= 0 && fd_ != fd) ::close(fd_);
    fd_ = fd;
    owned_ = true;
}

std::error_code log_file::reopen(mode_t mode) noexcept {
    if (!owned_) return {};
    const auto [fresh, ec] = open_for_append(path_, mode);
    if (ec) return ec;
    replace(fresh);
    return {};
}

int log_file::descriptor() const noexcept {
    const std::lock_guard lock(mutex_);
    return fd_;
}

namespace log_files {
namespace {

std::atomic<mode_t> file_mode{default_log_mode};
std::mutex table_mutex;
std::map<std::string, std::shared_ptr<log_file>> table;  // guarded by table_mutex

}  // namespace

void set_mode(mode_t mode) noexcept { file_mode.store(mode); }

std::shared_ptr<log_file> get(const std::string& path) {
    const std::lock_guard lock(table_mutex);
    if (const auto found = table.find(path); found != table.end()) return found->second;
    const auto [fd, ec] = log_file::open_for_append(path, file_mode.load());
    if (ec) throw std::system_error(ec, "cannot open log file " + path);
    auto file = std::make_shared<log_file>(path, fd);
    table.emplace(path, file);
    return file;
}

void retain(const std::vector<std::string>& paths) {
    const std::lock_guard lock(table_mutex);
    std::erase_if(table, [&](const auto& entry) {
        return std::find(paths.begin(), paths.end(), entry.first) == paths.end();
    });
}

std::vector<std::string> reopen_all() {
    std::vector<std::shared_ptr<log_file>> files;
    {
        const std::lock_guard lock(table_mutex);
        for (const auto& [path, file] : table) files.push_back(file);
    }
    std::vector<std::string> failures;
    for (const auto& file : files)
        if (const auto ec = file->reopen(file_mode.load())) failures.push_back(file->path() + ": " + ec.message());
    return failures;
}

void adopt(std::vector<handed_file> files) noexcept {
    std::size_t taken = 0;
    try {
        const std::lock_guard lock(table_mutex);
        for (; taken < files.size(); ++taken) {
            auto& handed = files[taken];
            if (const auto found = table.find(handed.path); found != table.end())
                found->second->replace(handed.fd);
            else
                table.emplace(handed.path, std::make_shared<log_file>(handed.path, handed.fd));
        }
    } catch (...) {
        // Out of memory: the files not taken yet stay as they were.
        for (; taken < files.size(); ++taken) ::close(files[taken].fd);
    }
}

std::vector<handed_file> current() {
    const std::lock_guard lock(table_mutex);
    std::vector<handed_file> out;
    for (const auto& [path, file] : table) out.push_back({path, file->descriptor()});
    return out;
}

void clear() noexcept {
    const std::lock_guard lock(table_mutex);
    table.clear();
}

}  // namespace log_files
}  // namespace isapi_fcgi::logging
