#include "engine/log_context.hpp"

#include <charconv>

namespace isapi_fcgi::engine {

void log_context::format() const noexcept {
    // "req=N conn=M": two 20-digit numbers and their labels fit in the first 64 bytes.
    std::size_t size = 0;
    const auto append = [&](std::string_view label, std::uint64_t number) {
        for (const char c : label) text_[size++] = c;
        const auto end = std::to_chars(text_.data() + size, text_.data() + 64, number).ptr;
        size = static_cast<std::size_t>(end - text_.data());
    };
    append("req=", serial_);
    append(" conn=", connection_id_);
    if (const auto front_end_id = params_->find("REQUEST_ID"); front_end_id && !front_end_id->empty()) {
        // nginx's $request_id is 32 hex digits; anything else is cut and kept printable.
        static constexpr std::string_view prefix = " fe=";
        for (const char c : prefix) text_[size++] = c;
        for (const char c : front_end_id->substr(0, 64)) text_[size++] = (c > ' ' && c < 0x7f && c != '\\') ? c : '?';
    }
    size_ = size;
}

}  // namespace isapi_fcgi::engine
