#pragma once
// An HSE_REQ_EXEC_URL child request's channel (request_channel.hpp). Its output goes into the
// parent's response through the parent's translator while the parent's EXEC_URL operation is at
// the front of the parent's operation queue, so nothing else of the parent interleaves; the
// child's CGI header block is passed on (the child's status and headers become the response's)
// or, with HSE_EXEC_URL_NO_HEADERS or once the parent has sent its own headers, dropped. The end
// of the child's response completes the parent's operation instead of ending any FastCGI request.
// The body is the entity the parent gave, or the parent's unread body read through the parent's
// channel. Everything runs on the parent's connection strand.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fcgi/param_set.hpp"
#include "isapi/exec_url_parent.hpp"
#include "isapi/request_channel.hpp"

namespace isapi_fcgi::isapi {

class child_channel final : public request_channel {
public:
    child_channel(std::shared_ptr<exec_url_parent> parent, std::uint64_t exec_id, fcgi::param_set params,
                  std::optional<std::string> entity, bool pass_headers);

    const fcgi::param_set& params() const noexcept override { return params_; }
    std::string_view log_context() const noexcept override { return log_context_; }
    std::uint64_t serial() const noexcept override;
    engine::strand_type executor() const override;
    /// The parent's client going away reaches the child as failed writes and reads.
    void on_abort_on_strand(abort_handler) override {}
    bool aborted() const noexcept override;
    void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) override;
    void async_read_stdin(std::span<std::byte> buffer, read_handler handler) override;
    void cancel_read() override;
    void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) override;
    void end_on_strand() override;
    void close_connection() override;

private:
    std::size_t read_entity(std::span<std::byte> buffer);

    std::shared_ptr<exec_url_parent> parent_;
    std::uint64_t exec_id_;
    fcgi::param_set params_;
    std::string log_context_;
    std::optional<std::string> entity_;
    std::size_t entity_read_ = 0;
    bool pass_headers_;
    bool headers_done_ = false;
    std::string header_block_;  // the child's CGI header block, until its blank line
    unsigned status_ = 200;
    bool ended_ = false;
};

}  // namespace isapi_fcgi::isapi
