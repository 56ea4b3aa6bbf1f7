#include "ops/pool_supervisor.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "ops/crash_quarantine.hpp"
#include "ops/status_snapshot.hpp"
#include "ops/stopped_pool_responder.hpp"
#include "ops/log_handover.hpp"
#include "ops/worker_channel.hpp"
#include "ops/worker_main.hpp"
#include "ops/worker_spawn.hpp"

namespace isapi_fcgi::ops {
namespace {

namespace asio = engine::asio;

/// A worker that has not said "ready" by then is killed (extensions that hang in
/// GetExtensionVersion).
constexpr std::chrono::seconds start_timeout{60};
/// Captured output lines longer than this are logged in pieces: bounded memory, nothing lost.
constexpr std::size_t max_output_line = 16 * 1024;

std::uint32_t slot_count_for(unsigned workers) {
    // Room for a whole second generation during a reload, and a few replacements on top.
    return std::max<std::uint32_t>(8, 2 * workers + 4);
}

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

std::chrono::milliseconds drain_bound(const supervisor_context& context) { return context.shutdown_timeout; }

}  // namespace

pool_supervisor::pool_supervisor(supervisor_context& context, config::pool_settings settings,
                                 std::vector<const open_socket*> sockets, std::shared_ptr<int> config_fd)
    : context_(context),
      settings_(std::move(settings)),
      sockets_(std::move(sockets)),
      config_fd_(std::move(config_fd)),
      board_(scoreboard::create(settings_.name, slot_count_for(settings_.process.workers))),
      guard_(settings_.process.rapid_fail_max_crashes, settings_.process.rapid_fail_interval) {
    board_.header().generation.store(generation_);
    board_.header().configured_workers.store(settings_.process.workers);
    for (const auto& e : settings_.isapi.extensions) board_.extension_name_index(e.name);
}

pool_supervisor::~pool_supervisor() = default;

std::string pool_supervisor::who(const worker& w) const {
    return fmt::format("pool {}: worker {} (pid {})", settings_.name, w.id, w.pid);
}

pool_supervisor::worker* pool_supervisor::find(std::uint32_t id) {
    const auto it = workers_.find(id);
    return it == workers_.end() ? nullptr : it->second.get();
}

std::optional<std::uint32_t> pool_supervisor::free_slot() const {
    for (std::uint32_t s = 0; s < board_.slot_count(); ++s) {
        if (board_.slot(s).state.load() != static_cast<std::uint32_t>(slot_state::free)) continue;
        const bool taken = std::any_of(workers_.begin(), workers_.end(), [s](const auto& w) { return w.second->slot == s; });
        if (!taken) return s;
    }
    return std::nullopt;
}

std::size_t pool_supervisor::current_generation_count() const {
    return static_cast<std::size_t>(std::count_if(workers_.begin(), workers_.end(), [this](const auto& w) {
        return w.second->generation == generation_ && w.second->state != phase::draining;
    }));
}

void pool_supervisor::start() {
    board_.header().state.store(static_cast<std::uint32_t>(pool_state::running));
    for (unsigned i = 0; i < settings_.process.workers; ++i) spawn();
}

pool_supervisor::worker* pool_supervisor::spawn(std::uint32_t replaces) {
    if (stopping_ || stopped_) return nullptr;
    const auto slot = free_slot();
    if (!slot) {
        spdlog::error("pool {}: no free scoreboard slot for another worker", settings_.name);
        return nullptr;
    }
    auto w = std::make_unique<worker>();
    w->id = next_id_++;
    w->generation = generation_;
    w->slot = *slot;
    w->started = clock::now();
    w->replaces = replaces;
    reset_slot(board_.slot(*slot), w->id, generation_);
    spawn_request request;
    request.label = fmt::format("isapi-fcgi: worker {}#{}", settings_.name, w->id);
    request.pool = settings_.name;
    request.worker_id = w->id;
    request.slot = *slot;
    request.generation = generation_;
    request.source = context_.source;
    request.config_fd = *config_fd_;
    request.scoreboard_fd = board_.fd();
    request.console_fd = STDERR_FILENO;
    for (const auto* s : sockets_) request.listen_fds.push_back(s->fd);
    spawned_worker spawned;
    try {
        spawned = spawn_worker(request);
    } catch (const std::exception& e) {
        spdlog::error("pool {}: cannot start a worker: {}", settings_.name, e.what());
        board_.slot(*slot).state.store(static_cast<std::uint32_t>(slot_state::free));
        return nullptr;
    }
    // First on the channel: the worker waits for its log files before it logs anything.
    if (!hand_log_files(spawned.channel))
        spdlog::error("pool {}: cannot hand the log files to worker {}", settings_.name, w->id);
    w->pid = spawned.pid;
    board_.slot(*slot).pid.store(spawned.pid);
    w->channel = std::make_unique<asio::posix::stream_descriptor>(context_.io, spawned.channel);
    w->output = std::make_unique<asio::posix::stream_descriptor>(context_.io, spawned.output);
    const auto id = w->id;
    spdlog::info("pool {}: started worker {} (pid {}, generation {}){}", settings_.name, id, spawned.pid, generation_,
                 replaces ? fmt::format(" to take over from worker {}", replaces) : "");
    auto* raw = w.get();
    workers_.emplace(id, std::move(w));
    read_channel(id);
    read_output(id);
    return raw;
}

void pool_supervisor::read_channel(std::uint32_t id) {
    auto* w = find(id);
    if (!w || !w->channel) return;
    w->channel->async_read_some(asio::buffer(w->channel_buffer), [this, id](engine::io_error ec, std::size_t n) {
        auto* self = find(id);
        if (ec || !self) return;  // end-of-file: the worker is gone (reaped separately)
        on_message(*self, std::string(self->channel_buffer.data(), n));
        read_channel(id);
    });
}

void pool_supervisor::read_output(std::uint32_t id) {
    auto* w = find(id);
    if (!w || !w->output) return;
    w->output->async_read_some(asio::buffer(w->output_buffer), [this, id](engine::io_error ec, std::size_t n) {
        auto* self = find(id);
        if (!self) return;
        const auto flush = [&](std::string_view line) {
            // Escaped (one log line per line) but never cut: the bound is max_output_line.
            spdlog::info("pool {}: worker {} output: {}", settings_.name, id, engine::log_text(line, max_output_line));
        };
        if (ec) {
            if (!self->partial_line.empty()) flush(self->partial_line);
            self->partial_line.clear();
            return;
        }
        // Extension output is logged line by line with the worker id, never truncated: a line
        // longer than the bound is logged in pieces.
        self->partial_line.append(self->output_buffer.data(), n);
        std::string_view rest(self->partial_line);
        for (auto nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
            flush(rest.substr(0, nl));
            rest.remove_prefix(nl + 1);
        }
        while (rest.size() >= max_output_line) {
            flush(rest.substr(0, max_output_line));
            rest.remove_prefix(max_output_line);
        }
        self->partial_line = std::string(rest);
        read_output(id);
    });
}

void pool_supervisor::read_last_messages(worker& w) {
    if (!w.channel) return;
    char buffer[max_message];
    for (ssize_t n; (n = ::recv(w.channel->native_handle(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0;) {
        const std::string message(buffer, static_cast<std::size_t>(n));
        if (message.starts_with("failed ")) w.start_error = message.substr(7);
    }
}

void pool_supervisor::on_message(worker& w, const std::string& message) {
    if (message == "ready") return on_ready(w);
    if (message.starts_with("failed ")) {
        w.start_error = message.substr(7);
        return;
    }
    if (message.starts_with("recycle ")) {
        const auto rest = std::string_view(message).substr(8);
        const auto space = rest.find(' ');
        const auto cause_text = rest.substr(0, space);
        const std::string reason(space == std::string_view::npos ? "" : rest.substr(space + 1));
        restart_cause cause = restart_cause::unhealthy;
        if (cause_text == to_string(restart_cause::max_requests)) cause = restart_cause::max_requests;
        return recycle(w, cause, reason);
    }
    if (message.starts_with(wine_crash_prefix)) {
        if (const auto crash = decode_wine_crash(message)) return windows_worker_crashed(w, *crash);
    }
    spdlog::warn("{}: unexpected message '{}'", who(w), engine::log_text(message));
}

void pool_supervisor::on_ready(worker& w) {
    if (w.state != phase::starting) return;
    w.state = phase::ready;
    spdlog::info("{}: ready ({}ms)", who(w),
                 std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - w.started).count());
    if (w.replaces) {
        if (auto* old = find(w.replaces); old && old->state == phase::ready && old->retire_cause)
            drain(*old, *old->retire_cause, old->retire_reason, drain_bound(context_));
    }
    // A new generation takes over only once all of it is ready: zero failed requests on reload.
    const bool generation_ready =
        std::none_of(workers_.begin(), workers_.end(), [this](const auto& p) {
            return p.second->generation == generation_ && p.second->state == phase::starting;
        });
    if (!generation_ready) return;
    if (reload_in_progress_) {
        reload_in_progress_ = false;
        for (auto& [id, other] : workers_)
            if (other->generation < generation_ && other->state == phase::ready)
                drain(*other, restart_cause::reload, fmt::format("generation {} is ready", generation_),
                      drain_bound(context_));
        spdlog::info("pool {}: generation {} serving", settings_.name, generation_);
        if (context_.on_progress) context_.on_progress();
    }
    if (!settled_) {
        settled_ = true;
        for (const auto* s : sockets_) spdlog::info("pool {}: listening on {}", settings_.name, s->local);
        if (context_.on_progress) context_.on_progress();
    }
}

void pool_supervisor::recycle(worker& w, restart_cause cause, std::string reason) {
    if (w.state != phase::ready || w.replaced_by || stopping_) return;
    if (w.generation != generation_) return;  // a reload replaces it already
    w.retire_cause = cause;
    w.retire_reason = reason;
    // Every slot taken (workers recycled moments ago still draining): it serves on, and is
    // recycled when one of them exits. Draining it without a replacement would leave the pool a
    // worker short for good: nothing starts one when a drained worker exits.
    auto* replacement = free_slot() ? spawn(w.id) : nullptr;
    if (!replacement) {
        if (!std::exchange(w.recycle_deferred, true))
            spdlog::info("{}: recycling ({}): {}; deferred until a draining worker exits (no free scoreboard "
                         "slot for its replacement)",
                         who(w), to_string(cause), reason);
        return;
    }
    spdlog::info("{}: recycling ({}): {}; worker {} starts first", who(w), to_string(cause), reason, replacement->id);
    w.recycle_deferred = false;
    w.replaced_by = replacement->id;
}

void pool_supervisor::recycle_deferred() {
    for (auto& [id, w] : workers_) {
        if (!w->recycle_deferred || !w->retire_cause) continue;
        recycle(*w, *w->retire_cause, w->retire_reason);
        if (w->recycle_deferred) return;  // still no free slot
    }
}

void pool_supervisor::drain(worker& w, restart_cause cause, std::string reason, std::chrono::milliseconds bound) {
    if (w.state == phase::draining) return;
    w.state = phase::draining;
    w.retire_cause = cause;
    w.retire_reason = reason;
    // The worker bounds its own drain by shutdown_timeout; the master kills it a little later.
    w.drain_deadline = clock::now() + bound + std::chrono::seconds(2);
    board_.slot(w.slot).state.store(static_cast<std::uint32_t>(slot_state::draining));
    if (cause != restart_cause::count) record_restart(board_.header(), cause, w.id, w.pid, reason);
    spdlog::info("{}: draining ({})", who(w), reason);
    // A worker whose threads are all stuck cannot serve what arrives on its kept connections:
    // it closes the idle ones at once rather than keep them for drain_grace.
    const char* message = cause == restart_cause::request_timeout ? "drain stuck" : "drain";
    if (!send_message(w.channel->native_handle(), message)) ::kill(w.pid, SIGTERM);
}

void pool_supervisor::tick() {
    const auto now = clock::now();
    const auto now_ms = monotonic_ms();
    for (auto& [id, w] : workers_) {
        if (w->state == phase::draining) {
            if (now > w->drain_deadline && !w->killed) {
                spdlog::warn("{}: still running {}ms after it was asked to drain; killing it", who(*w),
                             std::chrono::duration_cast<std::chrono::milliseconds>(now - w->drain_deadline).count() +
                                 drain_bound(context_).count());
                ::kill(w->pid, SIGKILL);
                w->killed = true;
            }
            continue;
        }
        if (w->state == phase::starting) {
            if (now - w->started > start_timeout && !w->killed) {
                spdlog::error("{}: not ready after {}s; killing it", who(*w), start_timeout.count());
                ::kill(w->pid, SIGKILL);
                w->killed = true;
            }
            continue;
        }
        const auto& slot = board_.slot(w->slot);
        const auto& p = settings_.process;
        if (p.max_rss) {
            // A worker's Windows workers (runtime: wine) are part of it: it starts and stops them,
            // and recycling it replaces them too (docs/wine.md).
            auto rss = resident_bytes(w->pid);
            std::uint64_t windows = 0;
            const auto extensions = std::min<std::uint32_t>(slot.extension_count.load(), max_extensions);
            for (std::uint32_t e = 0; e < extensions; ++e)
                if (const int pid = slot.windows_pid[e].load(); pid > 0) windows += resident_bytes(pid);
            rss += windows;
            if (rss > p.max_rss) {
                recycle(*w, restart_cause::max_rss,
                        windows ? fmt::format("resident memory {} bytes ({} of them its Windows workers') is above "
                                              "max_rss ({})", rss, windows, p.max_rss)
                                : fmt::format("resident memory {} bytes is above max_rss ({})", rss, p.max_rss));
                continue;
            }
        }
        if (p.recycle_interval.count() && now - w->started > p.recycle_interval) {
            recycle(*w, restart_cause::recycle_interval,
                    fmt::format("running longer than recycle_interval ({}s)",
                                std::chrono::duration_cast<std::chrono::seconds>(p.recycle_interval).count()));
            continue;
        }
        // isapi.request_timeout answers each request 504 (the ISAPI layer); the thread that ran it
        // may still be stuck in extension code, which only a new process cures.
        const auto request_timeout = settings_.isapi.request_timeout;
        if (request_timeout.count() && !w->replaced_by) {
            // Stuck: every extension thread has been inside extension code longer than request_timeout.
            const auto threads = slot.extension_threads.load();
            std::uint32_t stuck = 0;
            std::string example;
            for (const auto& t : slot.requests) {
                if (t.serial.load() == 0) continue;
                const auto since = t.in_code_since_ms.load();
                if (since && now_ms - since > request_timeout.count()) {
                    ++stuck;
                    if (example.empty()) {
                        const auto ext = t.extension.load();
                        const auto name_index = ext < max_extensions ? slot.extension_name_index[ext].load() : max_extensions;
                        example = fmt::format("{} in extension '{}'", t.line.load(),
                                              name_index < max_extensions ? board_.header().extension_names[name_index].load()
                                                                          : std::string("?"));
                    }
                }
            }
            if (threads && stuck >= std::min<std::uint32_t>(threads, max_tracked_requests)) {
                spdlog::error("{}: all {} extension threads are stuck past request_timeout ({}ms), e.g. {}", who(*w),
                              threads, request_timeout.count(), engine::log_text(example));
                w->retire_cause = restart_cause::request_timeout;
                w->retire_reason = fmt::format("all extension threads stuck past request_timeout, e.g. {}", example);
                if (auto* r = spawn(w->id)) w->replaced_by = r->id;
                // Its other requests get the chance to finish; the stuck ones will not.
                const auto bound = std::min(drain_bound(context_), request_timeout);
                if (!w->replaced_by) drain(*w, restart_cause::request_timeout, w->retire_reason, bound);
            }
        }
    }
}

void pool_supervisor::report_death(worker& w, int status) {
    if (WIFSIGNALED(status)) quarantine_crash(w);
    auto& slot = board_.slot(w.slot);
    std::string how;
    if (WIFSIGNALED(status)) {
        how = fmt::format("killed by {}{}", signal_name(WTERMSIG(status)), WCOREDUMP(status) ? " (core dumped)" : "");
    } else {
        how = fmt::format("exited with status {}", WEXITSTATUS(status));
    }
    std::string fault;
    if (const int sig = slot.fault_signal.load(std::memory_order_acquire)) {
        const auto pc = slot.fault_pc.load();
        std::string where = fmt::format("pc 0x{:x} outside the extensions", pc);
        for (std::uint32_t e = 0; e < slot.extension_count.load() && e < max_extensions; ++e) {
            const auto lo = slot.extension_lo[e].load(), hi = slot.extension_hi[e].load();
            if (pc >= lo && pc < hi) {
                const auto name_index = slot.extension_name_index[e].load();
                where = fmt::format("in extension '{}' (+0x{:x})",
                                    name_index < max_extensions ? board_.header().extension_names[name_index].load() : "?",
                                    pc - lo);
            }
        }
        fault = fmt::format("; {} at address 0x{:x}, {}", signal_name(sig), slot.fault_address.load(), where);
        if (const auto serial = slot.fault_serial.load()) {
            for (const auto& t : slot.requests)
                if (t.serial.load() == serial) {
                    const auto ext = t.extension.load();
                    const auto name_index = ext < max_extensions ? slot.extension_name_index[ext].load() : max_extensions;
                    fault += fmt::format(", while running {} (req={}) for extension '{}'", t.line.load(), serial,
                                         name_index < max_extensions ? board_.header().extension_names[name_index].load()
                                                                     : std::string("?"));
                }
        }
    }
    std::string in_flight;
    std::size_t count = 0;
    for (const auto& t : slot.requests) {
        // An entry whose request already ended (answered 504) is only its stuck thread.
        if (const auto serial = t.serial.load(); serial && (t.holders.load() & 1U)) {
            in_flight += fmt::format("{}{} (req={})", count ? ", " : "", t.line.load(), serial);
            ++count;
        }
    }
    // Before "ready" the worker was loading its extensions (DllMain, GetExtensionVersion), and
    // their address ranges were not recorded yet.
    const std::string detail =
        fmt::format("{}{}{}", how, fault, w.state == phase::starting ? " (while starting: loading its extensions)" : "");
    spdlog::error("{} {}; {} request(s) in flight failed{}{}{}", who(w), engine::log_text(detail, 1024), count,
                  count ? ": " : "", engine::log_text(in_flight, 4096),
                  settings_.process.core_dump_dir.empty() || !WCOREDUMP(status)
                      ? ""
                      : fmt::format("; core dump in {}", settings_.process.core_dump_dir));
    record_restart(board_.header(), WIFSIGNALED(status) ? restart_cause::crash : restart_cause::exit, w.id, w.pid,
                   detail + (count ? "; in flight: " + in_flight : ""));
}

void pool_supervisor::quarantine_crash(const worker& w) {
    const auto period = settings_.process.crash_quarantine;
    auto& slot = board_.slot(w.slot);
    if (period.count() <= 0 || slot.fault_signal.load(std::memory_order_acquire) == 0) return;
    // The faulting thread's request; when the thread ran none (a thread the extension started),
    // the requests then inside extension code are the suspects.
    const auto serial = slot.fault_serial.load();
    std::vector<const tracked_request*> culprits;
    for (const auto& t : slot.requests) {
        const auto s = t.serial.load();
        if (s == 0 || t.quarantine_key.load() == 0) continue;
        if (serial ? s == serial : t.in_code_since_ms.load() != 0) culprits.push_back(&t);
    }
    const auto until = monotonic_ms() + period.count();
    for (const auto* t : culprits) {
        const auto line = t->line.load();
        if (quarantine(board_.header(), t->quarantine_key.load(), line, until))
            spdlog::warn("pool {}: quarantined {} for {}s: it crashed worker {}; until then it is answered 500 "
                         "without running the extension (crash_quarantine)",
                         settings_.name, engine::log_text(line), period.count() / 1000, w.id);
    }
}

bool pool_supervisor::on_exit(pid_t pid, int status) {
    auto it = std::find_if(workers_.begin(), workers_.end(), [pid](const auto& p) { return p.second->pid == pid; });
    if (it == workers_.end()) return false;
    auto owned = std::move(it->second);
    workers_.erase(it);
    worker& w = *owned;
    const bool expected = w.state == phase::draining;
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    // Died inside an extension's DllMain or GetExtensionVersion: that extension is failed, the
    // pool is not (the replacement skips it), so it counts neither against rapid-fail
    // protection nor against a reload.
    const auto loading = board_.slot(w.slot).loading_extension.load(std::memory_order_acquire);
    const bool load_death = !expected && !stopping_ && w.state == phase::starting && loading != 0 &&
                            !(WIFEXITED(status) && WEXITSTATUS(status) == worker_fatal_exit);
    if (load_death) {
        report_death(w, status);
        quarantine_extension(w, status, loading - 1);
    } else if (expected) {
        if (clean) spdlog::info("{}: exited after draining", who(w));
        else report_death(w, status);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == worker_fatal_exit && w.state == phase::starting) {
        read_last_messages(w);
        const std::string cause = w.start_error.empty() ? std::string("see its messages above")
                                                        : engine::log_text(w.start_error, 400);
        if (!settled_) {
            spdlog::error("{}: could not start: {}", who(w), cause);
            fatal_ = true;
            settled_ = true;
        } else if (reload_in_progress_ && w.generation == generation_) {
            // reload_failed logs the one line, with the cause.
            reload_failed(fmt::format("worker {} of generation {} could not start: {}", w.id, generation_, cause));
        } else {
            spdlog::error("{}: could not start: {}", who(w), cause);
        }
    } else if (!stopping_) {
        report_death(w, status);
        if (reload_in_progress_ && w.generation == generation_ && w.state == phase::starting) {
            retire_slot(board_.header(), board_.slot(w.slot));
            reload_failed(fmt::format("worker {} of generation {} died before it was ready", w.id, generation_));
            return true;
        }
    }
    retire_slot(board_.header(), board_.slot(w.slot));
    if (w.replaced_by == 0 && w.replaces) {
        // A replacement died before taking over: its predecessor may be recycled again later.
        if (auto* old = find(w.replaces)) old->replaced_by = 0;
    }
    if (fatal_ && !stopping_) {
        if (context_.on_progress) context_.on_progress();
        return true;
    }
    if (!stopping_ && !stopped_) recycle_deferred();
    if (expected || stopping_ || stopped_) return true;
    if (load_death) {
        const bool predecessor_waiting = w.replaces && find(w.replaces);
        if (w.generation == generation_ && current_generation_count() < settings_.process.workers && !predecessor_waiting)
            spawn();
        return true;
    }
    // An unexpected death: count it against rapid-fail protection, then replace it at once.
    if (guard_.record_crash(clock::now())) {
        trip_rapid_fail();
        return true;
    }
    if (w.generation == generation_ && current_generation_count() < settings_.process.workers) {
        // Replacing a recycled worker's replacement is its predecessor's business.
        const bool predecessor_waiting = w.replaces && find(w.replaces);
        if (!predecessor_waiting) spawn();
    }
    return true;
}

void pool_supervisor::quarantine_extension(const worker& w, int status, std::uint32_t name_index) {
    if (name_index >= max_extensions) return;
    auto& header = board_.header();
    const std::string name = header.extension_names[name_index].load();
    std::string how;
    if (w.killed && w.state == phase::starting)
        how = fmt::format("it did not return within {}s", start_timeout.count());
    else if (WIFSIGNALED(status))
        how = fmt::format("the worker was killed by {}", signal_name(WTERMSIG(status)));
    else
        how = fmt::format("the worker exited with status {}", WEXITSTATUS(status));
    const std::string reason = fmt::format("worker {} died while loading it (DllMain or GetExtensionVersion): {}", w.id, how);
    if (header.extension_quarantined[name_index].exchange(1)) return;  // another worker said so already
    header.extension_load_error[name_index].store(reason);
    const auto& exts = settings_.isapi.extensions;
    const auto found = std::find_if(exts.begin(), exts.end(), [&](const auto& e) { return e.name == name; });
    spdlog::error("pool {}: extension '{}' ({}) failed to load: {}; the pool's next workers skip it and answer 500 "
                  "for its URLs",
                  settings_.name, name, found == exts.end() ? std::string("?") : found->path, reason);
}

void pool_supervisor::save_load_state() {
    auto& header = board_.header();
    previous_load_errors_.clear();
    previous_quarantined_.clear();
    previous_stop_reasons_.clear();
    windows_crashes_.reset();
    for (std::size_t i = 0; i < max_extensions; ++i) {
        previous_stop_reasons_.push_back(header.extension_stop_reason[i].load());
        header.extension_stop_reason[i].store("");
        previous_load_errors_.push_back(header.extension_load_error[i].load());
        previous_quarantined_.push_back(header.extension_quarantined[i].exchange(0));
        header.extension_load_error[i].store("");
    }
}

void pool_supervisor::restore_load_state() {
    auto& header = board_.header();
    for (std::size_t i = 0; i < max_extensions && i < previous_load_errors_.size(); ++i) {
        header.extension_load_error[i].store(previous_load_errors_[i]);
        header.extension_quarantined[i].store(previous_quarantined_[i]);
        if (i < previous_stop_reasons_.size()) header.extension_stop_reason[i].store(previous_stop_reasons_[i]);
    }
}

void pool_supervisor::windows_worker_crashed(const worker& w, const wine_crash_message& crash) {
    windows_crashes_.apply(settings_, board_.header(), w.id, crash);
}

void pool_supervisor::trip_rapid_fail() {
    const auto interval_s = std::chrono::duration_cast<std::chrono::seconds>(guard_.interval()).count();
    const auto reason = fmt::format("rapid-fail protection: {} worker failures within {}s", guard_.max_crashes(), interval_s);
    spdlog::critical("pool {}: {}; the pool is stopped (no worker is started again until a reload, SIGHUP); its "
                     "sockets are answered 503 meanwhile",
                     settings_.name, reason);
    stopped_ = true;
    settled_ = true;
    reload_in_progress_ = false;
    board_.header().stop_reason.store(reason);
    board_.header().state.store(static_cast<std::uint32_t>(pool_state::stopped));
    for (auto& [id, w] : workers_) {
        if (w->state == phase::starting) {
            ::kill(w->pid, SIGKILL);
            w->killed = true;
            w->state = phase::draining;
            w->drain_deadline = clock::now();
        } else {
            drain(*w, restart_cause::count, "its pool was stopped", drain_bound(context_));
        }
    }
    start_responder();
    if (context_.on_progress) context_.on_progress();
}

void pool_supervisor::start_responder() {
    if (responder_) return;
    try {
        responder_ = std::make_unique<stopped_pool_responder>(context_.io, settings_, board_, sockets_);
    } catch (const std::exception& e) {
        spdlog::error("pool {}: cannot answer 503 on its sockets: {}", settings_.name, e.what());
    }
}

void pool_supervisor::stop_responder() { responder_.reset(); }

void pool_supervisor::reload(config::pool_settings settings, std::vector<const open_socket*> sockets,
                             std::shared_ptr<int> config_fd) {
    previous_settings_ = settings_;
    previous_sockets_ = sockets_;
    previous_config_fd_ = config_fd_;
    if (settings.process.workers * 2 + 2 > board_.slot_count()) {
        spdlog::warn("pool {}: {} workers need a restart (at most {} until then)", settings.name,
                     settings.process.workers, (board_.slot_count() - 2) / 2);
        settings.process.workers = (board_.slot_count() - 2) / 2;
    }
    settings_ = std::move(settings);
    sockets_ = std::move(sockets);
    config_fd_ = std::move(config_fd);
    ++generation_;
    guard_ = rapid_fail_guard(settings_.process.rapid_fail_max_crashes, settings_.process.rapid_fail_interval);
    for (const auto& e : settings_.isapi.extensions) board_.extension_name_index(e.name);
    // The new generation loads every extension afresh (its files may have been fixed).
    save_load_state();
    auto& header = board_.header();
    header.generation.store(generation_);
    header.configured_workers.store(settings_.process.workers);
    if (stopped_) {
        spdlog::info("pool {}: restarting after rapid-fail protection stopped it", settings_.name);
        stopped_ = false;
        stop_responder();
        header.state.store(static_cast<std::uint32_t>(pool_state::running));
        header.stop_reason.store("");
    }
    reload_in_progress_ = true;
    for (unsigned i = 0; i < settings_.process.workers; ++i) spawn();
}

void pool_supervisor::reload_failed(const std::string& why) {
    spdlog::error("pool {}: reload failed: {}; generation {} keeps serving", settings_.name, why, generation_ - 1);
    set_reload_result(why);
    for (auto& [id, w] : workers_) {
        if (w->generation == generation_ && w->state != phase::draining) {
            drain(*w, restart_cause::count, "its generation failed to start", drain_bound(context_));
        }
    }
    restore_load_state();
    settings_ = previous_settings_;
    sockets_ = previous_sockets_;
    config_fd_ = previous_config_fd_;
    --generation_;
    board_.header().generation.store(generation_);
    board_.header().configured_workers.store(settings_.process.workers);
    reload_in_progress_ = false;
    if (context_.on_progress) context_.on_progress();
}

void pool_supervisor::set_reload_result(const std::string& error) {
    board_.header().reload_error.store(error);
    board_.header().reload_failed.store(error.empty() ? 0 : 1);
}

void pool_supervisor::stop(bool kill) {
    stopping_ = true;
    stop_responder();
    for (auto& [id, w] : workers_) {
        if (kill) {
            ::kill(w->pid, SIGKILL);
            w->killed = true;
            w->state = phase::draining;
        } else if (w->state == phase::starting) {
            ::kill(w->pid, SIGTERM);
            w->state = phase::draining;
            w->drain_deadline = clock::now() + drain_bound(context_);
        } else {
            drain(*w, restart_cause::count, "shutting down", drain_bound(context_));
        }
    }
}

void pool_supervisor::reopen_logs() {
    for (auto& [id, w] : workers_)
        if (w->channel) hand_log_files(w->channel->native_handle());
}

}  // namespace isapi_fcgi::ops
