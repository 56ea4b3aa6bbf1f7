#include "wine/wine_extension.hpp"

#include <charconv>
#include <optional>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/asio.hpp"
#include "engine/log_text.hpp"
#include "engine/request.hpp"
#include "engine/simple_response.hpp"
#include "fcgi/name_value.hpp"
#include "fcgi/record_parser.hpp"
#include "fcgi/record_writer.hpp"
#include "wine/link_protocol.hpp"
#include "wine/response_head.hpp"
#include "wine/wine_installation.hpp"

namespace isapi_fcgi::wine {
namespace asio = engine::asio;

namespace {

/// Response bytes handed to the engine and not yet written to the front end, per worker: the
/// reader stops reading the pipe above this, so a slow client bounds memory, not the worker.
constexpr std::size_t max_outstanding_output = 1024 * 1024;
/// The first start in a fresh prefix creates it (~10-20 s); later starts take ~0.1-2 s.
constexpr std::chrono::seconds start_timeout{120};
/// After a failed start, requests answer 500 for this long before the next try.
constexpr std::chrono::seconds restart_backoff{5};
/// Starts of the first worker when Wine ends it before the worker's own code ran.
constexpr int start_attempts = 2;

std::vector<std::string> worker_argv(const isapi::extension_options& ext, const isapi::pool_options& pool,
                                     std::string& problem) {
    std::string error;
    const auto info = read_pe_file(ext.path, error);
    if (!info) {
        problem = error;
        return {};
    }
    if (problem = extension_problem(*info); !problem.empty()) return {};
    const auto loader = find_wine(info->machine);
    const auto worker = find_worker(info->machine);
    if (!loader || !worker) {
        problem = !loader ? loader.reason : worker.reason;
        return {};
    }
    const unsigned threads = std::clamp(pool.extension_threads, 1u, 16u);
    return {loader.path,
            worker.path,
            windows_path(ext.path),
            std::to_string(threads),
            std::to_string(pool.upload_read_ahead),
            std::to_string(pool.max_response_header_bytes),
            pool.name,
            pool.document_root,
            ext.streaming ? "1" : "0",
            pool.strict_async ? "1" : "0",
            ext.name,
            pool.send_url_internal ? "1" : "0",
            std::to_string(pool.url_flags),
            std::to_string(pool.max_params_bytes),
            std::to_string(exec_entity_bound(pool.max_request_body))};
}

std::vector<std::string> environment_or_problem(std::string& problem) {
    const auto prefix = prefix_for_current_user();
    if (!prefix) {
        problem = prefix.reason;
        return {};
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(prefix.path).parent_path(), ec);
    return worker_environment(prefix.path);
}

}  // namespace

struct wine_extension::incarnation {
    enum class state { starting, ready, dead };
    std::unique_ptr<worker_process> process;
    state phase = state::starting;  // under the extension's mutex
    std::string failure;            // the worker's "failed" status line
    std::map<std::uint16_t, std::shared_ptr<relay>> live;  // id -> relay, until END_REQUEST
    std::vector<std::shared_ptr<relay>> waiting;           // arrived while starting
    std::mutex flow_mutex;
    std::condition_variable flow_changed;
    std::size_t outstanding = 0;  // under flow_mutex
};

struct wine_extension::relay : std::enable_shared_from_this<wine_extension::relay> {
    std::shared_ptr<relayed_request> r;
    isapi::url_match match;
    std::shared_ptr<incarnation> worker;
    std::uint16_t id = 0;
    std::mutex mutex;  // output_started, done
    bool output_started = false;
    bool done = false;  // answered (END_REQUEST relayed, failed, timed out or aborted)
    std::array<std::byte, 32 * 1024> body{};
    std::unique_ptr<asio::steady_timer> timer;  // used on the request's strand only
    asio::any_io_executor strand;
    finished_handler finished;
    child_handler child_finished;  // set once, before the relay begins
    child_runner run_child;        // the same
    bool id_released = false;      // under `mutex`: END_REQUEST came, the id may carry another request
    // Under `mutex`: from an "exec" until its answer, and while a child this worker runs for it
    // lasts, its body waits (the answer and the child's output come behind the body on the
    // link, which the Windows worker then buffers beyond its bound); pump_body resumes after.
    bool body_held = false;
    bool pump_parked = false;
    // Under `mutex`: what the outcome reports.
    response_head head;
    std::uint64_t bytes_in = 0;
    std::string log_data, log_parameters;  // the Windows worker's messages
    // Under `mutex`: a child the Linux worker runs for it, told when this request is answered
    // first (linux_child::watch_parent), so a child relayed to another worker is aborted there.
    std::function<void()> child_gone;
    // Under `mutex`: the body lent to such a child (docs/wine.md, "The link"), and whether a
    // piece of the body is being read from the front end (one at a time).
    std::shared_ptr<lent_body> lent;
    bool pump_reading = false;
    // The child ended before all the Windows worker's bytes came back: its end (status, Win32
    // error) goes out after them, with what it left (the "body_lent" message).
    std::optional<std::pair<unsigned, std::uint32_t>> child_end_waiting;

