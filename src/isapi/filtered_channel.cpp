#include "isapi/filtered_channel.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "fcgi/name_value.hpp"
#include "fcgi/param_set.hpp"
#include "isapi/request_access_record.hpp"
#include "logging/access_log_line.hpp"

namespace isapi_fcgi::isapi {
namespace {

// The rewritten params as the PARAMS stream param_set parses (FastCGI name-value pairs).
fcgi::param_set param_set_of(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string raw;
    for (const auto& [name, value] : params) fcgi::append_pair(raw, name, value);
    fcgi::param_set out;
    if (const auto ec = fcgi::param_set::parse(std::move(raw), out))
        throw std::runtime_error("the rewritten params cannot be encoded: " + ec.message());
    return out;
}

}  // namespace

/// The access log record, owned (the request it came from may be gone when LOG runs).
struct filtered_channel::pending_log {
    logging::access_record record;
    std::string remote_addr, remote_port, remote_user, request_method, request_uri, query_string, server_protocol,
        http_referer, http_user_agent, request_id, pool, extension, log_data, log_parameters;

    explicit pending_log(const logging::access_record& r)
        : record(r),
          remote_addr(r.remote_addr), remote_port(r.remote_port), remote_user(r.remote_user),
          request_method(r.request_method), request_uri(r.request_uri), query_string(r.query_string),
          server_protocol(r.server_protocol), http_referer(r.http_referer), http_user_agent(r.http_user_agent),
          request_id(r.request_id), pool(r.pool), extension(r.extension), log_data(r.log_data),
          log_parameters(r.log_parameters) {}

    const logging::access_record& view() {
        record.remote_addr = remote_addr;
        record.remote_port = remote_port;
        record.remote_user = remote_user;
        record.request_method = request_method;
        record.request_uri = request_uri;
        record.query_string = query_string;
        record.server_protocol = server_protocol;
        record.http_referer = http_referer;
        record.http_user_agent = http_user_agent;
        record.request_id = request_id;
        record.pool = pool;
        record.extension = extension;
        record.log_data = log_data;
        record.log_parameters = log_parameters;
        return record;
    }
};

filtered_channel::filtered_channel(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool)
    : request_(request),
      pool_(std::move(pool)),
      inner_(std::move(request)),
      gate_(*pool_->filters(), request_->params(), pool_->variables_config()),
      strand_(boost::asio::make_strand(pool_->filter_threads())) {}

filtered_channel::~filtered_channel() = default;

void filtered_channel::proceed() {
    const auto& decision = gate_.run();
    if (decision.rewritten) rewritten_ = param_set_of(decision.params);
    response_.emplace(gate_);
}

void filtered_channel::send_filter_response() {
    const auto& d = gate_.run();
    std::string block = d.headers;
    block += "Status: " + d.status_line + "\r\n\r\n";
    block += d.body;
    send_whole(std::move(block), d.status, d.body.size(), filters::response_side::source::filter);
}

void filtered_channel::send_host_response(std::string response, unsigned status, std::size_t body_bytes) {
    send_whole(std::move(response), status, body_bytes, filters::response_side::source::served);
}

void filtered_channel::send_whole(std::string response, unsigned status, std::size_t body_bytes,
                                  filters::response_side::source from) {
    // After proceed() the response side exists already (the host's 400/404/413).
    if (!response_) response_.emplace(gate_, from);
    write_on_strand({}, std::move(response), nullptr);
    end_on_strand();
    if (!pool_->access_log()) return;
    // The record isapi_request writes for an extension's response, for one no extension made.
    auto record = request_access_record(params(), pool_->options().name);
    record.status = status;
    record.bytes_sent = body_bytes;
    record.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
    defer_access_log(record);
}

void filtered_channel::write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) {
    if (owned.empty()) owned.assign(reinterpret_cast<const char*>(borrowed.data()), borrowed.size());
    boost::asio::post(strand_, [self = shared_from_this(), data = std::move(owned), handler = std::move(handler)]() mutable {
        auto out = self->response_->write(data);
        if (out.cut) self->cut_ = true;
        boost::asio::post(self->executor(), [self, out = std::move(out), handler = std::move(handler)]() mutable {
            self->deliver(std::move(out), std::move(handler));
        });
    });
}

