#include "support/fcgi_wire.hpp"

#include <fastcgi.h>

#include <stdexcept>

namespace isapi_fcgi::test::wire {

// The typed constants above must agree with libfcgi's header.
static_assert(header_length == FCGI_HEADER_LEN);
static_assert(max_content == FCGI_MAX_LENGTH);
static_assert(version_1 == FCGI_VERSION_1);
static_assert(begin_request == FCGI_BEGIN_REQUEST && abort_request == FCGI_ABORT_REQUEST);
static_assert(end_request == FCGI_END_REQUEST && params == FCGI_PARAMS);
static_assert(stdin_stream == FCGI_STDIN && stdout_stream == FCGI_STDOUT);
static_assert(stderr_stream == FCGI_STDERR && data == FCGI_DATA);
static_assert(get_values == FCGI_GET_VALUES && get_values_result == FCGI_GET_VALUES_RESULT);
static_assert(unknown_type == FCGI_UNKNOWN_TYPE);
static_assert(responder == FCGI_RESPONDER && authorizer == FCGI_AUTHORIZER);
static_assert(filter == FCGI_FILTER && keep_conn == FCGI_KEEP_CONN);
static_assert(request_complete == FCGI_REQUEST_COMPLETE && cant_mpx_conn == FCGI_CANT_MPX_CONN);
static_assert(overloaded == FCGI_OVERLOADED && unknown_role == FCGI_UNKNOWN_ROLE);

namespace {

char byte(unsigned value) { return static_cast<char>(static_cast<unsigned char>(value & 0xffu)); }

std::uint8_t padding_for(std::size_t content_length, padding mode)
{
    switch (mode) {
    case padding::none:
        return 0;
    case padding::align8:
        return static_cast<std::uint8_t>((8 - content_length % 8) % 8);
    case padding::maximum:
        // 255 is the largest legal padding; keep the 8-byte alignment anyway.
        return static_cast<std::uint8_t>(248 + (8 - content_length % 8) % 8);
    }
    return 0;
}

std::size_t read_length(std::string_view bytes, std::size_t& at, bool& ok)
{
    if (at >= bytes.size()) {
        ok = false;
        return 0;
    }
    auto first = static_cast<unsigned char>(bytes[at]);
    if ((first & 0x80u) == 0) {
        ++at;
        return first;
    }
    if (at + 4 > bytes.size()) {
        ok = false;
        return 0;
    }
    auto octet = [&](std::size_t i) {
        return static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + i]));
    };
    std::size_t length = (static_cast<std::size_t>(first & 0x7fu) << 24) | (octet(1) << 16)
                         | (octet(2) << 8) | octet(3);
    at += 4;
    return length;
}

}  // namespace

std::string encode_header(std::uint8_t version, std::uint8_t type, std::uint16_t request_id,
                          std::uint16_t content_length, std::uint8_t padding_length)
{
    std::string header;
    header.reserve(header_length);
    header += byte(version);
    header += byte(type);
    header += byte(request_id >> 8u);
    header += byte(request_id);
    header += byte(content_length >> 8u);
    header += byte(content_length);
    header += byte(padding_length);
    header += '\0';
    return header;
}

std::string encode_record(std::uint8_t type, std::uint16_t request_id, std::string_view content,
                          padding mode, std::optional<std::uint8_t> padding_length)
{
    if (content.size() > max_content) {
        throw std::invalid_argument("record content over 65535 bytes");
    }
    std::uint8_t pad = padding_length ? *padding_length : padding_for(content.size(), mode);
    std::string bytes = encode_header(version_1, type, request_id,
                                      static_cast<std::uint16_t>(content.size()), pad);
    bytes.append(content);
    bytes.append(pad, '\0');
    return bytes;
}

std::string encode_begin_body(std::uint16_t role, std::uint8_t flags)
{
    std::string body;
    body += byte(role >> 8u);
    body += byte(role);
    body += byte(flags);
    body.append(5, '\0');
    return body;
}

std::string encode_length(std::size_t length)
{
    if (length <= 127) {
        return std::string(1, byte(static_cast<unsigned>(length)));
    }
    auto value = static_cast<std::uint32_t>(length);
    std::string bytes;
    bytes += byte((value >> 24u) | 0x80u);
    bytes += byte(value >> 16u);
    bytes += byte(value >> 8u);
    bytes += byte(value);
    return bytes;
}

std::string encode_pair(std::string_view name, std::string_view value)
{
    std::string bytes = encode_length(name.size()) + encode_length(value.size());
    bytes.append(name);
    bytes.append(value);
    return bytes;
}

std::string encode_pairs(const param_list& pairs)
{
    std::string bytes;
    for (const auto& [name, value] : pairs) {
        bytes += encode_pair(name, value);
    }
    return bytes;
}

std::string encode_stream(std::uint8_t type, std::uint16_t request_id, std::string_view bytes,
                          std::size_t max_record, padding mode)
{
    if (max_record == 0 || max_record > max_content) {
        throw std::invalid_argument("record size must be 1..65535");
    }
    std::string out;
    for (std::size_t at = 0; at < bytes.size(); at += max_record) {
        out += encode_record(type, request_id, bytes.substr(at, max_record), mode);
    }
    return out;
}

std::optional<param_list> decode_pairs(std::string_view bytes)
{
    param_list pairs;
    std::size_t at = 0;
    while (at < bytes.size()) {
        bool ok = true;
        std::size_t name_length = read_length(bytes, at, ok);
        std::size_t value_length = read_length(bytes, at, ok);
        if (!ok || name_length > bytes.size() - at
            || value_length > bytes.size() - at - name_length) {
            return std::nullopt;
        }
        std::string name(bytes.substr(at, name_length));
        std::string value(bytes.substr(at + name_length, value_length));
        pairs.emplace_back(std::move(name), std::move(value));
        at += name_length + value_length;
    }
    return pairs;
}

param_list cgi_params(std::string_view script_name, std::string_view method,
                      std::string_view content_length, const param_list& extra)
{
    param_list pairs{
        {"GATEWAY_INTERFACE", "CGI/1.1"},
        {"SERVER_SOFTWARE", "isapi-fcgi-tests"},
        {"REQUEST_METHOD", std::string(method)},
        {"SCRIPT_NAME", std::string(script_name)},
        {"REQUEST_URI", std::string(script_name)},
        {"DOCUMENT_URI", std::string(script_name)},
        {"QUERY_STRING", ""},
        {"CONTENT_TYPE", ""},
        {"CONTENT_LENGTH", std::string(content_length)},
        {"SERVER_PROTOCOL", "HTTP/1.1"},
        {"REMOTE_ADDR", "127.0.0.1"},
        {"REMOTE_PORT", "54321"},
        {"SERVER_ADDR", "127.0.0.1"},
        {"SERVER_PORT", "80"},
        {"SERVER_NAME", "localhost"},
        {"HTTP_HOST", "localhost"},
    };
    pairs.insert(pairs.end(), extra.begin(), extra.end());
    return pairs;
}

}  // namespace isapi_fcgi::test::wire
