#pragma once
// Routes isapi_log messages to the host's hook, or to stderr before a host installs one.
// Swapping the hook waits for calls into the old one to finish, so the host may destroy the
// hook's context right after replacing it (at shutdown, for instance).
#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <shared_mutex>
#include <string_view>

#include <isapi/isapi_runtime.h>

namespace isapi_fcgi::runtime {

class log_dispatcher {
public:
    static constexpr std::size_t max_message = 64 * 1024;

    void set_hook(isapi_log_hook_fn hook, void* context);
    void set_level(int level) noexcept { level_.store(level, std::memory_order_relaxed); }
    bool enabled(int level) const noexcept;
    void vlog(int level, const char* format, va_list args);

    /// "isapi: warning: text\n": what the default sink writes.
    static void write_default(int level, std::string_view message);
    static int clamp_level(int level) noexcept;

private:
    void deliver(int level, std::string_view message);

    std::atomic<int> level_{ISAPI_LOG_INFO};
    std::shared_mutex mutex_;
    isapi_log_hook_fn hook_ = nullptr;
    void* context_ = nullptr;
};

} // namespace isapi_fcgi::runtime
