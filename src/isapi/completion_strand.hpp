#pragma once
// Where one request's I/O completions run (docs/architecture.md, "Operations"): the callback
// HSE_REQ_IO_COMPLETION registered (or an operation's own), on the request's strand on the
// extension pool, created on first use, so completions of one request never overlap and never
// run inside the call that started their operation. One that finishes while HttpExtensionProc
// runs is held for the proc's thread to run once the proc returns (held_completion_watch lets
// go of a proc that waits for its own completion).
//
// Locking: no lock of its own. Every member runs under the owning request's mutex, as when this
// state was the request's own; the request posts to strand() and runs the callbacks outside it.
// The contract is unchanged: completions of one request are serialized on its strand, and a held
// one runs on that strand too (dispatched from the proc's thread, or posted by the watch).
#include <optional>
#include <vector>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "isapi/io_operation.hpp"

namespace isapi_fcgi::isapi {

class completion_strand {
public:
    using strand_type = boost::asio::strand<boost::asio::thread_pool::executor_type>;
    struct held_completion {
        completion_target target;
        op_result result;
    };

    explicit completion_strand(boost::asio::thread_pool& threads) : threads_(&threads) {}

    /// HSE_REQ_IO_COMPLETION.
    void register_callback(completion_target target) noexcept { registered_ = target; }
    /// The callback a completion for `target` runs: its own, else the registered one.
    completion_target resolve(completion_target target) const noexcept {
        return target.callback ? target : registered_;
    }
    /// The strand, created on first use (a synchronous request never needs one).
    strand_type& strand();
    bool has_strand() const noexcept { return strand_.has_value(); }

    /// From HttpExtensionProc's start: completions are held until it returns.
    void start_holding() noexcept { holding_ = true; }
    enum class hold_result { not_holding, held, held_first };
    /// Keeps the completion while holding (held_first: the watch must learn of the request).
    hold_result hold(completion_target target, op_result result);
    struct proc_returned_result {
        bool watched = false;  // the watch knows the request: forget it, outside the lock
        bool held = false;     // held completions wait for drain(), on the strand
    };
    /// After HttpExtensionProc returned. Holding stays on while something is held, until the drain
    /// has run it; the strand then exists.
    proc_returned_result proc_returned();
    /// The held completions, in order; none: holding ends.
    std::vector<held_completion> take_held();
    /// The watch lets go of the proc: nothing more is held this proc. True when something is held.
    bool release() noexcept {
        holding_ = false;
        return !held_.empty();
    }

private:
    boost::asio::thread_pool* threads_;
    std::optional<strand_type> strand_;
    completion_target registered_;
    std::vector<held_completion> held_;  // finished while the proc ran
    bool holding_ = false;  // from the proc's start until the watch releases or the drain ends
    bool hold_watched_ = false;
};

}  // namespace isapi_fcgi::isapi
