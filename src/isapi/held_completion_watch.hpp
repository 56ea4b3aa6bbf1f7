#pragma once
// A completion whose operation finishes while the request's HttpExtensionProc is still running
// is held, and runs on the proc's own thread once the proc returns: posting it would wake a
// second extension thread only for it to wait for the first to let go (a hello with
// HSE_STATUS_PENDING would cost twice the thread hops of a synchronous one).
//
// IIS runs completions on other threads, so an extension may wait inside HttpExtensionProc for
// its own completion. This watch is the way out: a holder still holding `grace` after its first
// held completion is told to release them to its strand, as any other completion.
//
// Lock order: a holder's lock, then the watch's. The watch never holds its own lock while it
// calls a holder.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>

namespace isapi_fcgi::isapi {

class held_completion_watch {
public:
    using clock = std::chrono::steady_clock;

    class holder {
    public:
        /// On the watch's thread: post what is held and hold nothing more this proc.
        virtual void release_held_completions() = 0;

    protected:
        virtual ~holder() = default;
    };

    /// `idle_after`: how long the watch keeps waking every grace after its last entry, before it
    /// sleeps until the next one (which then costs it a notification).
    explicit held_completion_watch(clock::duration grace,
                                   clock::duration idle_after = std::chrono::milliseconds(200));
    ~held_completion_watch();
    held_completion_watch(const held_completion_watch&) = delete;
    held_completion_watch& operator=(const held_completion_watch&) = delete;

    /// Any thread, typically under the holder's lock: release `who` after grace unless it is
    /// forgotten first.
    void watch(holder& who);
    /// Not under the holder's lock: once this returns the watch never calls `who` again.
    void forget(holder& who);

private:
    struct entry {
        holder* who;
        clock::time_point due;
    };

    void run(std::stop_token stop);
    /// Pops the first entry due by `now`, or returns nullptr.
    holder* take_due(clock::time_point now);

    const clock::duration grace_;
    const clock::duration idle_after_;
    std::mutex mutex_;
    std::condition_variable_any changed_;
    std::deque<entry> entries_;  // in due order: every entry waits the same grace
    holder* releasing_ = nullptr;
    /// When the thread wakes next on its own; max while it sleeps until notified. A busy watch
    /// wakes every grace, so entries added meanwhile cost no notification.
    clock::time_point wakes_at_ = clock::time_point::max();
    std::jthread thread_;  // last: started once the rest exists
};

}  // namespace isapi_fcgi::isapi
