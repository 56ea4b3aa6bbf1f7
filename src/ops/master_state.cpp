#include "ops/master_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace isapi_fcgi::ops {
namespace {

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    return text;
}

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::string format_master_state(const master_state& state) {
    return fmt::format("pid: {}\nreloads: {}\nlast_reload: {}\nlast_reload_error: {}\n", state.pid, state.reloads,
                       state.last_reload, one_line(state.last_reload_error));
}

std::optional<master_state> parse_master_state(std::string_view text) {
    master_state state;
    bool has_pid = false;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        const auto colon = line.find(": ");
        if (colon == std::string_view::npos) continue;
        const auto key = line.substr(0, colon);
        const auto value = line.substr(colon + 2);
        if (key == "pid") has_pid = parse_number(value, state.pid) && state.pid > 0;
        else if (key == "reloads") parse_number(value, state.reloads);
        else if (key == "last_reload") state.last_reload = std::string(value);
        else if (key == "last_reload_error") state.last_reload_error = std::string(value);
    }
    if (!has_pid) return std::nullopt;
    return state;
}

bool write_master_state(const std::string& path, const master_state& state) {
    const std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    const bool written = write_all(fd, format_master_state(state));
    const int saved = errno;
    ::close(fd);
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const int why = written ? errno : saved;
        ::unlink(temporary.c_str());
        errno = why;
        return false;
    }
    return true;
}

std::optional<master_state> read_master_state(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return parse_master_state(text.str());
}

}  // namespace isapi_fcgi::ops
