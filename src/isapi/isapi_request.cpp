#include "isapi/isapi_request.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/log_text.hpp"
#include "isapi/call_context_scope.hpp"
#include "isapi/conn_table.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/extension_status.hpp"
#include "isapi/request_access_record.hpp"

namespace isapi_fcgi::isapi {
namespace {

// The read-ahead buffer starts this small and doubles as bytes arrive, so a pending GET (nginx
// sends an empty CONTENT_LENGTH, so its length is unknown) never holds the whole read-ahead.
constexpr std::size_t initial_read_ahead = 4096;
/// The io_context's coarse_deadlines, remembered per I/O thread: use_service() takes the
/// registry's lock and walks its list.
coarse_deadlines& deadlines_of(boost::asio::io_context& context) {
    thread_local boost::asio::io_context* cached_context = nullptr;
    thread_local coarse_deadlines* cached = nullptr;
    if (cached_context != &context) {
        cached = &boost::asio::use_service<coarse_deadlines>(context);
        cached_context = &context;
    }
    return *cached;
}

long long millis(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

isapi_request::isapi_request(std::shared_ptr<request_channel> request, std::shared_ptr<pool_host> pool,
                             std::size_t extension, url_match match, const ecb_functions& functions,
                             unsigned depth)
    : shared_channel_(std::move(request)),
      request_(shared_channel_.get()),
      pool_(std::move(pool)),
      depth_(depth),
      extension_(extension),
      match_(std::move(match)),
      functions_(functions),
      executor_(request_->executor()),
      translator_(pool_->translator_options(extension_)),
      completions_(pool_->threads()) {}

isapi_request::isapi_request(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool,
                             std::size_t extension, url_match match, const ecb_functions& functions)
    : own_channel_(std::in_place, std::move(request)),
      request_(&*own_channel_),
      pool_(std::move(pool)),
      extension_(extension),
      match_(std::move(match)),
      functions_(functions),
      executor_(request_->executor()),
      translator_(pool_->translator_options(extension_)),
      completions_(pool_->threads()) {}

isapi_request::~isapi_request() {
    // The tick may be reading the entry: it is unlinked under the service's lock.
    if (coarse_) deadlines_->remove(*coarse_);
}

std::string_view isapi_request::extension_name() const { return pool_->extension(extension_).name(); }

// ---- lifecycle ------------------------------------------------------------------------------

void isapi_request::start() {
    conn_id_ = conn_table::instance().add(shared_from_this(), this);
    pool_->request_began();
    const auto& params = request_->params();
    const std::string_view method = params.get("REQUEST_METHOD");
    const std::string_view uri = params.get("REQUEST_URI");
    call_url_.emplace(method, uri);
    // A child is work for its parent's request, which the observer already counts.
    if (depth_ == 0)
        pool_->observer().request_started({request_->serial(), pool_->options().name, extension_name(), extension_,
                                           method, uri});
    std::weak_ptr<isapi_request> weak = shared_from_this();
    request_->on_abort_on_strand([weak] {
        if (auto self = weak.lock()) {
            std::lock_guard lock(self->mutex_);
            self->client_gone_ = true;
        }
    });
    deadlines_started_ = true;

    const auto length = declared_body_length(params.get("CONTENT_LENGTH"));
    read_ahead_target_ = read_ahead_target(length, pool_->options().upload_read_ahead);
    // A declared body starts on the heap; one of unknown length inline, which nearly always
    // reads as empty (a GET) and then costs no allocation.
    read_ahead_capacity_ = length && *length > 0 ? std::min(read_ahead_target_, initial_read_ahead) + 1
                                                 : std::min(read_ahead_target_ + 1, read_ahead_inline_.size());
    if (read_ahead_capacity_ > read_ahead_inline_.size()) grow_read_ahead(read_ahead_capacity_);
    if (length && *length == 0) body_ended_ = true;  // the empty STDIN record is dropped later
    if (body_ended_ || read_ahead_target_ == 0) return enqueue();
    read_ahead();
}

void isapi_request::read_ahead() {
    const std::size_t have = read_ahead_size_;
    if (have >= read_ahead_target_) return enqueue();
    if (read_ahead_capacity_ <= have + 1) {
        const std::size_t doubled = read_ahead_heap_ ? 2 * (read_ahead_capacity_ - 1) : initial_read_ahead;
        grow_read_ahead(std::min(read_ahead_target_, doubled) + 1);
    }
    const std::size_t room = std::min(read_ahead_capacity_ - 1, read_ahead_target_) - have;
    auto* into = reinterpret_cast<std::byte*>(read_ahead_) + have;
    // On the connection strand: bytes already buffered (or the end of a GET's empty body) come
    // back before this returns, with no post.
    request_->read_stdin_on_strand({into, room}, [self = shared_from_this()](std::error_code ec, std::size_t n) {
        self->read_ahead_size_ += n;
        self->on_read_ahead(ec, n);
    });
}

void isapi_request::grow_read_ahead(std::size_t capacity) {
    auto bigger = std::make_unique_for_overwrite<unsigned char[]>(capacity);
    std::memcpy(bigger.get(), read_ahead_, read_ahead_size_);
    read_ahead_heap_ = std::move(bigger);
    read_ahead_ = read_ahead_heap_.get();
    read_ahead_capacity_ = capacity;
}

void isapi_request::on_read_ahead(std::error_code ec, std::size_t n) {
    body_bytes_read_ += n;
    if (ec) {
        // The web server went away before the extension ran: nobody is left to answer.
        spdlog::info("{} aborted while reading the request body ahead: {}", log_context(), ec.message());
        lock_type lock(mutex_);
        client_gone_ = true;
        state_.proc_skipped();
        end_response(lock, false);
        return settle(lock);
    }
    if (n == 0) {
        body_ended_ = true;
        return enqueue();
    }
    if (body_bytes_read_ > pool_->options().max_request_body) {
        lock_type lock(mutex_);
        body_too_large_ = true;
        state_.proc_skipped();
        answer_error(lock, 413, "the request body exceeds max_request_body", false);
        return settle(lock);
    }
    read_ahead();
}

void isapi_request::enqueue() {
    read_ahead_[read_ahead_size_] = 0;  // real extensions treat lpbData as a C string
    {
        lock_type lock(mutex_);
        phase_ = phase::queued;
        queued_at_ = clock::now();
        arm_next_deadline(lock);
    }
    boost::asio::post(pool_->threads(), engine::slot_handler(post_slot(), [this] { run(); }));
}

void isapi_request::run() {
    lock_type lock(mutex_);
    if (phase_ != phase::queued) return;  // the queue deadline answered already
    const auto waited = clock::now() - queued_at_;
    if (waited > pool_->options().queue_timeout) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 503, fmt::format("waited {}ms for an extension thread (queue_timeout)", millis(waited)),
                     false);
        return settle(lock);
    }
    auto& ext = pool_->extension(extension_);
    if (!ext.usable()) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 500, fmt::format("extension '{}' failed to load: {}", ext.name(), ext.load_error()), false);
        return settle(lock);
    }
    if (depth_ == 0) {
        if (const auto admission = pool_->observer().admit(request_->serial()); admission.refused) {
            phase_ = phase::done;
            state_.proc_skipped();
            answer_error(lock, 500, "the same request crashed a worker moments ago (crash_quarantine)", false,
                         admission.log_it);
            return settle(lock);
        }
    }

    const auto total = total_bytes(declared_body_length(request_->params().get("CONTENT_LENGTH")),
                                    read_ahead_size_, body_ended_);
    variables_.emplace(request_->params(), match_, pool_->variables_config(), total == unknown_body_length);
    strings_ = ecb_strings_of(*variables_);
    build_ecb(ecb_, strings_, read_ahead_, read_ahead_size_,
              reinterpret_cast<HCONN>(static_cast<std::uintptr_t>(conn_id_)), total);
    ecb_.GetServerVariable = functions_.get_server_variable;
    ecb_.WriteClient = functions_.write_client;
    ecb_.ReadClient = functions_.read_client;
    ecb_.ServerSupportFunction = functions_.server_support_function;

    phase_ = phase::running;
    proc_started_at_ = clock::now();
    state_.proc_started();
    completions_.start_holding();
    ecb_built_.store(true, std::memory_order_release);
    lock.unlock();
    call_extension();
}

