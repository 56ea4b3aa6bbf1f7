#include "isapi/linux_child_parent.hpp"

#include <boost/asio/post.hpp>

#include "engine/request.hpp"
#include "isapi/callbacks.hpp"
#include "isapi/child_channel.hpp"
#include "isapi/exec_url_parent.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/request_channel.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// The relayed request as the parent a child_channel knows. The child's body is always an
/// entity (empty when the parent gave none), so the parent's channel is never read.
class linux_child_parent final : public exec_url_parent {
public:
    explicit linux_child_parent(wine::linux_child child) : child_(std::move(child)) {}

    request_channel& channel() const noexcept override { return child_.parent->channel(); }
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
    bool ended_ = false;  // on the strand
};

/// A child another Wine extension serves, as that extension's relay sees it: its output goes
/// through its child_channel (the header block passed on or dropped) into the parent's response,
/// its end completes the parent's EXEC_URL, its body is the entity. Every call hops onto the
/// parent's strand, where the channel lives.
class wine_child_request final : public wine::relayed_request,
                                 public std::enable_shared_from_this<wine_child_request> {
public:
    wine_child_request(std::shared_ptr<child_channel> channel, unsigned depth, engine::strand_type strand)
        : channel_(std::move(channel)), depth_(depth), strand_(std::move(strand)) {}

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
            self->channel_->read_stdin_on_strand(buffer, std::move(h));
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
    std::shared_ptr<child_channel> channel_;
    const unsigned depth_;
    engine::strand_type strand_;
    engine::request::abort_handler abort_;  // on the strand
    bool parent_gone_ = false;              // on the strand
};

/// The child's channel: its output into the parent's response over the link, its end to the
/// parent's EXEC_URL. One child at a time per parent: its exec_id is never compared.
std::shared_ptr<child_channel> channel_of(wine::linux_child child) {
    auto params = std::move(child.params);
    auto entity = std::move(child.entity);
    const bool pass_headers = child.pass_headers;
    auto parent = std::make_shared<linux_child_parent>(std::move(child));
    return std::make_shared<child_channel>(std::move(parent), 1, std::move(params), std::move(entity), pass_headers);
}

}  // namespace

std::shared_ptr<wine::relayed_request> relayed_linux_child(wine::linux_child child) {
    auto watch_parent = std::move(child.watch_parent);
    const unsigned depth = child.depth;
    const auto strand = child.parent->executor();
    auto relayed = std::make_shared<wine_child_request>(channel_of(std::move(child)), depth, strand);
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
