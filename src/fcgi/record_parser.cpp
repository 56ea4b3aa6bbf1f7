#include "fcgi/record_parser.hpp"

#include <algorithm>
#include <cstring>

#include "fcgi/errc.hpp"

namespace isapi_fcgi::fcgi {

record_parser::step record_parser::next_partial_header(std::span<const std::byte> input,
                                                       std::error_code& ec) noexcept {
    const std::size_t take = std::min(header_size - header_have_, input.size());
    // An empty span may have a null data(), which memcpy must not see even for 0 bytes.
    if (take != 0) std::memcpy(header_buffer_.data() + header_have_, input.data(), take);
    header_have_ += take;
    if (header_have_ < header_size) return {event::need_more, take, {}};
    header_have_ = 0;
    return start_record(decode_header(header_buffer_), take, ec);
}

record_parser::step record_parser::start_record(const record_header& header, std::size_t take,
                                                std::error_code& ec) noexcept {
    header_ = header;
    if (header_.version != protocol_version) {
        ec = errc::bad_version;
        return {event::need_more, take, {}};
    }
    content_left_ = header_.content_length;
    padding_left_ = header_.padding_length;
    state_ = content_left_ ? state::content : padding_left_ ? state::padding : state::end;
    return {event::header, take, {}};
}

}  // namespace isapi_fcgi::fcgi