void isapi_request::call_extension() {
    auto& ext = pool_->extension(extension_);
    std::uint32_t status = HSE_STATUS_ERROR;
    pool_->observer().extension_code_entered(request_->serial());
    const call_context_scope context(ext.name(), call_url_->c_str());
    try {
        status = ext.call(&ecb_);
    } catch (const std::exception& e) {
        spdlog::error("{} extension '{}' threw from HttpExtensionProc: {}", log_context(), ext.name(),
                      engine::log_text(e.what()));
    } catch (...) {
        spdlog::error("{} extension '{}' threw a non-standard exception from HttpExtensionProc", log_context(),
                      ext.name());
    }
    pool_->observer().extension_code_left(request_->serial());
    after_proc(status);
    const bool held = stop_watching_held_completions();
    // Runs here, on the proc's thread, unless the strand is busy elsewhere: no other extension
    // thread is woken for what finished while the proc ran.
    if (held) boost::asio::dispatch(completions_.strand(), [self = shared_from_this()] { self->drain_held_completions(); });
}

void isapi_request::after_proc(std::uint32_t status) {
    lock_type lock(mutex_);
    const bool pending = status == HSE_STATUS_PENDING;
    state_.proc_returned(pending);
    if (pending) {
        if (depth_ == 0) pool_->observer().request_pending(request_->serial());
    } else {
        end_status_ = status;
        if (is_error_status(status) && status != HSE_STATUS_ERROR)
            spdlog::warn("{} extension '{}' returned {} ({}); treated as HSE_STATUS_ERROR", log_context(),
                         extension_name(), status_name(status), status);
    }
    settle(lock);
}

