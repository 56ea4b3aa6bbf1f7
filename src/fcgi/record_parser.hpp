#pragma once
#include <cstddef>
#include <span>
#include <system_error>

#include "fcgi/record_header.hpp"

namespace isapi_fcgi::fcgi {

/// Splits a byte stream into records. Pure and resumable: it may be fed any slicing of the
/// stream (a record split anywhere parses the same) and never holds on to the caller's bytes;
/// only a partial header is copied into the parser. Content is handed out as views into the
/// input, possibly in several pieces, so no record is buffered here.
class record_parser {
public:
    enum class event {
        need_more,      ///< all input consumed; feed more
        header,         ///< header() is now the current record's header
        content,        ///< step::content holds the next piece of the current record's content
        end_of_record,  ///< the current record, padding included, is complete
    };

    struct step {
        event what = event::need_more;
        std::size_t consumed = 0;
        std::span<const std::byte> content;
    };

    /// Advances by at most one event. On error (bad_version) the parser is unusable.
    step next(std::span<const std::byte> input, std::error_code& ec) noexcept;

    const record_header& header() const noexcept { return header_; }

    /// True between the first byte of a record and its end: EOF now means a truncated record.
    bool mid_record() const noexcept { return state_ != state::header || header_have_ != 0; }

private:
    enum class state { header, content, padding, end };

    state state_ = state::header;
    header_bytes header_buffer_{};
    std::size_t header_have_ = 0;
    record_header header_{};
    std::size_t content_left_ = 0;
    std::size_t padding_left_ = 0;
};

}  // namespace isapi_fcgi::fcgi