    /// Marks the relay answered and hands its request over (null when it already was): the id
    /// may stay reserved until END_REQUEST, but the request, and its connection, go at once.
    /// `status` is what the client got when no response went out yet.
    std::shared_ptr<relayed_request> finish(unsigned status, bool client_gone = false, bool timed_out = false) {
        if (std::exchange(done, true)) return nullptr;
        if (auto gone = std::exchange(child_gone, {})) gone();  // posts: never re-enters this relay
        if (lent) lent->abort();                                // the child's reads fail, as the engine's would
        asio::post(strand, [self = shared_from_this()] { self->timer->cancel(); });
        relay_outcome outcome;
        outcome.status = output_started ? head.status() : status;
        outcome.client_gone = client_gone;
        outcome.timed_out = timed_out;
        outcome.bytes_in = bytes_in;
        outcome.bytes_out = head.body_bytes();
        outcome.log_data = std::move(log_data);
        outcome.log_parameters = std::move(log_parameters);
        // Let go of what the handler holds (the request) now, not when the relay goes.
        if (auto report = std::exchange(finished, {})) report(outcome);
        return std::move(r);
    }
};

wine_extension::wine_extension(const isapi::extension_options& extension, const isapi::pool_options& pool,
                               crash_handler on_crash, pid_handler on_pid, unhealthy_handler on_unhealthy,
                               exec_mapper map_child)
    : settings_(extension),
      argv_(worker_argv(extension, pool, load_error_)),
      environment_(load_error_.empty() ? environment_or_problem(load_error_) : std::vector<std::string>{}),
      request_timeout_(pool.request_timeout),
      on_crash_(std::move(on_crash)),
      on_pid_(std::move(on_pid)),
      on_unhealthy_(std::move(on_unhealthy)),
      map_child_(std::move(map_child)),
      max_exec_params_(pool.max_params_bytes),
      max_exec_entity_(exec_entity_bound(pool.max_request_body)) {
    writer_ = std::thread([this] { write_loop(); });
    if (load_error_.empty()) load_first_worker();
    if (load_error_.empty()) return;
    const std::string reason = engine::log_text(load_error_, 400);
    if (settings_.required) {
        stop(std::chrono::seconds(2));
        throw std::runtime_error(fmt::format("extension '{}' ({}) is required and failed to load under Wine: {}",
                                             settings_.name, settings_.path, reason));
    }
    spdlog::error("extension '{}' ({}) failed to load under Wine: {}; its URLs answer 500, the pool's other "
                  "extensions serve on",
                  settings_.name, settings_.path, reason);
}

wine_extension::~wine_extension() { stop(); }

void wine_extension::load_first_worker() {
    std::unique_lock lock(mutex_);
    for (int attempt = 1; attempt <= start_attempts && start_worker(lock); ++attempt) {
        const auto worker = current_;
        changed_.wait_for(lock, start_timeout, [&] { return worker->phase != incarnation::state::starting; });
        if (worker->phase == incarnation::state::starting) {
            worker->process->kill();
            load_error_ = fmt::format("the Windows worker did not load it within {}s", start_timeout.count());
            return;
        }
        if (worker->phase != incarnation::state::dead) return;
        // A worker that ended without its status line may never have run its own code: Wine
        // itself can fail a start (a new process racing the prefix's wineserver as it exits),
        // which the next start does not meet. One that said why it failed is not started again;
        // a DLL that ends the process while loading costs one more start.
        if (!worker->failure.empty() || attempt == start_attempts) {
            load_error_ = worker->failure.empty() ? "the Windows worker ended while loading it" : worker->failure;
            return;
        }
        spdlog::warn("extension '{}' ({}): Wine ended its Windows worker before it started; starting it once more",
                     settings_.name, settings_.path);
    }
}

bool wine_extension::start_worker(std::unique_lock<std::mutex>&) {
    auto worker = std::make_shared<incarnation>();
    try {
        worker->process = std::make_unique<worker_process>(argv_, environment_);
    } catch (const std::exception& e) {
        load_error_ = fmt::format("cannot start the Windows worker: {}", e.what());
        return false;
    }
    current_ = worker;
    readers_.emplace_back([this, worker] { read_loop(worker); });
    return true;
}

int wine_extension::worker_pid() {
    std::lock_guard lock(mutex_);
    return current_ && current_->phase == incarnation::state::ready ? current_->process->pid() : 0;
}

void wine_extension::handle(std::shared_ptr<engine::request> r, isapi::url_match match, finished_handler finished,
                            child_handler child_finished, child_runner run_child) {
    handle(std::make_shared<engine_relayed_request>(std::move(r)), std::move(match), std::move(finished),
           std::move(child_finished), std::move(run_child));
}

void wine_extension::handle(std::shared_ptr<relayed_request> r, isapi::url_match match, finished_handler finished,
                            child_handler child_finished, child_runner run_child) {
    const auto refuse = [&](unsigned status, std::string_view body) {
        r->write(engine::make_simple_response(static_cast<int>(status), body));
        r->end();
        if (finished) finished({.status = status});
    };
    auto rel = std::make_shared<relay>();
    rel->finished = std::move(finished);
    rel->child_finished = std::move(child_finished);
    rel->run_child = std::move(run_child);
    rel->r = r;
    rel->strand = r->executor();
    rel->match = std::move(match);
    std::unique_lock lock(mutex_);
    const bool restartable = load_error_.empty() || current_ == nullptr;
    if (stopping_ || (!current_ && (!restartable || std::chrono::steady_clock::now() < next_start_))) {
        lock.unlock();
        spdlog::warn("{} 500: extension '{}' ({}) has no Windows worker{}", r->log_context(), settings_.name,
                     settings_.path, load_error_.empty() ? "" : ": " + engine::log_text(load_error_));
        return refuse(500, "500 Internal Server Error: the extension is not available\n");
    }
    if (!current_ && (argv_.empty() || !start_worker(lock))) {  // no argv: the DLL itself is unusable
        next_start_ = std::chrono::steady_clock::now() + restart_backoff;
        lock.unlock();
        return refuse(500, "500 Internal Server Error: the extension is not available\n");
    }
    const auto& worker = current_;
    if (worker->live.size() >= 0xFFFF) {
        lock.unlock();
        return refuse(503, "503 Service Unavailable\n");
    }
    // The lowest free id: ids stay as few as the requests in flight, and so does the Windows
    // worker's table of them.
    std::uint16_t id = 1;
    for (const auto& [used, unused] : worker->live) {
        if (used != id) break;
        ++id;
    }
    rel->id = id;
    rel->worker = worker;
    worker->live.emplace(rel->id, rel);
    rel->timer = std::make_unique<asio::steady_timer>(r->executor());
    rel->timer->expires_after(request_timeout_);
    rel->timer->async_wait([this, rel](const std::error_code& ec) {
        if (!ec) timed_out(rel);
    });
    // Weak: the request keeps its abort handler, and the relay keeps the request.
    r->on_abort_on_strand([this, weak = std::weak_ptr<relay>(rel)] {
        const auto aborted = weak.lock();
        if (!aborted) return;
        std::shared_ptr<relayed_request> request;
        {
            std::lock_guard relay_lock(aborted->mutex);
            request = aborted->finish(0, true);
        }
        if (!request) return;
        std::string abort;
        append_empty_record(abort, fcgi::record_type::abort_request, aborted->id);
        enqueue(aborted->worker, std::move(abort));
        request->end();
    });
    if (worker->phase == incarnation::state::ready) begin(rel);
    else worker->waiting.push_back(rel);
}

void wine_extension::begin(const std::shared_ptr<relay>& rel) {
    std::shared_ptr<relayed_request> request;
    {
        std::lock_guard lock(rel->mutex);
        if (rel->done) return;  // aborted while its worker was starting
        request = rel->r;
    }
    std::string bytes;
    const auto header = fcgi::encode_header(fcgi::record_type::begin_request, rel->id, 8);
    bytes.append(reinterpret_cast<const char*>(header.data()), header.size());
    const char body[8] = {0, static_cast<char>(fcgi::role::responder), 0, 0, 0, 0, 0, 0};
    bytes.append(body, sizeof body);
    std::string params;
    const auto& in = request->params();
    for (std::size_t i = 0; i < in.size(); ++i) fcgi::append_pair(params, in[i].name, in[i].value);
    const auto& m = rel->match;
    fcgi::append_pair(params, match_script_name, m.script_name);
    fcgi::append_pair(params, match_raw_script_name, m.raw_script_name);
    fcgi::append_pair(params, match_path_info, m.path_info);
    fcgi::append_pair(params, match_path, m.path);
    fcgi::append_pair(params, match_flags, std::string(m.from_request_uri ? "r" : "") + (m.script_mapped ? "s" : ""));
    // A child of another Wine extension's request: its nesting goes on counting from there.
    if (const unsigned depth = request->exec_depth()) fcgi::append_pair(params, exec_depth, std::to_string(depth));
    // Its body is that request's, lent: the worker says how much it read (message_body_read).
    if (request->lends_parent_body()) fcgi::append_pair(params, exec_parent_body, "1");
    append_records(bytes, fcgi::record_type::params, rel->id, params);
    append_empty_record(bytes, fcgi::record_type::params, rel->id);
    enqueue(rel->worker, std::move(bytes), [this, rel] { pump_body(rel); });
}

void wine_extension::pump_body(const std::shared_ptr<relay>& rel) {
    std::shared_ptr<relayed_request> request;
    {
        std::lock_guard lock(rel->mutex);
        if (rel->done) return;
        if (rel->body_held) {
            rel->pump_parked = true;
            return;
        }
        if (rel->pump_reading) return;
        rel->pump_reading = true;
        request = rel->r;
    }
    read_body_piece(rel, request);
}

void wine_extension::read_body_piece(const std::shared_ptr<relay>& rel,
                                     const std::shared_ptr<relayed_request>& request) {
    // One chunk in flight per request: the next read starts once this one is in the pipe.
    request->async_read_stdin(rel->body, [this, rel](std::error_code ec, std::size_t n) {
        // Queued under the relay's lock, and only while it is unanswered: see read_loop.
        std::lock_guard lock(rel->mutex);
        rel->pump_reading = false;
        if (ec) return;  // aborted: the abort handler tells the worker
        if (rel->done) return;
        rel->bytes_in += n;
        if (rel->lent) {
            // Read for the child the body is lent to (or on its way when it was lent): its own.
            rel->lent->piece(std::string_view(reinterpret_cast<const char*>(rel->body.data()), n), n == 0);
            return;
        }
        std::string bytes;
        if (n == 0) {
            append_empty_record(bytes, fcgi::record_type::stdin_stream, rel->id);
            enqueue(rel->worker, std::move(bytes));
            return;
        }
        append_records(bytes, fcgi::record_type::stdin_stream, rel->id,
                      std::string_view(reinterpret_cast<const char*>(rel->body.data()), n));
        enqueue(rel->worker, std::move(bytes), [this, rel] { pump_body(rel); });
    });
}

void wine_extension::enqueue(std::shared_ptr<incarnation> worker, std::string bytes, std::function<void()> written,
                             std::function<void()> lost) {
    {
        std::lock_guard lock(write_mutex_);
        if (write_stop_) {
            if (lost) lost();
            return;
        }
        writes_.push_back({std::move(worker), std::move(bytes), std::move(written), std::move(lost)});
    }
    write_ready_.notify_one();
}

void wine_extension::write_loop() {
    std::unique_lock lock(write_mutex_);
    while (true) {
        write_ready_.wait(lock, [&] { return write_stop_ || !writes_.empty(); });
        if (writes_.empty()) return;
        auto item = std::move(writes_.front());
        writes_.pop_front();
        lock.unlock();
        if (item.bytes.empty()) {
            item.worker->process->close_input();  // stop(): after everything queued before
        } else if (item.worker->process->write_all(item.bytes.data(), item.bytes.size())) {
            if (item.written) item.written();
        } else if (item.lost) {
            item.lost();
        }
        lock.lock();
    }
}

void wine_extension::read_loop(std::shared_ptr<incarnation> worker) {
    fcgi::record_parser parser;
    std::string status_line;  // STDERR on id 0, or a message about the current request
    // A message over several records ("more "/"last "): the largest is an "exec" with params and
    // entity at their bounds; the slack covers the link's own pairs.
    std::string long_message;
    const std::size_t max_long_message = max_exec_params_ + max_exec_entity_ + 64 * 1024;
    std::string buffer(64 * 1024, '\0');
    std::shared_ptr<relay> current;  // the relay of the record being read
    while (true) {
        const ssize_t got = ::read(worker->process->output(), buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        std::span<const std::byte> input(reinterpret_cast<const std::byte*>(buffer.data()), static_cast<std::size_t>(got));
        bool broken = false;
        while (!broken) {
            std::error_code ec;
            const auto step = parser.next(input, ec);
            if (ec) {
                spdlog::error("extension '{}' ({}): the Windows worker sent a malformed record; it is stopped",
                              settings_.name, settings_.path);
                worker->process->kill();
                broken = true;
                break;
            }
            input = input.subspan(step.consumed);
            if (step.what == fcgi::record_parser::event::need_more) break;
            const auto& header = parser.header();
            const auto type = header.kind();
            if (step.what == fcgi::record_parser::event::header) {
                {
                    std::lock_guard lock(mutex_);
                    const auto found = worker->live.find(header.request_id);
                    current = found == worker->live.end() ? nullptr : found->second;
                }
                if (type == fcgi::record_type::end_request && current) {
                    // Answered before its id is freed: no body piece of this request can then
                    // be queued behind the BEGIN_REQUEST of the next one to get the id.
                    {
                        std::lock_guard relay_lock(current->mutex);
                        current->id_released = true;
                        // No output at all: the connection ends without a response.
                        if (auto request = current->finish(0)) request->end();
                    }
                    std::lock_guard lock(mutex_);
                    worker->live.erase(header.request_id);
                }
                continue;
            }
            if (step.what == fcgi::record_parser::event::content) {
                const std::string_view piece(reinterpret_cast<const char*>(step.content.data()), step.content.size());
                if (type == fcgi::record_type::stderr_stream && status_line.size() < max_message_bytes) status_line.append(piece);
                if (type == fcgi::record_type::stdin_stream && current) {
                    // The Windows worker's unread body, lent to a child (bounded by its buffer).
                    std::lock_guard relay_lock(current->mutex);
                    if (current->lent) current->lent->returned(piece);
                    continue;
                }
                if (type != fcgi::record_type::stdout_stream || !current) continue;
                std::lock_guard relay_lock(current->mutex);
                if (current->done) continue;
                current->output_started = true;
                current->head.add(piece);
                {
                    std::lock_guard flow(worker->flow_mutex);
                    worker->outstanding += piece.size();
                }
                current->r->write(std::string(piece), [worker, n = piece.size()](std::error_code) {
                    std::lock_guard flow(worker->flow_mutex);
                    worker->outstanding -= n;
                    worker->flow_changed.notify_all();
                });
                continue;
            }
            // end_of_record
            if (type == fcgi::record_type::stderr_stream && header.request_id == 0 &&
                status_line.starts_with(message_unhealthy)) {
                // A report whose request's response had ended (CLOSE_CONNECTION): its id may
                // already carry another request, so it came on the worker's own.
                report_unhealthy({}, std::string_view(status_line).substr(message_unhealthy.size()));
                status_line.clear();
            } else if (type == fcgi::record_type::stderr_stream && header.request_id == 0 && !status_line.empty()) {
                std::unique_lock lock(mutex_);
                if (status_line.starts_with(status_ready)) {
                    worker->phase = incarnation::state::ready;
                    spdlog::info("extension '{}' loaded from {} in a Windows worker (pid {}): \"{}\"", settings_.name,
                                 settings_.path, worker->process->pid(),
                                 engine::log_text(status_line.substr(status_ready.size())));
                    auto waiting = std::move(worker->waiting);
                    lock.unlock();
                    changed_.notify_all();
                    if (on_pid_) on_pid_(worker->process->pid());
                    for (auto& rel : waiting) begin(rel);
                } else if (status_line.starts_with(status_failed)) {
                    worker->failure = status_line.substr(status_failed.size());
                }
                status_line.clear();
            } else if (type == fcgi::record_type::stderr_stream && status_line.starts_with(message_more)) {
                // Beyond the bound the message is cut, and then does not parse (an "exec": 404).
                if (long_message.size() < max_long_message)
                    long_message.append(std::string_view(status_line).substr(message_more.size()));
                status_line.clear();
            } else if (type == fcgi::record_type::stderr_stream) {
                if (status_line.starts_with(message_last)) {
                    long_message.append(std::string_view(status_line).substr(message_last.size()));
                    status_line = std::exchange(long_message, {});
                }
                if (current) request_message(current, status_line);
                status_line.clear();
            }
            // The relay holds its request, which holds its connection: let go at each record's end.
            current.reset();
            // Bounded output: wait for the engine to take what it has before reading more.
            std::unique_lock flow(worker->flow_mutex);
            worker->flow_changed.wait_for(flow, std::chrono::seconds(60),
                                          [&] { return worker->outstanding <= max_outstanding_output; });
        }
        if (broken) break;
    }
    worker_ended(worker);
}

void wine_extension::request_message(const std::shared_ptr<relay>& rel, std::string_view message) {
    std::unique_lock lock(rel->mutex);
    if (message.starts_with(message_exec)) {
        // Answered even when the request was (timed out, the client gone): its Windows side
        // waits for it, and the id is this request's until END_REQUEST.
        const std::string context = rel->r ? std::string(rel->r->log_context()) : std::string("-");
        lock.unlock();
        answer_exec(rel, message.substr(message_exec.size()), context);
    } else if (message.starts_with(message_body_lent)) {
        fcgi::param_set fields;
        const bool ended = !fcgi::param_set::parse(message.substr(message_body_lent.size()), fields) &&
                           fields.get(body_lent_ended) == "1";
        if (rel->lent) rel->lent->returned_end(ended);
        if (const auto waiting = std::exchange(rel->child_end_waiting, std::nullopt)) {
            lock.unlock();
            send_child_end(rel, waiting->first, waiting->second);
        }
    } else if (message.starts_with(message_body_read)) {
        fcgi::param_set fields;
        if (fcgi::param_set::parse(message.substr(message_body_read.size()), fields) || !rel->r) return;
        const auto text = fields.get(exec_body_read);
        std::uint64_t read = 0;
        std::from_chars(text.data(), text.data() + text.size(), read);
        rel->r->body_consumed(read);
    } else if (message.starts_with(message_child_log)) {
        lock.unlock();
        report_child(rel, message.substr(message_child_log.size()));
    } else if (message.starts_with(message_log_data)) {
        rel->log_data = message.substr(message_log_data.size());
    } else if (message.starts_with(message_log_parameters)) {
        rel->log_parameters = message.substr(message_log_parameters.size());
    } else if (message.starts_with(message_unhealthy)) {
        // At once, not with the request's end: a request already answered (timed out, the
        // client gone) still has its report reach the master.
        const std::string context = rel->r ? std::string(rel->r->log_context()) : std::string();
        lock.unlock();
        report_unhealthy(context, message.substr(message_unhealthy.size()));
    }
}

void wine_extension::answer_exec(const std::shared_ptr<relay>& rel, std::string_view pairs,
                                 std::string_view log_context) {
    {
        std::lock_guard lock(rel->mutex);
        rel->body_held = true;
    }
    fcgi::param_set child;
    child_mapping mapping;
    if (!fcgi::param_set::parse(pairs, child) && map_child_)
        mapping = map_child_(child, child.get(exec_skip_current) == "1");
    std::string answer;
    const auto& mapped = mapping.mapped;
    if (mapped.status == isapi::url_map_status::matched && mapping.same_extension) {
        fcgi::append_pair(answer, exec_mapping, exec_here);
        const auto& m = mapped.match;
        fcgi::append_pair(answer, match_script_name, m.script_name);
        fcgi::append_pair(answer, match_raw_script_name, m.raw_script_name);
        fcgi::append_pair(answer, match_path_info, m.path_info);
        fcgi::append_pair(answer, match_path, m.path);
        fcgi::append_pair(answer, match_flags, std::string(m.from_request_uri ? "r" : "") + (m.script_mapped ? "s" : ""));
    } else if (mapped.status == isapi::url_map_status::matched && (mapping.native || mapping.other_wine) &&
               rel->run_child && child.find(exec_depth) && child.get(exec_entity_dropped) != "1") {
        // A native extension serves it (this worker runs it) or another Wine extension (this
        // worker relays it to that one's Windows worker): its output and end follow the answer.
        fcgi::append_pair(answer, exec_mapping, exec_linux);
        {
            // Lent under the relay's lock, as the answer is queued: a body piece read before
            // goes to the Windows worker ahead of the answer (and comes back with its unread
            // bytes), one read after goes to the child (read_body_piece).
            std::lock_guard lock(rel->mutex);
            if (child.get(exec_parent_body) == "1" && !child.find(exec_entity) && rel->r && !rel->done) {
                fcgi::append_pair(answer, exec_parent_body, "1");
                rel->lent = std::make_shared<lent_body>(rel->r->executor(), rel->pump_reading, want_more(rel));
            }
            std::string bytes;
            append_records(bytes, fcgi::record_type::data, rel->id, answer);
            append_empty_record(bytes, fcgi::record_type::data, rel->id);
            enqueue(rel->worker, std::move(bytes));
        }
        return start_linux_child(rel, child, std::move(mapping.mapped.match));
    } else if (mapped.status == isapi::url_map_status::matched) {
        // Its params or entity are over the bounds the Windows worker was given: answered there
        // as the Linux host answers a request over them (431, 413).
        fcgi::append_pair(answer, exec_mapping, exec_elsewhere);
        const char* what = mapping.native ? "a native extension" : "another Wine extension";
        const bool entity = child.get(exec_entity_dropped) == "1";
        const std::string why =
            entity ? fmt::format("its entity exceeds {} bytes (max_request_body, at most 16 MiB); the child answers 413",
                                 max_exec_entity_)
                   : fmt::format("its params exceed max_params_bytes ({}); the child answers 431", max_exec_params_);
        spdlog::warn("{} HSE_REQ_EXEC_URL child for '{}' of extension '{}' maps to {}, but {} (docs/wine.md)",
                     log_context, engine::log_text(child.get("REQUEST_URI"), 512), settings_.name, what, why);
    } else {
        // The Linux host's line for a child nothing here serves (exec_url_operation.cpp).
        const bool bad = mapped.status == isapi::url_map_status::bad_request;
        fcgi::append_pair(answer, exec_mapping, bad ? exec_bad_request : exec_not_found);
        spdlog::info("{} HSE_REQ_EXEC_URL child for '{}': {}", log_context,
                     engine::log_text(child.get("REQUEST_URI"), 512), bad ? mapped.reason : "no extension serves it");
    }
    std::string bytes;
    append_records(bytes, fcgi::record_type::data, rel->id, answer);
    append_empty_record(bytes, fcgi::record_type::data, rel->id);
    enqueue(rel->worker, std::move(bytes));
    release_body(rel);
}

std::function<void()> wine_extension::want_more(const std::shared_ptr<relay>& rel) {
    // Posted: the lent body asks while the relay's lock may be held.
    return [this, weak = std::weak_ptr<relay>(rel)] {
        const auto alive = weak.lock();
        if (!alive) return;
        asio::post(alive->strand, [this, alive] {
            std::shared_ptr<relayed_request> request;
            {
                std::lock_guard lock(alive->mutex);
                if (alive->done || !alive->lent || alive->pump_reading) return;
                alive->pump_reading = true;
                request = alive->r;
            }
            read_body_piece(alive, request);
        });
    };
}

void wine_extension::release_body(const std::shared_ptr<relay>& rel) {
    {
        std::lock_guard lock(rel->mutex);
        rel->body_held = false;
        if (!std::exchange(rel->pump_parked, false)) return;
    }
    pump_body(rel);
}

void wine_extension::start_linux_child(const std::shared_ptr<relay>& rel, const fcgi::param_set& question,
                                       isapi::url_match match) {
    linux_child child;
    {
        std::lock_guard lock(rel->mutex);
        child.parent = rel->r;  // null once the request was answered (client gone, timed out)
        child.body = rel->lent;
    }
    if (!child.parent) return send_child_end(rel, 0, 995);  // ERROR_OPERATION_ABORTED
    // The child's params: the question's, less what the link adds. Its body is the entity the
    // parent gave, else the parent's unread body lent to it (CONTENT_LENGTH what is left of it,
    // as child_params made it), else none (the Windows worker could not lend it: docs/wine.md).
    const auto entity = question.find(exec_entity);
    std::string params;
    for (std::size_t i = 0; i < question.size(); ++i) {
        const auto name = question[i].name;
        if (name == exec_skip_current || name == exec_pass_headers || name == exec_depth || name == exec_entity ||
            name == exec_entity_dropped || name == exec_parent_body || (name == "CONTENT_LENGTH" && !child.body))
            continue;
        fcgi::append_pair(params, name, question[i].value);
    }
    if (!child.body) fcgi::append_pair(params, "CONTENT_LENGTH", std::to_string(entity ? entity->size() : 0));
    fcgi::param_set::parse(std::move(params), child.params);  // well-formed by construction
    child.entity = std::string(entity.value_or(std::string_view()));
    child.pass_headers = question.get(exec_pass_headers) != "0";
    const auto depth = question.get(exec_depth);
    std::from_chars(depth.data(), depth.data() + depth.size(), child.depth);
    child.match = std::move(match);
    child.output = [this, rel](std::string bytes, linux_child::written_handler written) {
        std::string records;
        append_records(records, fcgi::record_type::stdout_stream, rel->id, bytes);
        std::lock_guard lock(rel->mutex);
        // Only while the parent's response is open: once it was answered the Windows side drops
        // them, once its id was released they would reach another request.
        if (rel->done || rel->id_released) return written(std::make_error_code(std::errc::broken_pipe));
        auto shared = std::make_shared<linux_child::written_handler>(std::move(written));
        enqueue(rel->worker, std::move(records), [shared] { (*shared)({}); },
                [shared] { (*shared)(std::make_error_code(std::errc::broken_pipe)); });
    };
    child.ended = [this, rel](unsigned status, std::uint32_t win32_error) { send_child_end(rel, status, win32_error); };
    child.watch_parent = [rel](std::function<void()> gone) {
        {
            std::lock_guard lock(rel->mutex);
            if (!rel->done) {
                rel->child_gone = std::move(gone);
                return;
            }
        }
        gone();
    };
    rel->run_child(std::move(child));
}

void wine_extension::send_child_end(const std::shared_ptr<relay>& rel, unsigned status, std::uint32_t win32_error) {
    std::string answer;
    fcgi::append_pair(answer, exec_mapping, exec_ended);
    fcgi::append_pair(answer, exec_status, std::to_string(status));
    fcgi::append_pair(answer, exec_win32, std::to_string(win32_error));
    std::string bytes;
    {
        // Even when the request was answered: its Windows side waits for it until its END_REQUEST.
        std::lock_guard lock(rel->mutex);
        rel->child_gone = {};
        if (rel->lent && !rel->lent->close()) {
            rel->child_end_waiting.emplace(status, win32_error);
            return;
        }
        if (const auto lent = std::exchange(rel->lent, {})) {
            // What the child left goes back ahead of the rest of the body; a piece still being
            // read follows it (read_body_piece), and the pump resumes after that or now.
            auto back = lent->give_back();
            fcgi::append_pair(answer, exec_body_read, std::to_string(back.consumed));
            append_records(bytes, fcgi::record_type::stdin_stream, rel->id, back.bytes);
            if (back.body_ended) append_empty_record(bytes, fcgi::record_type::stdin_stream, rel->id);
            rel->pump_parked = !rel->pump_reading && !back.body_ended;
        }
        append_records(bytes, fcgi::record_type::data, rel->id, answer);
        append_empty_record(bytes, fcgi::record_type::data, rel->id);
        if (!rel->id_released) enqueue(rel->worker, std::move(bytes));
    }
    release_body(rel);
}

void wine_extension::report_child(const std::shared_ptr<relay>& rel, std::string_view pairs) {
    if (!rel->child_finished) return;
    child_outcome child;
    if (fcgi::param_set::parse(pairs, child.request)) return;
    const auto number = [&](std::string_view name) {
        std::uint64_t value = 0;
        const auto text = child.request.get(name);
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    };
    child.outcome.status = static_cast<unsigned>(number(child_status));
    child.outcome.client_gone = child.request.get(child_client_gone) == "1";
    child.outcome.bytes_in = number(child_bytes_in);
    child.outcome.bytes_out = number(child_bytes_out);
    child.outcome.log_data = child.request.get(child_log_data);
    child.outcome.log_parameters = child.request.get(child_log_parameters);
    child.iis_status = static_cast<unsigned>(number(child_iis_status));
    child.duration = std::chrono::microseconds(number(child_duration_us));
    rel->child_finished(child);
}

void wine_extension::report_unhealthy(std::string_view log_context, std::string_view reason) {
    if (reason.empty()) reason = "(no reason given)";
    // The Linux host's line; the master recycles the Linux worker, and with it this one.
    spdlog::warn("{} extension '{}' reports this worker unhealthy: {}", log_context.empty() ? "-" : log_context,
                 settings_.name, engine::log_text(reason, 512));
    if (on_unhealthy_) on_unhealthy_(reason);
}

void wine_extension::worker_ended(const std::shared_ptr<incarnation>& worker) {
    const int status = worker->process->reap();
    std::vector<std::shared_ptr<relay>> lost;
    bool was_ready = false;
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        was_ready = worker->phase == incarnation::state::ready;
        worker->phase = incarnation::state::dead;
        for (auto& [id, rel] : worker->live) lost.push_back(rel);
        worker->live.clear();
        worker->waiting.clear();
        if (current_ == worker) current_.reset();
        if (!was_ready) next_start_ = std::chrono::steady_clock::now() + restart_backoff;
        stopping = stopping_;
    }
    changed_.notify_all();
    if (was_ready && on_pid_) on_pid_(0);
    if (!stopping) {
        if (was_ready)
            spdlog::error("extension '{}' ({}): its Windows worker (pid {}) {}; {} request(s) in flight answered 502, "
                          "the next request starts a new worker",
                          settings_.name, settings_.path, worker->process->pid(),
                          worker_process::describe_status(status), lost.size());
        else
            spdlog::error("extension '{}' ({}): its Windows worker (pid {}) {} while loading the DLL{}", settings_.name,
                          settings_.path, worker->process->pid(), worker_process::describe_status(status),
                          worker->failure.empty() ? "" : ": " + engine::log_text(worker->failure));
    }
    if (was_ready && !stopping && on_crash_) {
        worker_crash crash{worker->process->pid(), worker_process::describe_status(status), {}};
        for (auto& rel : lost) {
            std::lock_guard relay_lock(rel->mutex);
            if (!rel->done && rel->r) crash.in_flight.push_back(rel->r->serial());
        }
        on_crash_(crash);
    }
    for (auto& rel : lost) finish_failed(rel, was_ready ? 502 : 500, "the extension's Windows worker ended");
}

void wine_extension::finish_failed(const std::shared_ptr<relay>& rel, int status, const char* why) {
    std::lock_guard lock(rel->mutex);
    const auto request = rel->finish(static_cast<unsigned>(status));
    if (!request) return;
    if (rel->output_started) {
        request->close_connection();
        return;
    }
    request->write(engine::make_simple_response(
        status, fmt::format("{} {}: {}\n", status, status == 502 ? "Bad Gateway" : "Internal Server Error", why)));
    request->end();
}

void wine_extension::timed_out(const std::shared_ptr<relay>& rel) {
    {
        std::lock_guard lock(rel->mutex);
        const auto request = rel->finish(504, false, true);
        if (!request) return;
        spdlog::warn("{} 504: extension '{}' ({}) did not finish within request_timeout ({} ms)", request->log_context(),
                     settings_.name, settings_.path, request_timeout_.count());
        if (rel->output_started) {
            request->close_connection();
        } else {
            request->write(engine::make_simple_response(504, "504 Gateway Timeout: the extension did not answer in time\n"));
            request->end();
        }
    }
    std::string abort;
    append_empty_record(abort, fcgi::record_type::abort_request, rel->id);
    enqueue(rel->worker, std::move(abort));
}

void wine_extension::stop(std::chrono::milliseconds grace) {
    std::shared_ptr<incarnation> worker;
    {
        std::lock_guard lock(mutex_);
        if (std::exchange(stopping_, true) && readers_.empty()) return;
        worker = current_;
    }
    if (worker) {
        enqueue(worker, std::string());  // closes its stdin after what is queued
        // It ends once its requests have; requests already answered (timed out, aborted) may
        // never end (a hung DLL thread), so once only those are left it is killed at once.
        const auto deadline = std::chrono::steady_clock::now() + grace;
        std::unique_lock lock(mutex_);
        while (worker->phase != incarnation::state::dead) {
            bool anyone_waiting = false;
            for (const auto& [id, rel] : worker->live) {
                std::lock_guard relay_lock(rel->mutex);
                anyone_waiting = anyone_waiting || !rel->done;
            }
            if (!anyone_waiting && !worker->live.empty()) break;
            if (std::chrono::steady_clock::now() >= deadline) break;
            changed_.wait_for(lock, std::chrono::milliseconds(20));  // re-checks the relays' state
        }
        if (worker->phase != incarnation::state::dead) worker->process->kill();
    }
    std::vector<std::thread> readers;
    {
        std::lock_guard lock(mutex_);
        readers = std::move(readers_);
    }
    for (auto& t : readers) t.join();
    {
        std::lock_guard lock(write_mutex_);
        write_stop_ = true;
    }
    write_ready_.notify_all();
    if (writer_.joinable()) writer_.join();
}

}  // namespace isapi_fcgi::wine
