#pragma once
// The lifecycle of one ISAPI request (ISAPI.md §2.7, §2.8) as a pure state machine: what
// HttpExtensionProc returned, HSE_REQ_DONE_WITH_SESSION, asynchronous operations and their
// completions, and whether the response has ended. No I/O, no clock, no threads: the request
// feeds it events under its lock and acts on the queries.
//
// The rules it encodes:
// - the extension is finished with a request once HttpExtensionProc returned a final status, or
//   returned HSE_STATUS_PENDING and DONE_WITH_SESSION was called, in either order (DONE may come
//   before the proc has even returned);
// - one DONE_WITH_SESSION after a final status is tolerated (TRUE, ignored), unless one already
//   got TRUE (the extension's thread may call it while the proc is returning); any other is a
//   duplicate (FALSE, ERROR_INVALID_PARAMETER);
// - an asynchronous operation is outstanding from its submission until its completion callback
//   starts; a completion chaining the next operation is therefore not a second outstanding one;
// - the ECB is in use while a completion callback runs;
// - the response ends (END_REQUEST) once the extension is finished and nothing is outstanding or
//   running, unless it ended earlier (request_timeout, an over-long body, the queue timeout);
// - the request is torn down (ECB freed, ConnID ended) at that same point and never earlier,
//   even when the response ended long before.
#include <cstdint>

namespace isapi_fcgi::isapi {

class session_state {
public:
    enum class done_result {
        accepted,     ///< TRUE; the request ends once nothing is outstanding
        not_pending,  ///< HttpExtensionProc returned a final status: TRUE, ignored, logged once
        duplicate,    ///< a second DONE_WITH_SESSION: FALSE with ERROR_INVALID_PARAMETER
    };
    enum class submit_result {
        started,  ///< nothing else outstanding
        queued,   ///< behind an outstanding operation (ISAPI forbids it; IIS accepts it)
        refused,  ///< strict mode: FALSE with ERROR_INVALID_PARAMETER
    };

    /// HttpExtensionProc is about to be called.
    void proc_started() noexcept { proc_ = proc_phase::running; }
    /// HttpExtensionProc returned; `pending` when it returned HSE_STATUS_PENDING.
    void proc_returned(bool pending) noexcept;
    /// The extension will never be called (queue timeout, failed GetExtensionVersion, an
    /// answer given before it ran): the request is finished as if it had returned at once.
    void proc_skipped() noexcept { proc_ = proc_phase::returned_final; }
    done_result done_with_session() noexcept;

    submit_result submit_async(bool strict) noexcept;
    /// An accepted operation's completion callback starts, or (no callback registered any more)
    /// would have started.
    void completion_started() noexcept;
    void completion_finished() noexcept { in_completion_ = false; }

    /// END_REQUEST went out, or the connection was closed for the request.
    void response_ended() noexcept { response_ended_ = true; }
    void torn_down() noexcept { torn_down_ = true; }

    bool proc_running() const noexcept { return proc_ == proc_phase::running; }
    bool returned_pending() const noexcept { return returned_pending_; }
    /// Some DONE_WITH_SESSION got TRUE: the accepted one, or the one tolerated after a final
    /// status. Any later one is a duplicate, even once the request is gone.
    bool done_taken() const noexcept { return done_ || late_done_; }
    bool extension_finished() const noexcept;
    bool quiescent() const noexcept { return outstanding_ == 0 && !in_completion_; }
    std::uint32_t outstanding() const noexcept { return outstanding_; }
    bool response_has_ended() const noexcept { return response_ended_; }
    bool is_torn_down() const noexcept { return torn_down_; }

    /// Time to send the end of the response.
    bool should_end_response() const noexcept {
        return extension_finished() && quiescent() && !response_ended_;
    }
    /// Time to free the ECB and end the ConnID.
    bool should_tear_down() const noexcept {
        return extension_finished() && quiescent() && !torn_down_;
    }

private:
    enum class proc_phase : std::uint8_t { not_called, running, returned_pending, returned_final };

    proc_phase proc_ = proc_phase::not_called;
    bool returned_pending_ = false;
    bool done_ = false;
    bool late_done_ = false;
    bool in_completion_ = false;
    bool response_ended_ = false;
    bool torn_down_ = false;
    std::uint32_t outstanding_ = 0;
};

}  // namespace isapi_fcgi::isapi
