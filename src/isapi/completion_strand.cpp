#include "isapi/completion_strand.hpp"

#include <utility>

namespace isapi_fcgi::isapi {

completion_strand::strand_type& completion_strand::strand() {
    if (!strand_) strand_.emplace(boost::asio::make_strand(*threads_));
    return *strand_;
}

completion_strand::hold_result completion_strand::hold(completion_target target, op_result result) {
    if (!holding_) return hold_result::not_holding;
    held_.push_back({target, result});
    return std::exchange(hold_watched_, true) ? hold_result::held : hold_result::held_first;
}

completion_strand::proc_returned_result completion_strand::proc_returned() {
    proc_returned_result r;
    r.watched = hold_watched_;
    r.held = holding_ && !held_.empty();
    if (!r.held) holding_ = false;
    if (r.held) strand();  // created under the lock, dispatched to outside it
    return r;
}

std::vector<completion_strand::held_completion> completion_strand::take_held() {
    if (held_.empty()) holding_ = false;
    return std::exchange(held_, {});
}

}  // namespace isapi_fcgi::isapi