void isapi_request::settle(lock_type& lock) {
    if (state_.should_end_response() && !finish_queued_) {
        finish_queued_ = true;
        // The extension is done with the ECB: what it left there is final.
        logged_status_ = ecb_.dwHttpStatusCode ? ecb_.dwHttpStatusCode : 200;
        log_data_.assign(ecb_.lpszLogData, strnlen(ecb_.lpszLogData, HSE_LOG_BUFFER_LEN));
        io_op op;
        op.what = io_op::kind::finish;
        ops_.push(std::move(op));
        pump(lock);
    }
    if (state_.should_tear_down()) tear_down(lock);
}

void isapi_request::tear_down(lock_type& lock) {
    state_.torn_down();
    phase_ = phase::done;
    // The tombstone tolerates one late DONE_WITH_SESSION only if none got TRUE yet (one may come
    // from the extension's thread before HttpExtensionProc has returned its final status).
    conn_table::instance().end(conn_id_, state_.returned_pending() || state_.done_taken());
    // A far deadline leaves the coarse list from any thread; only an armed timer needs the strand.
    if (coarse_) deadlines_->remove(*coarse_);
    if (timer_) queue_out(lock, {.what = outbox::item::kind::cancel_timer});
    pool_->request_ended();
}

void isapi_request::answer_error(lock_type& lock, unsigned status, std::string_view why, bool abort_if_sent,
                                 bool log_it) {
    if (state_.response_has_ended()) return;
    logged_status_ = status;
    if (client_gone_ || request_->aborted()) {
        // Nobody is left to read an error page: a fact about the client, not the extension.
        spdlog::info("{} {} after the client went away", log_context(), why);
        return end_response(lock, false);
    }
    auto out = translator_.error_response(status);
    if (out.empty()) {
        spdlog::error("{} {} after the response headers went out{}", log_context(), why,
                      abort_if_sent ? ": closing the connection" : "");
        return end_response(lock, abort_if_sent);
    }
    if (log_it) spdlog::error("{} answering {}: {}", log_context(), status, why);
    queue_response(lock, out, nullptr);
    end_response(lock, false);
}

void isapi_request::end_response(lock_type& lock, bool close_connection) {
    if (state_.response_has_ended()) return;
    state_.response_ended();
    queue_out(lock, {.what = close_connection ? outbox::item::kind::close : outbox::item::kind::end});
    write_access_log();
    notify_finished();
}

bool isapi_request::response_closed() const noexcept {
    return state_.response_has_ended() || client_gone_ || request_->aborted();
}

// ---- deadlines (on the connection strand) ------------------------------------------------

void isapi_request::arm_next_deadline(lock_type&) {
    if (state_.is_torn_down() || !deadlines_started_) return;
    const auto& settings = pool_->options();
    auto next = clock::time_point::max();
    const auto earliest = [&next](clock::time_point t) { next = std::min(next, t); };
    if (phase_ == phase::queued) {
        earliest(queued_at_ + settings.queue_timeout);
        earliest(queued_at_ + settings.request_timeout);  // the proc starts no earlier
    } else if (phase_ == phase::running && !timed_out_) {
        earliest(proc_started_at_ + settings.request_timeout);
    }
    if (settings.slowlog_threshold.count() > 0 && !slow_logged_) earliest(started_ + settings.slowlog_threshold);
    if (next == clock::time_point::max()) return;
    if (next - clock::now() > coarse_deadlines::horizon) {
        // Nearly every request ends before this comes near, and then never touches a timer.
        if (!coarse_) {
            deadlines_ = &deadlines_of(executor_.get_inner_executor().context());
            coarse_.emplace(weak_from_this(), executor_);
        }
        return deadlines_->add(*coarse_, next);
    }
    if (coarse_) deadlines_->remove(*coarse_);
    if (!timer_) timer_ = std::make_shared<request_timer>(executor_, weak_from_this());
    timer_->arm(next);
}

