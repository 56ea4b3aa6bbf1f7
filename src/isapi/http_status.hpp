#pragma once
// Response status text as extensions give it: "200", "200 OK", "HTTP/1.1 200 OK", with the
// lengths real code gets wrong (ISAPI.md §2.10, appendix 5).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

struct http_status {
    unsigned code = 200;
    std::string reason;  // may be empty for a code without a standard phrase

    /// "404 Not Found" (or "299" without a phrase): the value of a CGI Status header.
    std::string text() const;
    /// Appends text() to `out` without building it apart (the Status header of every response).
    void append_text(std::string& out) const;
};

/// The standard reason phrase, or "" for a code that has none.
std::string_view reason_phrase(unsigned code) noexcept;

/// Parses a status given as "200", "200 OK", "HTTP/1.0 200 OK" (surrounding whitespace ignored).
/// A missing reason gets the standard phrase. nullopt when there is no 3-digit code in 100..999
/// or the text holds control characters (CR and LF included).
std::optional<http_status> parse_status(std::string_view text);

/// True when `line` starts like an HTTP status line: "HTTP/" digits "." digits, whitespace.
bool starts_with_http_version(std::string_view line) noexcept;

/// The string an extension passed as (pointer, cch), bounded by the first NUL as well, since
/// real code passes length + 1 or the numeric status as cch. cch == 0 means "not given": the
/// string runs to its NUL. nullopt for a NULL pointer. Never reads past the first NUL.
std::optional<std::string_view> bounded_c_string(const char* text, std::size_t cch) noexcept;

}  // namespace isapi_fcgi::isapi
