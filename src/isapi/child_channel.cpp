#include "isapi/child_channel.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/post.hpp>
#include <isapi/httpext.h>

#include "engine/errc.hpp"
#include "isapi/exec_url.hpp"

namespace isapi_fcgi::isapi {

child_channel::child_channel(std::shared_ptr<exec_url_parent> parent, std::uint64_t exec_id, fcgi::param_set params,
                             std::optional<std::string> entity, bool pass_headers)
    : parent_(std::move(parent)),
      exec_id_(exec_id),
      params_(std::move(params)),
      log_context_(std::string(parent_->log_context()) + " exec_url"),
      entity_(std::move(entity)),
      pass_headers_(pass_headers) {}

std::uint64_t child_channel::serial() const noexcept { return parent_->channel().serial(); }
engine::strand_type child_channel::executor() const { return parent_->channel().executor(); }
bool child_channel::aborted() const noexcept { return parent_->channel().aborted(); }

std::size_t child_channel::read_entity(std::span<std::byte> buffer) {
    const std::size_t n = std::min(buffer.size(), entity_->size() - entity_read_);
    std::memcpy(buffer.data(), entity_->data() + entity_read_, n);
    entity_read_ += n;
    return n;
}

void child_channel::read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) {
    if (!entity_) return parent_->channel().read_stdin_on_strand(buffer, std::move(handler));
    handler({}, read_entity(buffer));  // as the engine does with bytes already buffered
}

void child_channel::async_read_stdin(std::span<std::byte> buffer, read_handler handler) {
    if (!entity_) return parent_->channel().async_read_stdin(buffer, std::move(handler));
    // Never inside the call, as with the engine.
    boost::asio::post(executor(), [this, self = parent_, buffer, h = std::move(handler)] { h({}, read_entity(buffer)); });
}

void child_channel::cancel_read() {
    // An entity read never waits; the parent's body is read through the parent's channel.
    if (!entity_) parent_->channel().cancel_read();
}

void child_channel::write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) {
    if (!headers_done_) {
        // The child's translator sends its whole header block first, as one piece.
        header_block_ += owned.empty() ? std::string(reinterpret_cast<const char*>(borrowed.data()), borrowed.size())
                                       : owned;
        const std::size_t end = header_block_.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (handler) handler({});
            return;
        }
        headers_done_ = true;
        status_ = status_of_header_block(std::string_view(header_block_).substr(0, end + 2));
        std::string rest = header_block_.substr(end + 4);
        std::string passed = pass_headers_ ? header_block_.substr(0, end + 4) : std::string();
        header_block_.clear();
        passed += rest;
        if (passed.empty()) {
            if (handler) handler({});
            return;
        }
        return parent_->child_output(exec_id_, {}, std::move(passed), std::move(handler));
    }
    parent_->child_output(exec_id_, borrowed, std::move(owned), std::move(handler));
}

void child_channel::end_on_strand() {
    if (std::exchange(ended_, true)) return;
    parent_->child_ended(exec_id_, status_, ERROR_SUCCESS);
}

void child_channel::close_connection() {
    // The child's response could not end normally (its request_timeout after its headers): the
    // parent's operation fails; the parent decides what its own response does.
    if (std::exchange(ended_, true)) return;
    parent_->child_ended(exec_id_, status_, ERROR_OPERATION_ABORTED);
}

}  // namespace isapi_fcgi::isapi
