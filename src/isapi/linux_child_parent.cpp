#include "isapi/linux_child_parent.hpp"

#include <deque>
#include <optional>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/request.hpp"
#include "isapi/callbacks.hpp"
#include "isapi/child_channel.hpp"
#include "isapi/exec_url_parent.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/request_channel.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// The relayed request's channel as a child without an entity reads it: the parent's unread
/// body lent to it by the Windows worker (wine::lent_body); everything else is the parent's.
class lent_body_channel final : public request_channel {
public:
    lent_body_channel(request_channel& parent, std::shared_ptr<wine::lent_body> body)
        : parent_(parent), body_(std::move(body)) {}

    const fcgi::param_set& params() const noexcept override { return parent_.params(); }
    std::string_view log_context() const noexcept override { return parent_.log_context(); }
    std::uint64_t serial() const noexcept override { return parent_.serial(); }
    engine::strand_type executor() const override { return parent_.executor(); }
    void on_abort_on_strand(abort_handler handler) override { parent_.on_abort_on_strand(std::move(handler)); }
    bool aborted() const noexcept override { return parent_.aborted(); }
    void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) override {
        body_->read(buffer, std::move(handler));
    }
    void async_read_stdin(std::span<std::byte> buffer, read_handler handler) override {
        body_->read(buffer, std::move(handler));
    }
    void cancel_read() override { body_->cancel_read(); }
    void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) override {
        parent_.write_on_strand(borrowed, std::move(owned), std::move(handler));
    }
    void end_on_strand() override { parent_.end_on_strand(); }
    void close_connection() override { parent_.close_connection(); }

private:
    request_channel& parent_;
    std::shared_ptr<wine::lent_body> body_;
};

/// The relayed request as the parent a child_channel knows. The child's body is an entity (the
/// parent's, or empty) or the parent's unread body, which it reads through channel().
class linux_child_parent final : public exec_url_parent {
public:
    explicit linux_child_parent(wine::linux_child child) : child_(std::move(child)) {
        if (child_.body) lent_.emplace(child_.parent->channel(), child_.body);
    }

    request_channel& channel() const noexcept override {
        return lent_ ? static_cast<request_channel&>(*lent_) : child_.parent->channel();
    }
    std::string_view log_context() const noexcept override { return child_.parent->log_context(); }

    void child_output(std::uint64_t, std::span<const std::byte> borrowed, std::string owned,
                      engine::request::write_handler handler) override {
        if (owned.empty()) owned.assign(reinterpret_cast<const char*>(borrowed.data()), borrowed.size());
        // Once the bytes are in the pipe, on the strand, as the engine completes a write.
        auto done = std::make_shared<engine::request::write_handler>(std::move(handler));
        child_.output(std::move(owned), [done, strand = child_.parent->executor()](std::error_code ec) {
            boost::asio::post(strand, [done, ec] {
                if (*done) (*done)(ec);
            });
        });
    }

    void child_ended(std::uint64_t, unsigned status, std::uint32_t win32_error) override {
        if (std::exchange(ended_, true)) return;
        child_.ended(status, win32_error);
    }

private:
    wine::linux_child child_;
    mutable std::optional<lent_body_channel> lent_;
    bool ended_ = false;  // on the strand
};

/// Its Windows worker buffers ahead of the child's reads (1 MiB, plus a piece and the pipe's
/// contents); what it did not read when it ended is the end of what was passed on, kept here.
constexpr std::size_t max_passed_on_tail = 4 * 1024 * 1024;

