#include "runtime/log_dispatcher.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <string>

namespace isapi_fcgi::runtime {

namespace {

constexpr std::array<std::string_view, 6> level_names{"trace", "debug",  "info",
                                                      "warning", "error", "critical"};
constexpr std::size_t stack_buffer_size = 1024;

} // namespace

int log_dispatcher::clamp_level(int level) noexcept {
    if (level < ISAPI_LOG_TRACE) {
        return ISAPI_LOG_TRACE;
    }
    return level > ISAPI_LOG_CRITICAL ? ISAPI_LOG_CRITICAL : level;
}

void log_dispatcher::set_hook(isapi_log_hook_fn hook, void* context) {
    std::unique_lock lock(mutex_);
    hook_ = hook;
    context_ = context;
}

bool log_dispatcher::enabled(int level) const noexcept {
    const int threshold = level_.load(std::memory_order_relaxed);
    return threshold < ISAPI_LOG_OFF && clamp_level(level) >= threshold;
}

void log_dispatcher::vlog(int level, const char* format, va_list args) {
    if (!enabled(level) || format == nullptr) {
        return;
    }
    level = clamp_level(level);
    std::array<char, stack_buffer_size> small{};
    va_list again;
    va_copy(again, args);
    const int needed = std::vsnprintf(small.data(), small.size(), format, args);
    if (needed < 0) {
        va_end(again);
        return;
    }
    const auto length = static_cast<std::size_t>(needed);
    if (length < small.size()) {
        va_end(again);
        deliver(level, std::string_view(small.data(), length));
        return;
    }
    std::string large(length < max_message ? length : max_message, '\0');
    std::vsnprintf(large.data(), large.size() + 1, format, again);
    va_end(again);
    deliver(level, large);
}

void log_dispatcher::deliver(int level, std::string_view message) {
    std::shared_lock lock(mutex_);
    if (hook_ != nullptr) {
        hook_(context_, level, message.data(), message.size());
    } else {
        write_default(level, message);
    }
}

void log_dispatcher::write_default(int level, std::string_view message) {
    std::string line = "isapi: ";
    line += level_names[static_cast<std::size_t>(clamp_level(level))];
    line += ": ";
    line += message;
    line += '\n';
    // One write per line keeps concurrent messages from interleaving.
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
        if (n <= 0) {
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace isapi_fcgi::runtime
