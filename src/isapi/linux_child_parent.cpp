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
    explicit linux_child_parent(wine::linux_child child)
        : child_(std::move(child)), channel_(std::make_unique<engine_channel>(child_.parent)) {}

    request_channel& channel() const noexcept override { return *channel_; }
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
    std::unique_ptr<engine_channel> channel_;
    bool ended_ = false;  // on the strand
};

}  // namespace

void run_linux_child(const std::shared_ptr<pool_host>& pool, wine::linux_child child) {
    auto params = std::move(child.params);
    auto entity = std::move(child.entity);
    auto match = std::move(child.match);
    const bool pass_headers = child.pass_headers;
    const unsigned depth = child.depth;
    const auto strand = child.parent->executor();
    const std::size_t extension = match.extension;
    auto parent = std::make_shared<linux_child_parent>(std::move(child));
    // One child at a time per parent: its exec_id is never compared.
    auto channel = std::make_shared<child_channel>(std::move(parent), 1, std::move(params), std::move(entity),
                                                   pass_headers);
    auto request = std::make_shared<isapi_request>(std::move(channel), pool, extension, std::move(match),
                                                   callbacks::table(), depth);
    // A request starts on the connection strand (its read-ahead reads there).
    boost::asio::post(strand, [request] { request->start(); });
}

}  // namespace isapi_fcgi::isapi
