#pragma once
// spdlog pattern flag %* : the message as the contents of a JSON string (quotes, backslashes,
// control and non-ASCII bytes escaped as \uXXXX), so a JSON log line stays valid whatever an
// extension or a client put in the message.
#include <memory>
#include <string_view>

#include <spdlog/pattern_formatter.h>

namespace isapi_fcgi::logging {

/// Appends `text` to `out` escaped for the inside of a JSON string.
void append_json_escaped(std::string_view text, spdlog::memory_buf_t& out);

class json_message_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        append_json_escaped({msg.payload.data(), msg.payload.size()}, dest);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message_flag>(); }
};

}  // namespace isapi_fcgi::logging
