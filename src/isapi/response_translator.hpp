#pragma once
// Turns what an ISAPI extension produces (header support functions, WriteClient bytes, the end of
// the request) into a CGI response for FCGI_STDOUT (ISAPI.md §2.9, §2.10, appendix 5-7).
// Pure and incremental: one object per request, fed in call order by one thread at a time (the
// request's strand); no I/O, no logging. Errors come back as response_errc codes.
//
// What goes out:
// - a CGI header block "Status: NNN Reason\r\n" + fields + "\r\n", Status always first;
// - status precedence: an explicit status (header call's status string, a status line, a
//   Status: field) > the ECB's dwHttpStatusCode when the extension changed it from 200 > 200;
// - no Content-Type is added to a header call's block (IIS adds none); a body written with no
//   header block at all gets options.default_content_type;
// - hop-by-hop fields are dropped; an extension's own chunked framing is removed from the body.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "isapi/chunked_decoder.hpp"
#include "isapi/header_block.hpp"

namespace isapi_fcgi::isapi {

struct response_translator_options {
    /// Largest response header block the front end takes, counting the 8-byte FastCGI record
    /// header that shares nginx's fastcgi_buffer_size (4 KiB by default) with it.
    std::size_t max_header_bytes = 4096;
    /// Raw header bytes buffered from WriteClient calls until their blank line (ISAPI.md §5.4d).
    std::size_t max_buffered_header_bytes = 64 * 1024;
    /// Content type of a body written with no header block at all.
    std::string default_content_type = "text/html";
    /// Also read a first WriteClient starting with "Status:", "Content-Type:" or "Location:" as
    /// a CGI header block (ISAPI.md §5.4b), besides one starting with an "HTTP/1.x" status line.
    bool cgi_headers_in_body = true;
    /// CRLF-terminated lines added to every header block the extension sends (an extension's
    /// `streaming` setting adds "X-Accel-Buffering: no\r\n").
    std::string extra_header_lines{};
};

/// Bytes to send, in this order: header_bytes, body_copy, body_view.
struct response_bytes {
    std::string header_bytes;         // the whole CGI header block, when it goes out in this call
    std::string body_copy;            // body bytes that had to be buffered or de-chunked
    std::span<const char> body_view;  // borrowed from this call's input; valid as long as it is

    std::size_t body_size() const noexcept { return body_copy.size() + body_view.size(); }
    bool empty() const noexcept { return header_bytes.empty() && body_size() == 0; }
};

class response_translator {
public:
    explicit response_translator(response_translator_options options = {});

    /// HSE_REQ_SEND_RESPONSE_HEADER(_EX). `status` nullopt or empty means none given; `headers`
    /// nullopt means NULL. Bytes after the block's blank line are body. A status holding a line
    /// break is read, when `headers` is empty, as status line + header block (mod_isapi does
    /// this); otherwise it is header_injection. Errors leave the translator unchanged, so the
    /// extension may try again. headers_already_sent once a block went out.
    std::error_code send_response_header(std::optional<std::string_view> status,
                                         std::optional<std::string_view> headers,
                                         std::uint32_t ecb_status, response_bytes& out);

    /// HSE_REQ_SEND_URL_REDIRECT_RESP: 302 with Location and a short HTML body.
    std::error_code send_redirect(std::string_view location, response_bytes& out);

    /// WriteClient. Before any header block: data starting like a status line (or a CGI header
    /// block) is buffered until its blank line, possibly across calls, then translated; other
    /// data is the body of a 200 (or dwHttpStatusCode) with the default content type. After an
    /// error that ended the response, returns response_failed.
    std::error_code write(std::span<const char> data, std::uint32_t ecb_status, response_bytes& out);

    /// End of the request. If nothing went out yet: a header block still buffered is translated;
    /// otherwise "Status: <ecb_status>" with Content-Length: 0 (never an empty STDOUT).
    std::error_code finish(std::uint32_t ecb_status, response_bytes& out);

    /// HSE_STATUS_ERROR, an escaped exception, or an error above before any header went out:
    /// `status` with a short HTML body. Empty once a header block went out (the output stays as
    /// it is). Ends the response either way.
    response_bytes error_response(unsigned status = 500);

    bool headers_sent() const noexcept { return headers_sent_; }
    /// The status sent (for the access log); 0 until a header block went out.
    unsigned status_code() const noexcept { return status_code_; }
    /// Body bytes produced so far (after de-chunking).
    std::uint64_t body_bytes() const noexcept { return body_bytes_; }
    /// True when the extension's chunked framing is being removed.
    bool dechunking() const noexcept { return dechunk_; }
    /// False if the extension announced chunked framing and has not sent its last chunk.
    bool body_complete() const noexcept { return !dechunk_ || decoder_.done(); }

private:
    enum class phase {
        start,         // nothing sent, nothing buffered, or a few bytes that do not decide yet
        header_bytes,  // buffering a header block written with WriteClient
        body,          // header block sent
        ended,         // error_response sent, or a failure ended the response
    };
    enum class sniff { undecided, header, body };

    sniff classify(std::string_view prefix) const;
    std::error_code emit_headers(const parsed_header_block& block, std::uint32_t ecb_status,
                                 response_bytes& out);
    /// emit_headers for an ordinary header call, its fields written straight into the CGI block
    /// (write_plain_header_fields). nullopt, nothing changed, for any other: the general path
    /// (parse_header_block, emit_headers) then decides it, errors included.
    std::optional<plain_header_block> emit_plain_headers(std::string_view header_text, std::string_view status_text,
                                                         std::uint32_t ecb_status, response_bytes& out);
    std::error_code emit_body(std::span<const char> data, response_bytes& out);
    std::error_code start_plain_body(std::uint32_t ecb_status, std::size_t buffered_bytes,
                                     std::span<const char> data, response_bytes& out);
    std::error_code write_buffering(std::span<const char> data, std::uint32_t ecb_status,
                                    response_bytes& out);
    std::error_code fail(std::error_code ec);

    response_translator_options options_;
    phase phase_ = phase::start;
    std::string pending_;  // undecided or header bytes from WriteClient
    bool headers_sent_ = false;
    unsigned status_code_ = 0;
    std::uint64_t body_bytes_ = 0;
    bool dechunk_ = false;
    chunked_decoder decoder_;
};

}  // namespace isapi_fcgi::isapi
