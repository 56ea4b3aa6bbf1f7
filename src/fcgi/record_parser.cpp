#include "fcgi/record_parser.hpp"

#include <algorithm>
#include <cstring>

#include "fcgi/errc.hpp"

namespace isapi_fcgi::fcgi {

record_parser::step record_parser::next(std::span<const std::byte> input, std::error_code& ec) noexcept {
    if (ec) ec.clear();  // clear() calls out to system_category(): skipped when already clear
    switch (state_) {
    case state::header: {
        std::size_t take = header_size;
        if (header_have_ == 0 && input.size() >= header_size) {
            // A whole header in the input, as nearly always: decoded in place, not copied first.
            header_ = decode_header(input.first<header_size>());
        } else {
            take = std::min(header_size - header_have_, input.size());
            // An empty span may have a null data(), which memcpy must not see even for 0 bytes.
            if (take != 0) std::memcpy(header_buffer_.data() + header_have_, input.data(), take);
            header_have_ += take;
            if (header_have_ < header_size) return {event::need_more, take, {}};
            header_have_ = 0;
            header_ = decode_header(header_buffer_);
        }
        if (header_.version != protocol_version) {
            ec = errc::bad_version;
            return {event::need_more, take, {}};
        }
        content_left_ = header_.content_length;
        padding_left_ = header_.padding_length;
        state_ = content_left_ ? state::content : padding_left_ ? state::padding : state::end;
        return {event::header, take, {}};
    }
    case state::content: {
        if (input.empty()) return {};
        const std::size_t take = std::min(content_left_, input.size());
        content_left_ -= take;
        if (content_left_ == 0) state_ = padding_left_ ? state::padding : state::end;
        return {event::content, take, input.first(take)};
    }
    case state::padding: {
        const std::size_t take = std::min(padding_left_, input.size());
        padding_left_ -= take;
        if (padding_left_ != 0) return {event::need_more, take, {}};
        state_ = state::header;
        return {event::end_of_record, take, {}};
    }
    case state::end:
        state_ = state::header;
        return {event::end_of_record, 0, {}};
    }
    return {};
}

}  // namespace isapi_fcgi::fcgi
