#include "fcgi/demultiplexer.hpp"

#include <algorithm>
#include <cstring>

#include "fcgi/errc.hpp"

namespace isapi_fcgi::fcgi {

std::error_code demultiplexer::feed(std::span<const std::byte> input) {
    std::error_code ec;
    for (;;) {
        const auto step = parser_.next(input, ec);
        if (ec) return ec;
        input = input.subspan(step.consumed);
        switch (step.what) {
        case record_parser::event::need_more:
            if (input.empty()) return {};
            break;
        case record_parser::event::header: ec = on_header(parser_.header()); break;
        case record_parser::event::content: ec = on_content(step.content); break;
        case record_parser::event::end_of_record: ec = on_end_of_record(); break;
        }
        if (ec) return ec;
    }
}

std::error_code demultiplexer::on_header(const record_header& h) {
    target_ = target::none;
    const std::uint8_t type = h.type;
    if (is_management_type(type)) {
        if (h.request_id != null_request_id) {
            // Unknown types with a request id are still "not understood": answer, don't fail.
            if (type == 0 || type > FCGI_MAXTYPE) return {};
            return errc::management_with_request_id;
        }
        if (type == FCGI_GET_VALUES) {
            management_body_.clear();
            target_ = target::management;
        }
        return {};
    }
    if (h.request_id == null_request_id) return errc::application_without_id;

    switch (h.kind()) {
    case record_type::begin_request:
        if (h.content_length != begin_request_body_size) return errc::bad_record_length;
        begin_have_ = 0;
        target_ = target::begin_body;
        return {};
    case record_type::params:
    case record_type::stdin_stream:
    case record_type::abort_request:
        return {};  // routed once we know whether the record is empty (params/stdin) or complete
    default:
        return {};
    }
}

std::error_code demultiplexer::on_content(std::span<const std::byte> content) {
    const record_header& h = parser_.header();
    switch (target_) {
    case target::begin_body:
        std::memcpy(begin_body_.data() + begin_have_, content.data(), content.size());
        begin_have_ += content.size();
        return {};
    case target::management:
        management_body_.append(reinterpret_cast<const char*>(content.data()), content.size());
        return {};
    case target::stdin_data:
    case target::params:
    case target::none:
        break;
    }
    if (h.kind() == record_type::params) {
        slot* s = find(h.request_id);
        if (!s) return {};  // classified at end_of_record
        if (s->stage != phase::params) return {};
        if (s->params.size() + content.size() > limits_.max_params_bytes) {
            s->stage = phase::params_rejected;
            std::string().swap(s->params);
            handler_->on_params_too_large(h.request_id);
            return {};
        }
        s->params.append(reinterpret_cast<const char*>(content.data()), content.size());
        return {};
    }
    if (h.kind() == record_type::stdin_stream) {
        slot* s = find(h.request_id);
        if (!s || s->stage != phase::stdin_open) return {};  // classified at end_of_record
        handler_->on_stdin(h.request_id, content);
        return {};
    }
    return {};
}

std::error_code demultiplexer::on_end_of_record() {
    const record_header h = parser_.header();
    const auto finished_target = target_;
    target_ = target::none;

    if (is_management_type(h.type)) {
        if (finished_target == target::management) {
            param_set query;
            const auto ec = param_set::parse(management_body_, query);
            management_body_.clear();
            if (ec) return ec;
            handler_->on_get_values(query);
        } else {
            handler_->on_unknown_type(h.type);
        }
        return {};
    }

    if (h.kind() == record_type::begin_request) return begin_request();

    slot* s = find(h.request_id);
    if (!s) {
        discard(recently_ended(h.request_id) ? discard_reason::ended_request
                                             : discard_reason::unknown_request);
        return {};
    }
    switch (h.kind()) {
    case record_type::abort_request:
        handler_->on_abort_request(h.request_id);
        return {};
    case record_type::params:
        if (h.content_length != 0) {
            if (s->stage != phase::params && s->stage != phase::params_rejected)
                discard(discard_reason::after_end_of_stream);
            return {};
        }
        if (s->stage == phase::params_rejected) {
            s->stage = phase::body_dropped;  // the handler answers; STDIN is dropped silently below
            return {};
        }
        if (s->stage != phase::params) {
            discard(discard_reason::after_end_of_stream);
            return {};
        }
        {
            param_set params;
            s->stage = phase::stdin_open;
            const auto ec = param_set::parse(s->params, params);
            recycle(s->params);
            if (ec) return ec;
            handler_->on_params(h.request_id, std::move(params));
        }
        return {};
    case record_type::stdin_stream:
        if (s->stage == phase::body_dropped) return {};
        if (s->stage == phase::params || s->stage == phase::params_rejected) {
            // A body before the end of PARAMS: no web server does this, and there is nowhere
            // to deliver it without buffering it unboundedly.
            return errc::stdin_before_params_end;
        }
        if (s->stage == phase::stdin_closed) {
            discard(discard_reason::after_end_of_stream);
            return {};
        }
        if (h.content_length == 0) {
            s->stage = phase::stdin_closed;
            handler_->on_stdin(h.request_id, {});
        }
        return {};
    default:
        discard(discard_reason::unexpected_type);
        return {};
    }
}

std::error_code demultiplexer::begin_request() {
    const record_header& h = parser_.header();
    if (find(h.request_id)) return errc::duplicate_begin_request;
    forget_ended(h.request_id);
    const auto u8 = [&](std::size_t i) { return std::to_integer<std::uint8_t>(begin_body_[i]); };
    const auto role_value = static_cast<std::uint16_t>(u8(0) << 8 | u8(1));
    const bool keep_conn = (u8(2) & keep_conn_flag) != 0;
    if (role_value == static_cast<std::uint16_t>(role::authorizer)) {
        slots_.push_back({h.request_id, phase::params, std::move(spare_params_)});
        if (handler_->on_begin_authorizer(h.request_id, keep_conn)) return {};
        find(h.request_id)->stage = phase::params_rejected;  // refused: as any other role below
        handler_->on_unsupported_role(h.request_id, role_value, keep_conn);
        return {};
    }
    if (role_value != static_cast<std::uint16_t>(role::responder)) {
        // Not active: its PARAMS/STDIN are dropped once the handler calls request_ended().
        slots_.push_back({h.request_id, phase::params_rejected, {}});
        handler_->on_unsupported_role(h.request_id, role_value, keep_conn);
        return {};
    }
    slots_.push_back({h.request_id, phase::params, std::move(spare_params_)});
    handler_->on_begin_request(h.request_id, keep_conn);
    return {};
}

void demultiplexer::recycle(std::string& params) {
    params.clear();
    // Kept only up to a typical request's size: an idle connection must not hold a 64 KiB block.
    if (params.capacity() > spare_params_.capacity() && params.capacity() <= recycled_params_capacity)
        spare_params_.swap(params);
}

void demultiplexer::discard(discard_reason reason) { handler_->on_discarded(parser_.header(), reason); }

void demultiplexer::request_ended(std::uint16_t id) {
    auto it = std::find_if(slots_.begin(), slots_.end(), [id](const slot& s) { return s.id == id; });
    if (it == slots_.end()) return;
    recycle(it->params);
    slots_.erase(it);
    forget_ended(id);
    if (limits_.remembered_ended_ids == 0) return;
    if (ended_.size() >= limits_.remembered_ended_ids) ended_.erase(ended_.begin());
    ended_.push_back(id);
}

demultiplexer::slot* demultiplexer::find(std::uint16_t id) noexcept {
    for (auto& s : slots_)
        if (s.id == id) return &s;
    return nullptr;
}

const demultiplexer::slot* demultiplexer::find(std::uint16_t id) const noexcept {
    for (const auto& s : slots_)
        if (s.id == id) return &s;
    return nullptr;
}

bool demultiplexer::recently_ended(std::uint16_t id) const noexcept {
    return std::find(ended_.begin(), ended_.end(), id) != ended_.end();
}

void demultiplexer::forget_ended(std::uint16_t id) noexcept {
    ended_.erase(std::remove(ended_.begin(), ended_.end(), id), ended_.end());
}

}  // namespace isapi_fcgi::fcgi
