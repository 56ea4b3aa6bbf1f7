// The parent's unread body lent to an EXEC_URL child the Linux worker runs: the order the child
// reads it in, whatever order its parts arrive in, and what goes back to the parent.
#include "wine/lent_body.hpp"

#include <gtest/gtest.h>

#include <string>


namespace isapi_fcgi::wine {
namespace {

namespace asio = boost::asio;

struct lent_body_test : ::testing::Test {
    asio::io_context io;
    engine::strand_type strand = asio::make_strand(io);
    int asked = 0;  // pieces the relay was asked for

    std::shared_ptr<lent_body> lend(bool piece_in_flight = false) {
        return std::make_shared<lent_body>(strand, piece_in_flight, [this] { ++asked; });
    }

    std::string buffer;  // the read's, alive while it waits
    std::string result;

    void run() {
        io.restart();
        io.run();
    }

    /// One read of at most `size` bytes, run as far as it goes: the bytes, "<error>", "<end>",
    /// or "<pending>" (its handler then fills `result` in a later run()).
    std::string read(lent_body& body, std::size_t size = 64) {
        buffer.assign(size, '\0');
        result = "<pending>";
        asio::post(strand, [&] {
            body.read(std::as_writable_bytes(std::span(buffer)), [this](std::error_code ec, std::size_t n) {
                result = ec ? "<error>" : n == 0 ? "<end>" : buffer.substr(0, n);
            });
        });
        run();
        return result;
    }
};

TEST_F(lent_body_test, a_piece_read_before_the_windows_workers_bytes_came_back_is_read_after_them) {
    const auto body = lend(true);
    body->piece("later", false);  // the piece in flight when the body was lent
    body->returned("first ");
    EXPECT_EQ(read(*body), "first ");
    EXPECT_EQ(read(*body), "<pending>");  // not before all of the Windows worker's bytes are here
    body->returned_end(false);
    run();
    EXPECT_EQ(result, "later");
    EXPECT_EQ(asked, 0);
}

TEST_F(lent_body_test, reads_what_came_back_then_asks_the_relay_for_pieces_until_the_end) {
    const auto body = lend();
    body->returned("held");
    body->returned_end(false);
    EXPECT_EQ(read(*body, 2), "he");
    EXPECT_EQ(read(*body), "ld");
    EXPECT_EQ(asked, 0);
    EXPECT_EQ(read(*body), "<pending>");  // a piece is asked for, one at a time
    EXPECT_EQ(asked, 1);
    body->piece("", true);
    run();
    EXPECT_EQ(result, "<end>");
    EXPECT_EQ(read(*body), "<end>");
    EXPECT_EQ(asked, 1);
}

TEST_F(lent_body_test, what_the_child_left_and_gave_back_unread_goes_back_in_order) {
    const auto body = lend();
    body->returned("abcdefgh");
    body->returned_end(true);
    EXPECT_EQ(read(*body, 6), "abcdef");
    body->unread("def");  // its own Windows worker took these and did not read them
    EXPECT_TRUE(body->close());
    EXPECT_EQ(read(*body), "<error>");  // the child ended: nothing more is its
    const auto back = body->give_back();
    EXPECT_EQ(back.bytes, "defgh");
    EXPECT_TRUE(back.body_ended);
    EXPECT_EQ(back.consumed, 3U);
}

TEST_F(lent_body_test, a_child_ending_before_the_windows_workers_bytes_came_back_waits_for_them) {
    const auto body = lend();
    body->returned("ab");
    EXPECT_FALSE(body->close());
    body->returned("cd");
    body->returned_end(false);
    const auto back = body->give_back();
    EXPECT_EQ(back.bytes, "abcd");
    EXPECT_FALSE(back.body_ended);
    EXPECT_EQ(back.consumed, 0U);
}

TEST_F(lent_body_test, the_parent_answered_fails_a_waiting_read) {
    const auto body = lend();
    EXPECT_EQ(read(*body), "<pending>");
    body->abort();
    run();
    EXPECT_EQ(result, "<error>");
}

}  // namespace
}  // namespace isapi_fcgi::wine
