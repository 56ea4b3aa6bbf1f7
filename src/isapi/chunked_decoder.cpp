#include "isapi/chunked_decoder.hpp"

#include <algorithm>

#include "isapi/ascii.hpp"

namespace isapi_fcgi::isapi {

chunked_decoder::status chunked_decoder::feed(std::span<const char> in, std::string& out) {
    constexpr int max_size_digits = 15;  // 2^60 bytes: far above anything real, no overflow
    std::size_t i = 0;
    while (i < in.size() && state_ != state::done && state_ != state::error) {
        const char c = in[i];
        switch (state_) {
        case state::size_start:
        case state::size: {
            const int digit = ascii::hex_value(c);
            if (digit >= 0) {
                if (++size_digits_ > max_size_digits) {
                    state_ = state::error;
                    break;
                }
                remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(digit);
                state_ = state::size;
            } else if (state_ == state::size_start) {
                state_ = state::error;
                break;
            } else if (c == '\r') {
                state_ = state::size_lf;
            } else if (c == '\n') {
                state_ = remaining_ == 0 ? state::trailer_start : state::data;
            } else if (c == ';' || ascii::is_space(c)) {
                state_ = state::size_tail;
            } else {
                state_ = state::error;
                break;
            }
            ++i;
            break;
        }
        case state::size_tail:
            if (c == '\n') state_ = remaining_ == 0 ? state::trailer_start : state::data;
            ++i;
            break;
        case state::size_lf:
            if (c != '\n') {
                state_ = state::error;
                break;
            }
            state_ = remaining_ == 0 ? state::trailer_start : state::data;
            ++i;
            break;
        case state::data: {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
            out.append(in.data() + i, n);
            i += n;
            remaining_ -= n;
            if (remaining_ == 0) state_ = state::data_cr;
            break;
        }
        case state::data_cr:
            if (c == '\r') {
                state_ = state::data_lf;
            } else if (c == '\n') {
                state_ = state::size_start;
                size_digits_ = 0;
            } else {
                state_ = state::error;
                break;
            }
            ++i;
            break;
        case state::data_lf:
            if (c != '\n') {
                state_ = state::error;
                break;
            }
            state_ = state::size_start;
            size_digits_ = 0;
            ++i;
            break;
        case state::trailer_start:
            if (c == '\r') {
                state_ = state::trailer_lf;
            } else if (c == '\n') {
                state_ = state::done;
            } else {
                state_ = state::trailer_line;
            }
            ++i;
            break;
        case state::trailer_line:
            if (c == '\n') state_ = state::trailer_start;
            ++i;
            break;
        case state::trailer_lf:
            if (c != '\n') {
                state_ = state::error;
                break;
            }
            state_ = state::done;
            ++i;
            break;
        case state::done:
        case state::error:
            break;
        }
    }
    if (state_ == state::done) return status::done;
    if (state_ == state::error) return status::error;
    return status::need_more;
}

}  // namespace isapi_fcgi::isapi
