#include "engine/request.hpp"

#include "engine/connection.hpp"
#include "engine/errc.hpp"
#include "engine/log_text.hpp"

namespace isapi_fcgi::engine {

request::request(std::shared_ptr<connection> owner, std::uint16_t fcgi_id, bool keep_conn,
                 std::uint64_t serial, fcgi::param_set params, std::size_t stdin_limit, fcgi::role role)
    : owner_(std::move(owner)),
      fcgi_id_(fcgi_id),
      role_(role),
      asks_for_verdict_(engine::asks_for_verdict(role, params)),
      keep_conn_(keep_conn),
      serial_(serial),
      params_(std::move(params)),
      body_(stdin_limit),
      work_(asio::prefer(owner_->strand().get_inner_executor(), asio::execution::outstanding_work.tracked)),
      log_context_(serial_, owner_->id(), params_) {}

request::~request() = default;

const std::string& request::pool_name() const noexcept { return owner_->pool_name(); }

std::string_view request::script_name() const noexcept { return script_name_of(params_); }

std::string_view script_name_of(const fcgi::param_set& params) noexcept {
    if (const auto name = params.find("SCRIPT_NAME"); name && !name->empty()) return *name;
    const auto uri = params.get("REQUEST_URI");
    return uri.substr(0, uri.find('?'));
}

bool asks_for_verdict(fcgi::role role, const fcgi::param_set& params) noexcept {
    return role == fcgi::role::authorizer || params.get("ISAPI_FCGI_AUTH_REQUEST") == "1";
}

void request::async_read_stdin(std::span<std::byte> buffer, read_handler handler) {
    auto self = shared_from_this();
    std::shared_ptr<handler_slot> slot(self, &read_post_slot_);
    asio::post(owner_->strand(), slot_handler(std::move(slot), [self = std::move(self), buffer, h = std::move(handler)]() mutable {
        self->owner_->read_stdin(self, buffer, std::move(h));
    }));
}

void request::read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) {
    owner_->read_stdin(shared_from_this(), buffer, std::move(handler));
}

void request::cancel_read() {
    asio::post(owner_->strand(), [self = shared_from_this()] { self->body_.cancel_read(errc::read_cancelled); });
}

void request::async_write(std::span<const std::byte> data, write_handler handler) {
    asio::post(owner_->strand(), [self = shared_from_this(), data, h = std::move(handler)]() mutable {
        self->owner_->write_stdout(self, data, {}, std::move(h));
    });
}

void request::write_copy(std::string data, write_handler handler) {
    asio::post(owner_->strand(), [self = shared_from_this(), d = std::move(data), h = std::move(handler)]() mutable {
        self->owner_->write_stdout(self, {}, std::move(d), std::move(h));
    });
}

void request::end(std::uint32_t app_status) {
    asio::post(owner_->strand(), [self = shared_from_this(), app_status] {
        self->owner_->end_request(self, app_status);
    });
}

void request::close_connection() { owner_->close(); }

strand_type request::executor() const { return owner_->strand(); }

void request::write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) {
    owner_->write_stdout(shared_from_this(), borrowed, std::move(owned), std::move(handler));
}

void request::end_on_strand(std::uint32_t app_status) { owner_->end_request(shared_from_this(), app_status); }

void request::begin_output_turn_on_strand() noexcept { owner_->begin_output_turn(); }

void request::end_output_turn_on_strand() { owner_->end_output_turn(); }

void request::on_abort(abort_handler handler) {
    asio::post(owner_->strand(), [self = shared_from_this(), h = std::move(handler)]() mutable {
        self->on_abort_on_strand(std::move(h));
    });
}

void request::on_abort_on_strand(abort_handler handler) {
    if (aborted()) {
        if (!ended_) handler();
        return;
    }
    abort_handler_ = std::move(handler);
}

void request::abort_on_strand(std::error_code reason) {
    if (aborted_.exchange(true, std::memory_order_acq_rel)) return;
    body_.fail(reason);
    if (abort_handler_ && !ended_) std::exchange(abort_handler_, nullptr)();
}

}  // namespace isapi_fcgi::engine
