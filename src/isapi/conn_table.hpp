#pragma once
// ConnID handles as extensions see them, and what is left of a request after it ended.
//
// A ConnID names a slot and the slot's generation: (generation << 32) | (slot + 1). It is never 0,
// and an ended request leaves a tombstone in its slot until the slot is reused, which happens
// oldest-first and only once `reuse_delay` other slots are free. So a stale or forged ConnID finds
// nothing live (ERROR_INVALID_PARAMETER) instead of another request, and the tombstone still
// tells whether a late HSE_REQ_DONE_WITH_SESSION is the one IIS tolerates (after a final
// HttpExtensionProc status) or a misuse. The extension's pointer is never dereferenced.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace isapi_fcgi::isapi {

class isapi_request;
class pool_host;

/// What a pool's shutdown does with a request still alive, without knowing isapi_request (which
/// knows the pool): the table hands out this view of each.
class live_request {
public:
    virtual pool_host& pool() const noexcept = 0;
    virtual std::uint64_t conn_id() const noexcept = 0;
    /// Fails every queued operation and wakes every waiting caller.
    virtual void abandon() = 0;

protected:
    ~live_request() = default;
};

class conn_table {
public:
    /// What a ConnID names.
    enum class state : std::uint8_t {
        unknown,            ///< never handed out, or its slot was reused
        live,               ///< a request in progress
        ended,              ///< the request ended after HSE_STATUS_PENDING + DONE_WITH_SESSION
        ended_not_pending,  ///< ended after a final status; one late DONE_WITH_SESSION is tolerated
    };
    struct lookup {
        state what = state::unknown;
        std::shared_ptr<isapi_request> request;  ///< set when live
    };

    static constexpr std::size_t reuse_delay = 4096;

    static conn_table& instance();

    /// `live`: the same request as a live_request, which live_requests() hands out (every
    /// request sets it; only the table's own tests store none).
    std::uint64_t add(std::shared_ptr<isapi_request> request, live_request* live = nullptr);
    lookup find(std::uint64_t conn_id) const;
    /// The request ended: its slot becomes a tombstone. `returned_pending` says which kind.
    void end(std::uint64_t conn_id, bool returned_pending);
    /// A DONE_WITH_SESSION for an ended ConnID: true once for an `ended_not_pending` tombstone
    /// (IIS answers TRUE and ignores it), false for every later call and every other state.
    bool take_late_done(std::uint64_t conn_id);
    /// Every live request, for failing what they wait on at shutdown.
    std::vector<std::shared_ptr<live_request>> live_requests() const;

private:
    struct slot {
        std::uint32_t generation = 0;
        state what = state::unknown;
        std::shared_ptr<isapi_request> request;
        live_request* live = nullptr;  // *request, seen as a live_request
    };
    /// The slot index `conn_id` names in its current generation, or -1. Caller holds mutex_.
    std::int64_t index_of(std::uint64_t conn_id) const noexcept;

    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::deque<std::uint32_t> free_;  // oldest ended first
};

}  // namespace isapi_fcgi::isapi
