// windows_request's side of HSE_REQ_EXEC_URL (docs/wine.md, "Child requests"): the operation
// asks the Linux worker to map the child's URL with the pool's URL map; a child mapped to this
// worker's own extension runs here, as a windows_request whose output enters the parent's
// response; one a native extension serves runs in the Linux worker, and one another Wine
// extension serves is relayed by it to that extension's Windows worker, either's output coming
// back over the link into the same response; a URL nothing serves gets the Linux host's 404/400
// text. The semantics are the Linux host's (src/isapi/exec_url_operation.cpp).
#include <cstdlib>
#include <type_traits>

#include "fcgi/name_value.hpp"
#include "win32/unicode.hpp"
#include "windows_request.hpp"
#include "wine/link_protocol.hpp"

namespace isapi_fcgi::wine_worker {
namespace {

// The Linux host's bound (exec_url_operation.cpp): a child re-running its own URL without
// HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR would otherwise recurse until memory runs out.
constexpr unsigned max_exec_depth = 8;

bool is_match_field(std::string_view name) {
    return name == wine::match_script_name || name == wine::match_raw_script_name || name == wine::match_path_info ||
           name == wine::match_path || name == wine::match_flags;
}

std::optional<std::string> owned(const char* text) {
    if (!text) return std::nullopt;
    return std::string(text);
}

std::optional<std::string> owned(const WCHAR* text) {
    if (!text) return std::nullopt;
    return win32::utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(text)), false)
        .value_or(std::string());
}

/// The child as the extension asked for it; nullopt for what the Linux host refuses
/// (support_functions.cpp): a relative or empty URL, an entity with bytes and no buffer.
template <typename Info>
std::optional<isapi::exec_url_request> child_of(const Info& info) {
    isapi::exec_url_request child;
    child.url = owned(info.pszUrl);
    if (child.url && (child.url->empty() || child.url->front() != '/')) return std::nullopt;
    child.method = owned(info.pszMethod);
    child.headers = owned(info.pszChildHeaders);
    if (info.pEntity) {
        if (info.pEntity->cbAvailable && !info.pEntity->lpbData) return std::nullopt;
        child.entity = std::string(static_cast<const char*>(info.pEntity->lpbData), info.pEntity->cbAvailable);
    }
    if (info.pUserInfo) {
        // No impersonation token to honour here either: the names reach the child's variables.
        child.user = owned(info.pUserInfo->pszCustomUserName);
        child.auth_type = owned(info.pUserInfo->pszCustomAuthType);
    }
    child.flags = info.dwExecUrlFlags;
    return child;
}

}  // namespace

BOOL windows_request::exec_url_call(DWORD request, LPVOID buffer) {
    auto child = request == HSE_REQ_EXEC_UNICODE_URL ? child_of(*static_cast<const HSE_EXEC_UNICODE_URL_INFO*>(buffer))
                                                     : child_of(*static_cast<const HSE_EXEC_URL_INFO*>(buffer));
    if (!child) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return exec_url(std::move(*child));
}

BOOL windows_request::exec_url(isapi::exec_url_request child) {
    if (depth_ + 1 > max_exec_depth) {
        if (context_.first_time("exec depth"))
            log_line("extension '" + context_.extension_name + "' nests HSE_REQ_EXEC_URL deeper than " +
                     std::to_string(max_exec_depth) +
                     " levels; refused with ERROR_INVALID_PARAMETER (logged once per extension)");
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!admit_async("EXEC_URL", nullptr)) return FALSE;
    auto pending = std::make_shared<pending_exec>();
    {
        std::lock_guard lock(body_mutex_);
        std::optional<std::uint64_t> unread;
        if (const auto length = isapi::declared_body_length(params_.get("CONTENT_LENGTH")))
            unread = *length > body_consumed_ ? *length - body_consumed_ : 0;
        pending->params = isapi::child_params(params_, child, unread);
    }
    {
        std::lock_guard lock(output_mutex_);
        pending->pass_headers = !(child.flags & HSE_EXEC_URL_NO_HEADERS) && !translator_.headers_sent();
    }
    pending->entity = std::move(child.entity);
    pending->skip_current = (child.flags & HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR) != 0;
    async_op op;
    op.exec = std::move(pending);
    queue_async(std::move(op));
    return TRUE;
}

