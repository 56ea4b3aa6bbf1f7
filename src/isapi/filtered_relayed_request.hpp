#pragma once
// A request of a pool with filters, as the Wine relay sees it: its params are the ones the
// request-side filters left (a rewritten URL, headers, user), and every byte of the Windows
// worker's response, its end and a cut go through the filtered channel, so SEND_RESPONSE,
// SEND_RAW_DATA, END_OF_REQUEST and LOG see it as they see a native extension's response
// (filtered_channel's response side, unchanged). The relay calls from any thread: each call hops
// onto the connection's strand, where the channel's *_on_strand members live.
#include <memory>

#include "isapi/filtered_channel.hpp"
#include "wine/relayed_request.hpp"

namespace isapi_fcgi::isapi {

class filtered_relayed_request final : public wine::relayed_request,
                                       public std::enable_shared_from_this<filtered_relayed_request> {
public:
    explicit filtered_relayed_request(std::shared_ptr<filtered_channel> channel) : channel_(std::move(channel)) {}

    const fcgi::param_set& params() const noexcept override { return channel_->params(); }
    std::string_view log_context() const noexcept override { return channel_->log_context(); }
    std::uint64_t serial() const noexcept override { return channel_->serial(); }
    engine::strand_type executor() const override { return channel_->executor(); }
    request_channel& channel() noexcept override { return *channel_; }

    void write(std::string bytes, engine::request::write_handler handler) override;
    void end() override;
    void close_connection() override;
    void async_read_stdin(std::span<std::byte> buffer, engine::request::read_handler handler) override {
        channel_->async_read_stdin(buffer, std::move(handler));
    }
    void on_abort_on_strand(engine::request::abort_handler handler) override {
        channel_->on_abort_on_strand(std::move(handler));
    }

private:
    std::shared_ptr<filtered_channel> channel_;
};

}  // namespace isapi_fcgi::isapi
