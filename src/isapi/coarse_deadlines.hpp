#pragma once
// Far deadlines of many requests on one io_context, checked once a second by a single timer
// (an Asio service, so it lives exactly as long as the io_context). A request whose next
// deadline is more than `horizon` away registers here instead of arming its own request_timer:
// that arm, its cancellation and the cancelled wait's completion through the strand cost more
// than the rest of a small request's bookkeeping, and nearly every request ends long before its
// queue_timeout or request_timeout. When a registered deadline comes within `horizon`, the owner's
// on_deadline() is posted to its strand; finding nothing due yet, it arms its precise
// request_timer, so a deadline fires as exactly as before.
//
// Thread-safety: add() and remove() run on any thread (the request's strand, or its destructor);
// the tick runs on an I/O thread. One mutex guards the list and the service's timer.
#include <chrono>
#include <memory>
#include <mutex>

#include "engine/asio.hpp"
#include "isapi/request_timer.hpp"

namespace isapi_fcgi::isapi {

class coarse_deadlines final : public engine::asio::execution_context::service {
public:
    using clock = std::chrono::steady_clock;
    inline static engine::asio::execution_context::id id;
    static constexpr clock::duration tick = std::chrono::seconds(1);
    /// Deadlines nearer than this are armed precisely: two ticks, so a registered one is handed
    /// back to its owner at least a tick before it is due.
    static constexpr clock::duration horizon = 2 * tick;

    /// One owner's registration, held by the owner (no allocation per request). Unlinked by the
    /// tick once handed back, or by remove(); the owner removes it before it is destroyed.
    class entry {
    public:
        entry(std::weak_ptr<deadline_owner> owner, engine::strand_type strand)
            : owner_(std::move(owner)), strand_(std::move(strand)) {}
        entry(const entry&) = delete;
        entry& operator=(const entry&) = delete;

    private:
        friend class coarse_deadlines;
        std::weak_ptr<deadline_owner> owner_;
        engine::strand_type strand_;
        clock::time_point when_{};
        entry* prev_ = nullptr;
        entry* next_ = nullptr;
        bool linked_ = false;
    };

    explicit coarse_deadlines(engine::asio::execution_context& context);
    ~coarse_deadlines() override;

    /// (Re)registers `e` for `when` (more than `horizon` away).
    void add(entry& e, clock::time_point when);
    /// Unregisters `e`, if it still is.
    void remove(entry& e) noexcept;

private:
    void shutdown() override;
    void arm_tick(std::unique_lock<std::mutex>& lock);
    void on_tick();
    void unlink(entry& e) noexcept;

    std::mutex mutex_;
    engine::asio::steady_timer timer_;  // under mutex_
    entry* head_ = nullptr;
    bool ticking_ = false;
    bool stopped_ = false;
};

}  // namespace isapi_fcgi::isapi