/// A child another Wine extension serves, as that extension's relay sees it: its output goes
/// through its child_channel (the header block passed on or dropped) into the parent's response,
/// its end completes the parent's EXEC_URL, its body is the entity or the parent's unread body,
/// lent: what its Windows worker took of that and did not read goes back to the lender when it
/// ends. Every call hops onto the parent's strand, where the channel lives.
class wine_child_request final : public wine::relayed_request,
                                 public std::enable_shared_from_this<wine_child_request> {
public:
    wine_child_request(std::shared_ptr<child_channel> channel, unsigned depth, engine::strand_type strand,
                       std::shared_ptr<wine::lent_body> body)
        : channel_(std::move(channel)), depth_(depth), strand_(std::move(strand)), body_(std::move(body)) {}

    bool lends_parent_body() const noexcept override { return body_ != nullptr; }

    void body_consumed(std::uint64_t read) override {
        boost::asio::post(strand_, [self = shared_from_this(), read] { self->give_back_unread(read); });
    }

    const fcgi::param_set& params() const noexcept override { return channel_->params(); }
    std::string_view log_context() const noexcept override { return channel_->log_context(); }
    std::uint64_t serial() const noexcept override { return channel_->serial(); }
    engine::strand_type executor() const override { return strand_; }
    unsigned exec_depth() const noexcept override { return depth_; }
    request_channel& channel() noexcept override { return *channel_; }

    void write(std::string bytes, engine::request::write_handler handler) override {
        boost::asio::post(strand_, [self = shared_from_this(), bytes = std::move(bytes), h = std::move(handler)]() mutable {
            self->channel_->write_on_strand({}, std::move(bytes), std::move(h));
        });
    }
    void end() override {
        boost::asio::post(strand_, [self = shared_from_this()] { self->channel_->end_on_strand(); });
    }
    void close_connection() override {
        boost::asio::post(strand_, [self = shared_from_this()] { self->channel_->close_connection(); });
    }
    void async_read_stdin(std::span<std::byte> buffer, engine::request::read_handler handler) override {
        boost::asio::post(strand_, [self = shared_from_this(), buffer, h = std::move(handler)]() mutable {
            if (!self->body_) return self->channel_->read_stdin_on_strand(buffer, std::move(h));
            if (self->body_closed_) return h(engine::make_error_code(engine::errc::request_ended), 0);
            self->channel_->read_stdin_on_strand(buffer, [self, buffer, h = std::move(h)](std::error_code ec,
                                                                                         std::size_t n) mutable {
                if (!ec && n) self->passed_on(buffer.first(n));
                h(ec, n);
            });
        });
    }
    void on_abort_on_strand(engine::request::abort_handler handler) override {
        if (parent_gone_) boost::asio::post(strand_, std::move(handler));
        else abort_ = std::move(handler);
    }

    /// The parent was answered first (its client left, its timeout): the child is aborted in
    /// its Windows worker as the engine's request would be. Any thread.
    void parent_gone() {
        boost::asio::post(strand_, [self = shared_from_this()] {
            self->parent_gone_ = true;
            if (auto abort = std::exchange(self->abort_, {})) abort();
        });
    }

private:
    /// On the strand: lent bytes on their way to the Windows worker; the last of them are kept.
    void passed_on(std::span<const std::byte> bytes) {
        passed_ += bytes.size();
        tail_.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        tail_bytes_ += bytes.size();
        while (tail_bytes_ - tail_.front().size() >= max_passed_on_tail) {
            tail_bytes_ -= tail_.front().size();
            tail_.pop_front();
        }
    }

    /// On the strand: the Windows worker read `read` of what was passed on; the rest goes back.
    void give_back_unread(std::uint64_t read) {
        if (std::exchange(body_closed_, true) || !body_) return;
        body_->cancel_read();  // a read the relay still has waiting takes nothing more
        std::uint64_t unread = passed_ > read ? passed_ - read : 0;
        if (unread > tail_bytes_) {
            spdlog::error("{} HSE_REQ_EXEC_URL: the child's Windows worker left {} bytes of its parent's body unread, "
                          "more than the {} kept; the parent misses {} of them",
                          log_context(), unread, tail_bytes_, unread - tail_bytes_);
            unread = tail_bytes_;
        }
        std::string back;
        back.reserve(unread);
        std::uint64_t skip = tail_bytes_ - unread;
        for (const auto& piece : tail_) {
            if (skip >= piece.size()) {
                skip -= piece.size();
                continue;
            }
            back.append(piece, skip);
            skip = 0;
        }
        tail_.clear();
        tail_bytes_ = 0;
        body_->unread(back);
    }

    std::shared_ptr<child_channel> channel_;
    const unsigned depth_;
    engine::strand_type strand_;
    const std::shared_ptr<wine::lent_body> body_;  // null: the child's body is an entity
    std::deque<std::string> tail_;                 // on the strand, as the three below
    std::size_t tail_bytes_ = 0;
    std::uint64_t passed_ = 0;
    bool body_closed_ = false;
    engine::request::abort_handler abort_;  // on the strand
    bool parent_gone_ = false;              // on the strand
};

/// The child's channel: its output into the parent's response over the link, its end to the
/// parent's EXEC_URL. One child at a time per parent: its exec_id is never compared.
std::shared_ptr<child_channel> channel_of(wine::linux_child child) {
    auto params = std::move(child.params);
    std::optional<std::string> entity;
    if (!child.body) entity = std::move(child.entity);  // else the parent's unread body, lent
    const bool pass_headers = child.pass_headers;
    auto parent = std::make_shared<linux_child_parent>(std::move(child));
    return std::make_shared<child_channel>(std::move(parent), 1, std::move(params), std::move(entity), pass_headers);
}

}  // namespace

std::shared_ptr<wine::relayed_request> relayed_linux_child(wine::linux_child child) {
    auto watch_parent = std::move(child.watch_parent);
    const unsigned depth = child.depth;
    const auto strand = child.parent->executor();
    auto body = child.body;
    auto relayed = std::make_shared<wine_child_request>(channel_of(std::move(child)), depth, strand, std::move(body));
    if (watch_parent)
        watch_parent([weak = std::weak_ptr<wine_child_request>(relayed)] {
            if (const auto alive = weak.lock()) alive->parent_gone();
        });
    return relayed;
}

void run_linux_child(const std::shared_ptr<pool_host>& pool, wine::linux_child child) {
    auto match = std::move(child.match);
    const unsigned depth = child.depth;
    const auto strand = child.parent->executor();
    const std::size_t extension = match.extension;
    auto channel = channel_of(std::move(child));
    auto request = std::make_shared<isapi_request>(std::move(channel), pool, extension, std::move(match),
                                                   callbacks::table(), depth);
    // A request starts on the connection strand (its read-ahead reads there).
    boost::asio::post(strand, [request] { request->start(); });
}

}  // namespace isapi_fcgi::isapi
