#pragma once
// One client connection's filter state in this worker: an HTTP_FILTER_CONTEXT per filter (its
// pFilterContext survives across the connection's requests), the AllocMem blocks (freed with the
// session), and the dispatch of one event through the chain with IIS's status rules.
//
// A filter's callbacks find their session through pfc->ServerContext, which is looked up in a
// registry of live contexts first: a stale or forged pfc gets FALSE with
// ERROR_INVALID_PARAMETER, never a crash.
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <isapi/httpfilt.h>

#include "filters/filter_chain.hpp"
#include "filters/filter_request.hpp"

namespace isapi_fcgi::filters {

struct chain_result {
    filter_outcome outcome = filter_outcome::next;
    const filter_library* decided_by = nullptr;  ///< the filter that stopped the chain, if any
};

class filter_session {
public:
    filter_session(const filter_chain& chain, std::uint64_t connection_id, bool secure);
    /// Raises SF_NOTIFY_END_OF_NET_SESSION for the filters that registered it, then frees every
    /// AllocMem block and retires the contexts (their callbacks answer FALSE from then on).
    ~filter_session();
    filter_session(const filter_session&) = delete;
    filter_session& operator=(const filter_session&) = delete;

    /// Calls every filter that registered `event` (and has not disabled it for this request), in
    /// chain order, until one does not answer SF_STATUS_REQ_NEXT_NOTIFICATION. `notification` is
    /// the event's structure (HTTP_FILTER_PREPROC_HEADERS...), or null where the SDK has none.
    /// One request's notifications at a time: a session is never notified concurrently.
    chain_result notify(filter_event event, void* notification, filter_request& request);

    std::uint64_t connection_id() const noexcept { return connection_id_; }

    // ---- for the callbacks (filter_callbacks.cpp) ---------------------------------------------
    struct context_slot {
        HTTP_FILTER_CONTEXT pfc;
        filter_session* session;
        std::size_t filter_index;
    };
    /// The live slot `pfc` belongs to, or null.
    static context_slot* find_slot(HTTP_FILTER_CONTEXT* pfc) noexcept;
    /// The request being notified, or null outside a notification.
    filter_request* current_request() const noexcept { return current_; }
    void* allocate(DWORD size);
    const filter_library& filter(std::size_t index) const { return *chain_.filters()[index]; }

private:
    const filter_chain& chain_;
    std::uint64_t connection_id_;
    bool secure_;
    std::vector<std::unique_ptr<context_slot>> slots_;
    std::vector<std::unique_ptr<unsigned char[]>> blocks_;
    filter_request* current_ = nullptr;
};

}  // namespace isapi_fcgi::filters
