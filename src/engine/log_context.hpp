#pragma once
// "req=N conn=M" plus " fe=ID" when the front end passed REQUEST_ID: the context of every log
// line about a request, formatted into the object itself (no heap allocation per request).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fcgi/param_set.hpp"

namespace isapi_fcgi::engine {

class log_context {
public:
    log_context() = default;
    log_context(std::uint64_t request_serial, std::uint64_t connection_id, const fcgi::param_set& params) noexcept;

    std::string_view text() const noexcept { return {text_.data(), size_}; }

private:
    std::array<char, 128> text_{};
    std::size_t size_ = 0;
};

}  // namespace isapi_fcgi::engine