void filtered_channel::deliver(filters::response_side::output out, write_handler handler) {
    if (out.cut) {
        inner_.close_connection();
        if (handler) handler(std::make_error_code(std::errc::connection_aborted));
        return;
    }
    if (out.bytes.empty()) {
        if (handler) handler({});
        return;
    }
    inner_.write_on_strand({}, std::move(out.bytes), std::move(handler));
}

void filtered_channel::end_on_strand() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        auto out = self->response_->end();
        const bool cut = self->cut_;
        boost::asio::post(self->executor(), [self, out = std::move(out), cut]() mutable {
            if (cut) return;  // closed already
            if (!out.bytes.empty()) self->inner_.write_on_strand({}, std::move(out.bytes), nullptr);
            self->inner_.end_on_strand();
        });
        self->ended_ = true;
        if (!self->pool_->access_log()) {
            self->gate_.release();
            return;
        }
        self->write_log_if_ready();
    });
}

void filtered_channel::close_connection() {
    inner_.close_connection();
    // The response ends here instead of in end_on_strand(): the log record may go out now.
    boost::asio::post(strand_, [self = shared_from_this()] {
        self->ended_ = true;
        self->cut_ = true;
        if (!self->pool_->access_log()) return self->gate_.release();
        self->write_log_if_ready();
    });
}

bool filtered_channel::defer_access_log(const logging::access_record& record) {
    auto copy = std::make_unique<pending_log>(record);
    boost::asio::post(strand_, [self = shared_from_this(), copy = std::move(copy)]() mutable {
        self->log_ = std::move(copy);
        self->write_log_if_ready();
    });
    return true;
}

void filtered_channel::write_log_if_ready() {
    // Only after the end went through the response side, even for a client that left: the host
    // hands the record over before its end (or close) reaches this strand, and every path sends
    // one. Releasing the session sooner let that end raise END_OF_REQUEST on a session no longer
    // held (a null entry: SIGSEGV at 0x50 in filter_session::notify).
    if (!log_ || !ended_) return;
    auto& p = *log_;
    filters::log_fields fields;
    fields.client_host = p.remote_addr;
    fields.client_user = p.remote_user;
    fields.server_name = std::string(params().get("SERVER_NAME"));
    fields.operation = p.request_method;
    const auto question = p.request_uri.find('?');
    fields.target = p.request_uri.substr(0, question);
    fields.parameters = p.query_string;
    // What the client got, after SEND_RESPONSE and SEND_RAW_DATA (unless it left first: 499).
    const bool sent = response_ && response_->status_sent() != 0 && p.record.status != logging::client_closed_request;
    fields.status = sent ? response_->status_sent() : p.record.status;
    fields.bytes_sent = sent ? response_->body_bytes_sent() : p.record.bytes_sent;
    fields.bytes_received = p.record.bytes_received;
    fields.duration = std::chrono::duration_cast<std::chrono::milliseconds>(p.record.duration);
    if (response_) response_->log(fields);
    p.remote_addr = fields.client_host;
    p.remote_user = fields.client_user;
    p.request_method = fields.operation;
    p.request_uri = fields.parameters.empty() ? fields.target : fields.target + "?" + fields.parameters;
    p.query_string = fields.parameters;
    p.record.status = fields.status;
    p.record.bytes_sent = fields.bytes_sent;
    p.record.bytes_received = fields.bytes_received;
    if (auto* log = pool_->access_log()) log->info("{}", logging::format_access_line(pool_->access_format(), p.view()));
    log_.reset();
    gate_.release();
}

}  // namespace isapi_fcgi::isapi
