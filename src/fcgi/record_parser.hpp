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

    /// Advances by at most one event. On error (bad_version) the parser is unusable. Inline: the
    /// demultiplexer calls it about three times per record, and a call cost as much as the step.
    step next(std::span<const std::byte> input, std::error_code& ec) noexcept {
        if (ec) ec.clear();  // clear() calls out to system_category(): skipped when already clear
        switch (state_) {
        case state::header:
            if (header_have_ != 0 || input.size() < header_size) return next_partial_header(input, ec);
            // A whole header in the input, as nearly always: decoded in place, not copied first.
            return start_record(decode_header(input.first<header_size>()), header_size, ec);
        case state::content: {
            if (input.empty()) return {};
            const std::size_t take = content_left_ < input.size() ? content_left_ : input.size();
            content_left_ -= take;
            if (content_left_ == 0) state_ = padding_left_ ? state::padding : state::end;
            return {event::content, take, input.first(take)};
        }
        case state::padding: {
            const std::size_t take = padding_left_ < input.size() ? padding_left_ : input.size();
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

    const record_header& header() const noexcept { return header_; }

    /// True between the first byte of a record and its end: EOF now means a truncated record.
    bool mid_record() const noexcept { return state_ != state::header || header_have_ != 0; }

private:
    enum class state { header, content, padding, end };

    /// next() in state::header when the header is split across inputs: copied in pieces.
    step next_partial_header(std::span<const std::byte> input, std::error_code& ec) noexcept;
    /// The step for a complete header, `take` of whose bytes came from this input.
    step start_record(const record_header& header, std::size_t take, std::error_code& ec) noexcept;

    state state_ = state::header;
    header_bytes header_buffer_{};
    std::size_t header_have_ = 0;
    record_header header_{};
    std::size_t content_left_ = 0;
    std::size_t padding_left_ = 0;
};

}  // namespace isapi_fcgi::fcgi
