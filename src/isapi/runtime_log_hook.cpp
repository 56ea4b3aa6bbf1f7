#include "isapi/runtime_log_hook.hpp"

#include <cstddef>
#include <string_view>

#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"

namespace isapi_fcgi::isapi {
namespace {

void to_spdlog(void*, int level, const char* message, std::size_t length) {
    // Text from extensions: escaped, so a CR/LF in a debug string cannot forge a log line.
    spdlog::log(static_cast<spdlog::level::level_enum>(level), "{}",
                engine::log_text(std::string_view(message, length), 4096));
}

}  // namespace

void route_runtime_log_to_spdlog() {
    isapi_set_log_level(static_cast<int>(spdlog::get_level()));
    isapi_set_log_hook(to_spdlog, nullptr);
}

}  // namespace isapi_fcgi::isapi
