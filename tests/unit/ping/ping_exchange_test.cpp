// `isapi-fcgi ping`'s pure part: the request's exact bytes, and the reply reader fed at every
// split point, with the verdict for healthy and unhealthy answers.
#include "ping/ping_exchange.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fcgi/wire.hpp"

namespace isapi_fcgi::ping {
namespace {

namespace wire = fcgi::wire;

std::string end_request(unsigned id, unsigned app_status, unsigned protocol_status) {
    std::string body;
    for (int shift = 24; shift >= 0; shift -= 8) body += wire::byte_char(app_status >> shift);
    body += wire::byte_char(protocol_status);
    body.append(3, '\0');
    return wire::record(wire::end_request_type, id, body);
}

std::string stdout_record(std::string_view text, unsigned padding = 0) {
    return wire::record(wire::stdout_type, request_id, text, padding);
}

// A complete answer: STDOUT (in one record), its terminator, END_REQUEST.
std::string answer(std::string_view cgi, unsigned protocol_status = 0) {
    return stdout_record(cgi, 3) + stdout_record({}) + end_request(request_id, 0, protocol_status);
}

struct fed {
    reply_reader::state state;
    reply result;
    std::string error;
};

fed feed_all(std::string_view stream, std::size_t split) {
    reply_reader reader;
    reader.feed(wire::bytes(stream.substr(0, split)));
    reader.feed(wire::bytes(stream.substr(split)));
    if (reader.current() == reply_reader::state::need_more) reader.end_of_input();
    return {reader.current(), reader.result(), reader.error()};
}

// Every two-slice split and byte by byte must give the same outcome; returns it.
fed grind(std::string_view stream) {
    const fed whole = feed_all(stream, stream.size());
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        const fed part = feed_all(stream, split);
        EXPECT_EQ(part.state, whole.state) << "split at " << split;
        EXPECT_EQ(part.result.body, whole.result.body) << "split at " << split;
        EXPECT_EQ(part.result.http_status, whole.result.http_status) << "split at " << split;
        EXPECT_EQ(part.error, whole.error) << "split at " << split;
    }
    reply_reader bytewise;
    for (const char c : stream) bytewise.feed(wire::bytes(std::string_view(&c, 1)));
    if (bytewise.current() == reply_reader::state::need_more) bytewise.end_of_input();
    EXPECT_EQ(bytewise.current(), whole.state);
    EXPECT_EQ(bytewise.result().body, whole.result.body);
    return whole;
}

TEST(ping_request, exact_bytes) {
    const std::string pairs = wire::pair("GATEWAY_INTERFACE", "CGI/1.1") + wire::pair("SERVER_SOFTWARE", "isapi-fcgi-ping") +
                              wire::pair("SERVER_PROTOCOL", "HTTP/1.1") + wire::pair("REQUEST_METHOD", "GET") +
                              wire::pair("SCRIPT_NAME", "/ping") + wire::pair("REQUEST_URI", "/ping") +
                              wire::pair("DOCUMENT_URI", "/ping") + wire::pair("QUERY_STRING", "") +
                              wire::pair("CONTENT_LENGTH", "");
    // wire:: pads with 0xa5 (to catch parsers reading padding); the codec pads with zeros.
    std::string params = wire::record(wire::params_type, 1, pairs);
    params[6] = wire::byte_char(static_cast<unsigned>((8 - pairs.size() % 8) % 8));
    params.append(static_cast<unsigned char>(params[6]), '\0');
    // Responder role, keep-conn clear: the server closes the connection after END_REQUEST.
    const std::string expected = wire::begin_request(1, 1, 0) + params + wire::params(1, {}) + wire::stdin_record(1, {});
    EXPECT_EQ(encode_request("/ping"), expected);
}

TEST(ping_request, records_are_padded_to_eight) {
    const std::string bytes = encode_request("/x");
    EXPECT_EQ(bytes.size() % 8, 0u);
}

TEST(ping_reply, healthy_answer_at_every_split) {
    const fed r = grind(answer("Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\npong"));
    ASSERT_EQ(r.state, reply_reader::state::complete) << r.error;
    EXPECT_EQ(r.result.http_status, 200);
    EXPECT_EQ(r.result.status_line, "200 OK");
    EXPECT_EQ(r.result.body, "pong");
    EXPECT_EQ(judge(r.result), std::nullopt);
}

TEST(ping_reply, header_block_split_across_records_and_lf_only) {
    const std::string stream = stdout_record("Content-Type: text/plain\nSta") + stdout_record("tus: 200 OK\n") +
                               stdout_record("\npo") + stdout_record("ng") + stdout_record({}) +
                               end_request(request_id, 0, 0);
    const fed r = grind(stream);
    ASSERT_EQ(r.state, reply_reader::state::complete) << r.error;
    EXPECT_EQ(r.result.http_status, 200);
    EXPECT_EQ(r.result.body, "pong");
}

TEST(ping_reply, no_status_header_means_200) {
    const fed r = grind(answer("Content-Type: text/plain\r\n\r\nok"));
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(r.result.http_status, 200);
    EXPECT_EQ(judge(r.result), std::nullopt);
}

TEST(ping_reply, stopped_pool_is_unhealthy) {
    const fed r = grind(answer("Status: 503 Service Unavailable\r\nRetry-After: 1\r\n\r\npool app is stopped\nmore\n"));
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(r.result.http_status, 503);
    EXPECT_EQ(judge(r.result), "answered 503 Service Unavailable (pool app is stopped)");
}

TEST(ping_reply, unreadable_status_is_unhealthy) {
    const fed r = grind(answer("status: abc\r\n\r\n"));
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(r.result.http_status, 0);
    EXPECT_EQ(judge(r.result), "answered abc");
}

TEST(ping_reply, end_without_header_block_is_unhealthy) {
    const fed r = grind(stdout_record({}) + end_request(request_id, 0, 0));
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(judge(r.result), "request ended without a CGI header block");
}

TEST(ping_reply, protocol_status_other_than_complete_is_unhealthy) {
    const fed r = grind(end_request(request_id, 0, 2));
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(judge(r.result), "request ended with FastCGI protocol status 2");
}

TEST(ping_reply, stderr_and_app_status_are_kept) {
    const std::string stream = wire::record(wire::stderr_type, request_id, "warning: x") + stdout_record("\r\n\r\n") +
                               end_request(request_id, 0x01020304, 0);
    const fed r = grind(stream);
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(r.result.stderr_text, "warning: x");
    EXPECT_EQ(r.result.app_status, 0x01020304u);
}

TEST(ping_reply, body_is_bounded) {
    const std::string body(3 * reply_reader::max_body, 'b');
    const fed r = feed_all(answer("Status: 200 OK\r\n\r\n" + body), 0);
    ASSERT_EQ(r.state, reply_reader::state::complete);
    EXPECT_EQ(r.result.body.size(), reply_reader::max_body);
}

TEST(ping_reply, endless_header_block_fails) {
    const fed r = feed_all(stdout_record(std::string(20000, 'h')), 0);
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "a CGI header block of more than 16384 bytes");
}

