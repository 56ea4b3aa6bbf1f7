#include "isapi/session_state.hpp"

namespace isapi_fcgi::isapi {

void session_state::proc_returned(bool pending) noexcept {
    proc_ = pending ? proc_phase::returned_pending : proc_phase::returned_final;
    returned_pending_ = pending;
}

session_state::done_result session_state::done_with_session() noexcept {
    if (proc_ == proc_phase::returned_final) {
        if (late_done_ || done_) return done_result::duplicate;  // one got TRUE already
        late_done_ = true;
        return done_result::not_pending;
    }
    if (done_) return done_result::duplicate;
    done_ = true;
    return done_result::accepted;
}

session_state::submit_result session_state::submit_async(bool strict) noexcept {
    if (outstanding_ > 0 && strict) return submit_result::refused;
    ++outstanding_;
    return outstanding_ == 1 ? submit_result::started : submit_result::queued;
}

void session_state::completion_started() noexcept {
    if (outstanding_ > 0) --outstanding_;
    in_completion_ = true;
}

bool session_state::extension_finished() const noexcept {
    return proc_ == proc_phase::returned_final || (proc_ == proc_phase::returned_pending && done_);
}

}  // namespace isapi_fcgi::isapi
