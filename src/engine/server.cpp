#include "engine/server.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <atomic>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "engine/asio.hpp"
#include "engine/connection_registry.hpp"
#include "engine/listener.hpp"
#include "engine/not_found_handler.hpp"
#include "engine/pool_context.hpp"
#include "engine/simple_response.hpp"

namespace isapi_fcgi::engine {

class server::impl {
public:
    impl(const server_options& options, std::shared_ptr<request_handler> handler)
        : registry_(std::make_shared<connection_registry>()) {
        // spdlog creates its registry on first use, inside the (uninstrumented) shared library;
        // doing that here, before any I/O thread exists, orders it before every log call.
        spdlog::default_logger_raw();
        if (!handler) handler = std::make_shared<not_found_handler>();
        for (const auto& pool_options : options.pools) {
            auto pool = std::make_shared<pool_context>();
            pool->options = pool_options;
            pool->handler = handler;
            pool->ping_response = make_simple_response(200, pool_options.ping_response, {}, "text/plain");
            threads_ = std::max(threads_, thread_count(pool_options.io_threads));
            for (const auto& address : pool_options.listen)
                listeners_.push_back(std::make_shared<listener>(io_, pool, registry_, address));
            pools_.push_back(std::move(pool));
        }
    }

    void run() {
        for (auto& l : listeners_) l->start();
        std::vector<std::thread> extra;
        for (unsigned i = 1; i < threads_; ++i) extra.emplace_back([this] { io_.run(); });
        io_.run();
        for (auto& t : extra) t.join();
        finish_drain();
        for (auto& pool : pools_) pool->handler->server_stopped();
    }

    ~impl() {
        finish_drain();
        for (auto& l : listeners_) l->close();
    }

    /// Stops accepting and closes every connection; run() returns once the requests still held
    /// by the layer above have ended, or after drain_timeout at the latest.
    void stop() {
        if (stopping_.exchange(true)) return;
        asio::post(io_, [this] {
            for (auto& l : listeners_) l->stop_accepting();
            cancel_signals();
            drain_timer_.cancel();
            registry_->close_all();
        });
        start_watchdog(drain_timeout);
    }

    void drain(std::chrono::milliseconds timeout, bool serve_kept_connections = true) {
        if (stopping_.load() || draining_.exchange(true)) return;
        asio::post(io_, [this, serve_kept_connections] {
            for (auto& l : listeners_) l->stop_accepting();
            registry_->drain_all(serve_kept_connections);
            check_drained();
        });
        std::lock_guard lock(drain_mutex_);
        if (drained_ || drain_watchdog_.joinable()) return;
        drain_watchdog_ = std::thread([this, timeout] {
            std::unique_lock wait_lock(drain_mutex_);
            if (!drain_done_.wait_for(wait_lock, timeout, [this] { return drained_; })) {
                wait_lock.unlock();
                spdlog::warn("requests still running {}ms after the drain began; closing their connections",
                             timeout.count());
                stop();
            }
        });
    }

    void stop_on_signals(std::chrono::milliseconds graceful, std::function<void()> on_reopen) {
        on_reopen_ = std::move(on_reopen);
        graceful_timeout_ = graceful;
        signals_.emplace(io_, SIGINT, SIGTERM, SIGQUIT);
        if (on_reopen_) signals_->add(SIGUSR1);
        wait_signal();
    }

    /// The signal wait is re-armed by its handler on one I/O thread while check_drained may
    /// cancel it from another: both under signal_mutex_, and no re-arm once cancelled.
    void cancel_signals() {
        std::lock_guard lock(signal_mutex_);
        signals_done_ = true;
        if (signals_) signals_->cancel();
    }

