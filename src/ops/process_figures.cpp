#include "ops/process_figures.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace isapi_fcgi::ops {
namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Boot time (Unix seconds), for /proc/PID/stat's start time in ticks since boot.
std::optional<double> boot_time() {
    static const std::optional<double> cached = []() -> std::optional<double> {
        const auto stat = read_text("/proc/stat");
        if (!stat) return std::nullopt;
        const auto at = stat->find("\nbtime ");
        if (at == std::string::npos) return std::nullopt;
        return std::strtod(stat->c_str() + at + 7, nullptr);
    }();
    return cached;
}

std::optional<std::uint64_t> count_open_fds(int pid) {
    DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!dir) return std::nullopt;
    std::uint64_t n = 0;
    while (const dirent* e = ::readdir(dir))
        if (e->d_name[0] != '.') ++n;
    ::closedir(dir);
    return n;
}

std::optional<std::uint64_t> soft_fd_limit(int pid) {
    const auto limits = read_text("/proc/" + std::to_string(pid) + "/limits");
    if (!limits) return std::nullopt;
    const auto at = limits->find("Max open files");
    if (at == std::string::npos) return std::nullopt;
    unsigned long long soft = 0;
    if (std::sscanf(limits->c_str() + at + std::strlen("Max open files"), " %llu", &soft) != 1) return std::nullopt;
    return soft;
}

}  // namespace

std::optional<process_figures> read_process_figures(int pid) {
    if (pid <= 0) return std::nullopt;
    const auto stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    const auto close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat->substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0, start_ticks = 0;
    long long rss_pages = 0;
    // After the name: state(3) ... utime(14) stime(15) ... starttime(22) vsize(23) rss(24).
    for (int index = 3; index <= 24 && fields >> field; ++index) {
        if (index == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
        else if (index == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
        else if (index == 22) start_ticks = std::strtoull(field.c_str(), nullptr, 10);
        else if (index == 24) rss_pages = std::strtoll(field.c_str(), nullptr, 10);
    }
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    process_figures out;
    out.resident_bytes = static_cast<std::uint64_t>(rss_pages > 0 ? rss_pages : 0) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    out.cpu_seconds = static_cast<double>(utime + stime) / ticks;
    if (const auto boot = boot_time()) out.start_time_seconds = *boot + static_cast<double>(start_ticks) / ticks;
    out.open_fds = count_open_fds(pid);
    out.max_fds = soft_fd_limit(pid);
    return out;
}

}  // namespace isapi_fcgi::ops
