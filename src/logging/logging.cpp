#include "logging/logging.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "logging/error_throttle.hpp"
#include "logging/file_sink.hpp"
#include "logging/json_message_flag.hpp"

namespace isapi_fcgi::logging {
namespace {

constexpr std::string_view logger_name = "isapi-fcgi";

// The config loader checks the level too; this guards options built in code, because spdlog
// maps an unknown name to "off" and the process would go silent.
constexpr std::array<std::string_view, 7> level_names{"trace", "debug",    "info", "warn",
                                                      "error", "critical", "off"};

// What reopen() and the error handler need from the last setup(); each setup starts afresh.
struct current_state {
    std::shared_ptr<error_throttle> throttle = std::make_shared<error_throttle>();
};

int console_descriptor = STDERR_FILENO;
std::mutex state_mutex;
current_state state;  // guarded by state_mutex

current_state snapshot() {
    const std::lock_guard lock(state_mutex);
    return state;
}

// Bypasses stdio and spdlog: this runs when logging itself has failed.
void write_to_stderr(const std::string& line) noexcept {
    const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    static_cast<void>(ignored);
}

void report_sink_error(error_throttle& throttle, const std::string& message) noexcept {
    try {
        const auto held_back = throttle.admit(error_throttle::clock::now());
        if (!held_back) return;
        std::string line = "isapi-fcgi: logging failed: " + message;
        if (*held_back > 0)
            line += " (" + std::to_string(*held_back) + " more since the last report)";
        write_to_stderr(line + '\n');
    } catch (...) {
        write_to_stderr("isapi-fcgi: logging failed\n");
    }
}

}  // namespace

void set_console_fd(int fd) noexcept { console_descriptor = fd; }

std::shared_ptr<spdlog::sinks::sink> console_sink() {
    return std::make_shared<file_sink>(console_descriptor, "stderr");
}

std::shared_ptr<spdlog::sinks::sink> target_sink(const std::string& target) {
    if (target.empty() || target == "stderr") return console_sink();
    return std::make_shared<file_sink>(log_files::get(target));
}

void setup(const log_options& options) {
    if (std::find(level_names.begin(), level_names.end(), options.level) == level_names.end()) {
        throw std::runtime_error("unknown log level '" + options.level + "'");
    }
    if (options.format != "text" && options.format != "json") {
        throw std::runtime_error("unknown log format '" + options.format + "'");
    }
    log_files::set_mode(options.mode);
    current_state fresh;
    auto logger = std::make_shared<spdlog::logger>(std::string(logger_name), target_sink(options.file));
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<json_message_flag>('*');
    formatter->set_pattern(std::string(options.format == "json" ? json_line_pattern : line_pattern));
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::from_str(options.level));
    logger->set_error_handler([throttle = fresh.throttle](const std::string& message) {
        report_sink_error(*throttle, message);
    });
    spdlog::set_default_logger(std::move(logger));
    const std::lock_guard lock(state_mutex);
    state = std::move(fresh);
}

void reopen() noexcept {
    try {
        const current_state current = snapshot();
        for (const auto& failure : log_files::reopen_all()) {
            const std::string message = "cannot reopen log file " + failure;
            report_sink_error(*current.throttle, message);
            spdlog::error("{}", message);
        }
    } catch (const std::exception& e) {
        write_to_stderr(std::string("isapi-fcgi: cannot reopen the log files: ") + e.what() + '\n');
    }
}

}  // namespace isapi_fcgi::logging