void isapi_request::on_deadline() {
    lock_type lock(mutex_);
    if (state_.is_torn_down()) return;
    const auto& settings = pool_->options();
    const auto now = clock::now();
    if (settings.slowlog_threshold.count() > 0 && !slow_logged_ && now >= started_ + settings.slowlog_threshold) {
        slow_logged_ = true;
        const auto waiting = waiting_on();
        spdlog::warn("{} slow request: extension '{}' {} has run {}ms, waiting on {}", log_context(), extension_name(),
                     engine::log_text(request_->params().get("REQUEST_URI"), 512), millis(now - started_), waiting);
        if (depth_ == 0) pool_->observer().request_slow(request_->serial(), waiting);
    }
    if (phase_ == phase::queued && now >= queued_at_ + settings.queue_timeout) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 503, fmt::format("waited {}ms for an extension thread (queue_timeout)", millis(now - queued_at_)),
                     false);
        return settle(lock);
    }
    if (phase_ == phase::running && !timed_out_ && !state_.response_has_ended() &&
        now >= proc_started_at_ + settings.request_timeout) {
        timed_out_ = true;
        // The ECB stays valid until the proc returns or DONE_WITH_SESSION arrives.
        answer_error(lock, 504,
                     fmt::format("extension '{}' exceeded request_timeout ({}ms) waiting on {}", extension_name(),
                                 millis(settings.request_timeout), waiting_on()),
                     true);
    }
    arm_next_deadline(lock);
}

std::string_view isapi_request::waiting_on() const {
    switch (phase_) {
    case phase::reading_ahead: return "the request body (read-ahead)";
    case phase::queued: return "an extension thread";
    case phase::done: return "nothing";
    case phase::running: break;
    }
    if (const auto* op = ops_.front()) {
        switch (op->what) {
        case io_op::kind::read: return "the request body (ReadClient)";
        case io_op::kind::send: return "TransmitFile/VECTOR_SEND output";
        case io_op::kind::finish: return "the end of the response";
        default: return "the web server to take the response (WriteClient)";
        }
    }
    if (state_.proc_running()) return "HttpExtensionProc to return";
    if (state_.outstanding() > 0) return "an asynchronous completion";
    if (state_.returned_pending()) return "HSE_REQ_DONE_WITH_SESSION";
    return "the end of the response";
}

void isapi_request::abandon() {
    lock_type lock(mutex_);
    client_gone_ = true;
    while (!ops_.empty()) complete_front(lock, {false, ERROR_OPERATION_ABORTED, 0});
}


// ---- callbacks ------------------------------------------------------------------------------

bool isapi_request::extension_called() const { return ecb_built_.load(std::memory_order_acquire); }

call_result isapi_request::get_server_variable(const char* name, char* buffer, std::uint32_t& size) {
    if (!extension_called()) return call_failed(ERROR_INVALID_PARAMETER);
    switch (variables_->copy(name, buffer, &size)) {
    case copy_status::ok: return call_result::ok;
    case copy_status::insufficient_buffer: return call_failed(ERROR_INSUFFICIENT_BUFFER);
    case copy_status::invalid_index: return call_failed(ERROR_INVALID_INDEX);
    case copy_status::invalid_parameter: return call_failed(ERROR_INVALID_PARAMETER);
    }
    return call_failed(ERROR_INVALID_PARAMETER);
}

call_result isapi_request::write_client(std::span<const char> data, bool async) {
    io_op op;
    op.what = io_op::kind::write;
    op.label = "WriteClient";
    op.data = data;
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (async) return submit_async(std::move(op), {});
    if (data.empty()) return call_result::ok;
    const auto result = run_sync(std::move(op));
    return result.ok ? call_result::ok : call_failed(result.error);
}

call_result isapi_request::read_client(std::span<std::byte> into, std::uint32_t& read) {
    read = 0;
    if (into.empty()) return call_result::ok;
    io_op op;
    op.what = io_op::kind::read;
    op.label = "ReadClient";
    op.into = into;
    read = run_sync(std::move(op)).bytes;
    return call_result::ok;  // IIS: the end of the body, and a vanished client, both read as 0 bytes
}

// ---- after the end ------------------------------------------------------------------------

void isapi_request::write_access_log() {
    auto* log = pool_->access_log();
    if (!log) return;
    auto r = request_access_record(request_->params(), pool_->options().name);
    const std::string extension(extension_name());
    r.extension = extension;
    r.log_data = log_data_;
    r.log_parameters = log_parameters_;
    // What the client got: nginx logs 499 for a client that left first, so do we.
    r.status = client_gone_ || request_->aborted() ? logging::client_closed_request : translator_.status_code();
    r.iis_status = logged_status_;
    r.bytes_received = body_bytes_read_;
    r.bytes_sent = translator_.body_bytes();
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started_);
    if (request_->defer_access_log(r)) return;
    log->info("{}", logging::format_access_line(pool_->access_format(), r));
}

void isapi_request::notify_finished() {
    if (depth_ > 0) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started_);
    pool_->observer().request_finished({request_->serial(), pool_->options().name, extension_name(), extension_,
                                        translator_.status_code(), logged_status_, state_.returned_pending(),
                                        timed_out_, body_bytes_read_, translator_.body_bytes(), elapsed});
}

}  // namespace isapi_fcgi::isapi