    void wait_signal() {
        std::lock_guard lock(signal_mutex_);
        if (signals_done_) return;
        signals_->async_wait([this](io_error ec, int signal) {
            if (ec) return;
            if (signal == SIGUSR1) {
                spdlog::info("received SIGUSR1; reopening log files");
                on_reopen_();
            } else if (!draining_.load()) {
                spdlog::info("received signal {}; finishing the requests in progress (a second signal stops at once)",
                             signal);
                drain(graceful_timeout_);
            } else {
                spdlog::info("received signal {} again; stopping now", signal);
                stop();
                return;
            }
            wait_signal();
        });
    }

    /// While draining, on the io_context: once no connection is left, and none can still arrive
    /// from an accept that completed as the listeners closed, nothing but the signal wait keeps
    /// run() going; cancel it so run() returns.
    void check_drained() {
        if (stopping_.load()) return;
        const bool accepts_settled = std::all_of(listeners_.begin(), listeners_.end(), [](const auto& l) { return l->settled(); });
        if (accepts_settled && registry_->empty()) {
            cancel_signals();
            return;
        }
        drain_timer_.expires_after(std::chrono::milliseconds(20));
        drain_timer_.async_wait([this](io_error ec) {
            if (!ec) check_drained();
        });
    }

    void start_watchdog(std::chrono::seconds bound) {
        std::lock_guard lock(drain_mutex_);
        if (drained_ || watchdog_.joinable()) return;
        watchdog_ = std::thread([this, bound] {
            std::unique_lock wait_lock(drain_mutex_);
            if (!drain_done_.wait_for(wait_lock, bound, [this] { return drained_; })) {
                spdlog::warn("requests still running {}s after stop; stopping the I/O threads", bound.count());
                io_.stop();
            }
        });
    }

    /// The I/O threads are done (or never ran): release the drain watchdog.
    void finish_drain() {
        std::thread watchdog, drain_watchdog;
        {
            std::lock_guard lock(drain_mutex_);
            drained_ = true;
            watchdog = std::move(watchdog_);
            drain_watchdog = std::move(drain_watchdog_);
        }
        drain_done_.notify_all();
        if (drain_watchdog.joinable()) drain_watchdog.join();
        // The drain watchdog may have started the stop watchdog just before it was released.
        {
            std::lock_guard lock(drain_mutex_);
            if (!watchdog.joinable()) watchdog = std::move(watchdog_);
        }
        if (watchdog.joinable()) watchdog.join();
    }

    std::vector<std::string> local_addresses() const {
        std::vector<std::string> out;
        for (const auto& l : listeners_) out.push_back(l->local_address());
        return out;
    }

private:
    static unsigned thread_count(unsigned configured) {
        if (configured) return configured;
        return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    }

    asio::io_context io_;
    std::shared_ptr<connection_registry> registry_;
    std::vector<std::shared_ptr<pool_context>> pools_;
    std::vector<std::shared_ptr<listener>> listeners_;
    std::optional<asio::signal_set> signals_;
    asio::steady_timer drain_timer_{io_};
    std::function<void()> on_reopen_;
    std::chrono::milliseconds graceful_timeout_{std::chrono::seconds(10)};
    unsigned threads_ = 1;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> draining_{false};
    std::thread drain_watchdog_;
    std::mutex signal_mutex_;
    bool signals_done_ = false;
    static constexpr std::chrono::seconds drain_timeout{10};
    std::thread watchdog_;
    std::mutex drain_mutex_;
    std::condition_variable drain_done_;
    bool drained_ = false;
};

server::server(const server_options& options, std::shared_ptr<request_handler> handler)
    : impl_(std::make_unique<impl>(options, std::move(handler))) {}

server::~server() = default;
void server::run() { impl_->run(); }
void server::stop() { impl_->stop(); }
void server::drain(std::chrono::milliseconds timeout, bool serve_kept_connections) {
    impl_->drain(timeout, serve_kept_connections);
}
void server::stop_on_signals(std::chrono::milliseconds drain_timeout, std::function<void()> on_reopen) {
    impl_->stop_on_signals(drain_timeout, std::move(on_reopen));
}
std::vector<std::string> server::local_addresses() const { return impl_->local_addresses(); }

}  // namespace isapi_fcgi::engine
