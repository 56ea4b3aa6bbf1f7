#pragma once
// "req=N conn=M" plus " fe=ID" when the front end passed REQUEST_ID: the context of every log
// line about a request, formatted into the object itself (no heap allocation per request), and
// only when a log line first asks for it: most requests log nothing, so most never format it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "fcgi/param_set.hpp"

namespace isapi_fcgi::engine {

class log_context {
public:
    /// `params` must outlive the object (the request's own, in engine::request).
    log_context(std::uint64_t request_serial, std::uint64_t connection_id, const fcgi::param_set& params) noexcept
        : serial_(request_serial), connection_id_(connection_id), params_(&params) {}
    log_context(const log_context&) = delete;
    log_context& operator=(const log_context&) = delete;

    /// Any thread: the first call formats the text (once, whichever thread gets there first).
    std::string_view text() const noexcept {
        std::call_once(formatted_, [this] { format(); });
        return {text_.data(), size_};
    }

private:
    void format() const noexcept;

    std::uint64_t serial_;
    std::uint64_t connection_id_;
    const fcgi::param_set* params_;
    mutable std::once_flag formatted_;
    mutable std::array<char, 128> text_;
    mutable std::size_t size_ = 0;
};

}  // namespace isapi_fcgi::engine
