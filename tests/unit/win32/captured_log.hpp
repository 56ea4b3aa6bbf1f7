#pragma once
// The runtime's log lines, caught through its hook (isapi_set_log_hook) for assertions.
#include <isapi/isapi_runtime.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

struct captured_log {
    std::mutex mutex;
    std::vector<std::pair<int, std::string>> lines;

    static void capture(void* context, int level, const char* message, std::size_t length) {
        auto* log = static_cast<captured_log*>(context);
        std::lock_guard lock(log->mutex);
        log->lines.emplace_back(level, std::string(message, length));
    }
};