TEST(ping_reply, close_before_end_request_fails) {
    const fed r = grind(stdout_record("Status: 200 OK\r\n\r\npong"));
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "the responder closed the connection before END_REQUEST");
}

TEST(ping_reply, close_mid_record_fails) {
    const std::string stream = stdout_record("Status: 200 OK\r\n\r\npong");
    const fed r = feed_all(std::string_view(stream).substr(0, stream.size() - 2), 0);
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "the responder closed the connection in the middle of a record");
}

TEST(ping_reply, other_request_id_fails) {
    const fed r = grind(wire::record(wire::stdout_type, 2, "x") + end_request(2, 0, 0));
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "record type 6 for request id 2, expected 1");
}

TEST(ping_reply, unexpected_record_type_fails) {
    const fed r = grind(wire::record(wire::get_values_result_type, request_id, {}));
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "unexpected record type 10");
}

TEST(ping_reply, short_end_request_fails) {
    const fed r = grind(wire::record(wire::end_request_type, request_id, "abc"));
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error, "END_REQUEST of 3 bytes, expected 8");
}

TEST(ping_reply, bad_version_fails) {
    const fed r = grind(wire::record(wire::stdout_type, request_id, "x", 0, 2));
    EXPECT_EQ(r.state, reply_reader::state::failed);
    EXPECT_EQ(r.error.rfind("bad record from the responder: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace isapi_fcgi::ping
