#pragma once
// Removes HTTP/1.1 chunked framing (RFC 9112 §7.1) from an extension's body, across any number
// of writes split anywhere. IIS does not chunk ISAPI output, so extensions that want chunking
// frame the body themselves; FastCGI front ends frame it again, so the sidecar removes theirs.
// Tolerant where real encoders are sloppy: bare LF line ends, spaces after the size, chunk
// extensions, trailers (all ignored). Bytes after the last chunk are dropped.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace isapi_fcgi::isapi {

class chunked_decoder {
public:
    enum class status { need_more, done, error };

    /// Appends the chunk data found in `in` to `out`. Returns done once the last chunk and its
    /// trailer section are complete (later input is ignored), error on broken framing (sticky).
    status feed(std::span<const char> in, std::string& out);

    bool done() const noexcept { return state_ == state::done; }
    bool failed() const noexcept { return state_ == state::error; }

private:
    enum class state {
        size_start,    // first hex digit of a chunk size
        size,          // more hex digits
        size_tail,     // whitespace or ";extension" up to the line end
        size_lf,       // LF after the size line's CR
        data,          // remaining_ bytes of chunk data
        data_cr,       // the CRLF after chunk data
        data_lf,
        trailer_start, // start of a trailer line, or the final empty line
        trailer_line,  // a trailer field, ignored
        trailer_lf,    // LF of the final empty line
        done,
        error,
    };

    state state_ = state::size_start;
    std::uint64_t remaining_ = 0;
    int size_digits_ = 0;
};

}  // namespace isapi_fcgi::isapi