BOOL windows_request::get_exec_url_status(HSE_EXEC_URL_STATUS* status) {
    std::optional<exec_status> last;
    {
        std::lock_guard lock(state_mutex_);
        last = exec_status_;
    }
    if (!status || !last) {  // no child request has ended
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *status = HSE_EXEC_URL_STATUS{static_cast<USHORT>(last->status), 0, last->win32};
    return TRUE;
}

void windows_request::start_exec() {
    std::string question;
    {
        std::lock_guard lock(state_mutex_);
        question = exec_question(*exec_waiting_->exec);
    }
    // A child asks on its parent's link id; the answer comes to the request the link knows.
    windows_request& link = link_request();
    {
        std::lock_guard lock(link.state_mutex_);
        link.exec_asker_ = weak_from_this();
    }
    {
        // The answer comes behind the body on the link: the reader must not wait for room.
        std::lock_guard lock(link.body_mutex_);
        link.exec_question_out_ = true;
        link.body_changed_.notify_all();
    }
    {
        // Only while the response is open: once it ended (CLOSE_CONNECTION) the link id may
        // already carry another request. The lock keeps END_REQUEST from slipping in between.
        std::lock_guard lock(link.output_mutex_);
        if (!link.finished_ && !link.aborted_ &&
            context_.pipe->write_message(id_, std::string(wine::message_exec) + question))
            return;  // exec_mapped comes with the answer
    }
    exec_finished(0, ERROR_OPERATION_ABORTED, ERROR_OPERATION_ABORTED);  // the Linux host's gone_error(true)
}

std::string windows_request::exec_question(pending_exec& exec) const {
    // What the Linux worker maps the URL with, then the rest of the child as child_params made
    // it, for a child another extension serves, which the Linux worker runs (a native one) or
    // relays to that extension's Windows worker (a Wine one).
    std::string question;
    for (const std::string_view name : {"REQUEST_URI", "SCRIPT_NAME", "REQUEST_METHOD"})
        fcgi::append_pair(question, name, exec.params.get(name));
    fcgi::append_pair(question, wine::exec_skip_current, exec.skip_current ? "1" : "0");
    std::string rest;
    const auto& p = exec.params;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (!is_match_field(p[i].name) && p[i].name != "REQUEST_URI" && p[i].name != "SCRIPT_NAME" &&
            p[i].name != "REQUEST_METHOD")
            fcgi::append_pair(rest, p[i].name, p[i].value);
    // The Linux host's bounds (docs/wine.md): params as the engine bounds a request's PARAMS,
    // the entity as a body; beyond either the child is answered as the Linux host answers those.
    if (question.size() + rest.size() > context_.max_exec_params) {
        exec.too_large = 431;
        fcgi::append_pair(question, wine::exec_params_dropped, "1");
        return question;
    }
    std::string child = question + rest;
    fcgi::append_pair(child, wine::exec_pass_headers, exec.pass_headers ? "1" : "0");
    fcgi::append_pair(child, wine::exec_depth, std::to_string(depth_ + 1));
    // Without an entity the child reads this request's unread body, which, when it is the
    // link's, this worker can lend to a child the Linux worker runs (lend_body).
    if (!exec.entity && reads_link_body()) fcgi::append_pair(child, wine::exec_parent_body, "1");
    if (exec.entity && exec.entity->size() > context_.max_exec_entity) {
        exec.too_large = 413;
        fcgi::append_pair(child, wine::exec_entity_dropped, "1");
    } else if (exec.entity) {
        fcgi::append_pair(child, wine::exec_entity, *exec.entity);
    }
    return child;
}

void windows_request::exec_mapped(const fcgi::param_set& answer) {
    const auto mapping = answer.get(wine::exec_mapping);
    std::shared_ptr<windows_request> asker;
    if (mapping == wine::exec_ended) {
        // The child the Linux worker ran ended: its asker's operation completes with its outcome.
        {
            std::lock_guard lock(state_mutex_);
            asker = std::exchange(linux_child_asker_, {}).lock();
        }
        {
            std::lock_guard lock(body_mutex_);
            linux_child_running_ = false;
        }
        const auto number = [&](std::string_view name) {
            return static_cast<DWORD>(std::strtoul(std::string(answer.get(name)).c_str(), nullptr, 10));
        };
        const DWORD win32 = number(wine::exec_win32);
        // The child read this much of the lent body: read for its asker and those it reads through.
        if (asker && answer.find(wine::exec_body_read)) {
            const std::uint64_t read =
                std::strtoull(std::string(answer.get(wine::exec_body_read)).c_str(), nullptr, 10);
            for (windows_request* r = asker.get(); r; r = r->parent_.get()) {
                std::lock_guard lock(r->body_mutex_);
                r->body_consumed_ += read;
            }
        }
        if (asker) asker->exec_finished(number(wine::exec_status), win32, win32);
        return;
    }
    {
        std::lock_guard lock(state_mutex_);
        asker = std::exchange(exec_asker_, {}).lock();
        if (mapping == wine::exec_linux) linux_child_asker_ = asker;
    }
    {
        // A child the Linux worker runs sends its output behind the body on this link: the
        // reader must not wait for room meanwhile.
        std::lock_guard lock(body_mutex_);
        exec_question_out_ = false;
        linux_child_running_ = mapping == wine::exec_linux;
        body_changed_.notify_all();
    }
    if (mapping == wine::exec_linux && answer.get(wine::exec_parent_body) == "1") lend_body();
    if (asker) asker->start_child(answer);
}

bool windows_request::reads_link_body() const noexcept {
    return !parent_ || (body_from_parent_ && parent_->reads_link_body());
}

void windows_request::lend_body() {
    // What arrived and is unread goes back to the Linux worker, for the child: its bytes are
    // the child's to read first. Anything the child leaves comes back as body before the
    // child's end (exec_ended), and what follows of the body after it.
    std::string held;
    bool ended = false;
    {
        std::lock_guard lock(body_mutex_);
        held.swap(body_);
        ended = std::exchange(body_ended_, false);
        body_changed_.notify_all();
    }
    std::string marker(wine::message_body_lent);
    fcgi::append_pair(marker, wine::body_lent_ended, ended ? "1" : "0");
    // Only while the response is open: once it ended the link id may carry another request.
    std::lock_guard lock(output_mutex_);
    if (finished_) return;
    if (!held.empty()) context_.pipe->write_stream(fcgi::record_type::stdin_stream, id_, held);
    context_.pipe->write_stream(fcgi::record_type::stderr_stream, id_, marker);
}

void windows_request::linux_child_output(std::string_view bytes) {
    std::shared_ptr<windows_request> asker;
    {
        std::lock_guard lock(state_mutex_);
        asker = linux_child_asker_.lock();
    }
    // Its header block was passed on or dropped on the Linux side (child_channel) already.
    if (asker) asker->child_output(bytes);
}

void windows_request::start_child(const fcgi::param_set& answer) {
    std::shared_ptr<pending_exec> pending;
    {
        std::lock_guard lock(state_mutex_);
        if (exec_waiting_) pending = std::exchange(exec_waiting_->exec, nullptr);
    }
    if (!pending) return;  // no EXEC_URL waits for an answer
    const auto mapping = answer.get(wine::exec_mapping);
    // The Linux worker runs it: its output comes as STDOUT records, its end as exec_ended.
    if (mapping == wine::exec_linux) return;
    if (mapping == wine::exec_here) {
        // The child's params: what child_params made of the parent's, with the Linux worker's
        // url_match of the child in place of the parent's.
        std::string stream;
        const auto& p = pending->params;
        for (std::size_t i = 0; i < p.size(); ++i)
            if (!is_match_field(p[i].name)) fcgi::append_pair(stream, p[i].name, p[i].value);
        for (std::size_t i = 0; i < answer.size(); ++i)
            if (answer[i].name != wine::exec_mapping) fcgi::append_pair(stream, answer[i].name, answer[i].value);
        fcgi::param_set params;
        fcgi::param_set::parse(stream, params);
        auto child = std::make_shared<windows_request>(shared_from_this(), std::move(params), std::move(pending->entity),
                                                       pending->pass_headers);
        context_.threads->post([child] { child->run(); });
        return;
    }
    // Nothing this worker can run serves the URL: the child answers as the Linux host answers a
    // URL no extension serves (IIS would have served a static file), and the completion says so.
    unsigned status = 404;
    const char* reason = "Not Found";
    std::string text = "the child request's URL is not served here\n";
    DWORD win32 = ERROR_FILE_NOT_FOUND;
    if (mapping == wine::exec_bad_request) {
        status = 400;
        reason = "Bad Request";
        win32 = ERROR_INVALID_PARAMETER;
    } else if (mapping == wine::exec_elsewhere && pending->too_large == 431) {
        // Another extension of the pool serves it, but the child's params exceed what the pool
        // accepts of a request's (max_params_bytes): the engine's answer to such a request.
        status = 431;
        reason = "Request Header Fields Too Large";
        text = "the child request's headers and parameters exceed this server's limit\n";
        win32 = ERROR_INSUFFICIENT_BUFFER;
    } else if (mapping == wine::exec_elsewhere) {
        // Its entity exceeds the bound of a body passed to another extension: the Linux host's
        // answer to a body over max_request_body.
        status = 413;
        reason = "Payload Too Large";
        text = "the child request's entity exceeds this server's limit\n";
        win32 = ERROR_INSUFFICIENT_BUFFER;
    }
    const std::string code = std::to_string(status);
    text = code + " " + reason + ": " + text;
    if (pending->pass_headers) text = "Status: " + code + " " + reason + "\r\nContent-Type: text/plain\r\n\r\n" + text;
    {
        std::lock_guard lock(output_mutex_);
        isapi::response_bytes out;
        if (!finished_ && !aborted_ && !translator_.write(text, ecb_.dwHttpStatusCode, out)) send(out);
    }
    exec_finished(status, win32, NO_ERROR);
}

void windows_request::exec_finished(unsigned status, DWORD win32, DWORD completion_error) {
    std::lock_guard lock(state_mutex_);
    if (!exec_waiting_) return;
    auto op = std::move(*exec_waiting_);
    exec_waiting_.reset();
    exec_status_ = exec_status{status, win32};
    op.exec = nullptr;
    op.bytes = 0;
    op.error = completion_error;
    // Back at the front, now an ordinary completion; draining_ stayed set while it waited.
    async_ops_.push_front(std::move(op));
    context_.threads->post([self = shared_from_this()] { self->drain_async(); });
}

bool windows_request::child_output(std::string_view bytes) {
    std::lock_guard lock(output_mutex_);
    if (finished_ || aborted_) return false;
    // The child's bytes enter this response as this request's own WriteClient would.
    isapi::response_bytes out;
    if (translator_.write(bytes, ecb_.dwHttpStatusCode, out)) {
        log_line("extension '" + context_.extension_name + "': HSE_REQ_EXEC_URL child output refused");
        return false;
    }
    return send(out);
}

bool windows_request::send_to_parent(std::string bytes) {
    if (!headers_done_) {
        // The child's translator sends its whole header block first, as one piece.
        header_block_ += bytes;
        const std::size_t end = header_block_.find("\r\n\r\n");
        if (end == std::string::npos) return true;
        headers_done_ = true;
        child_status_ = isapi::status_of_header_block(std::string_view(header_block_).substr(0, end + 2));
        bytes = pass_headers_ ? header_block_.substr(0, end + 4) : std::string();
        bytes.append(header_block_, end + 4);
        header_block_.clear();
        if (bytes.empty()) return true;
    }
    return parent_->child_output(bytes);
}

}  // namespace isapi_fcgi::wine_worker
