#include "filters/filter_session.hpp"

#include <deque>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "filters/filter_callbacks.hpp"

namespace isapi_fcgi::filters {
namespace {

// Every live HTTP_FILTER_CONTEXT, so a callback never dereferences a pointer a filter handed
// back before knowing it is ours and alive.
struct slot_registry {
    std::mutex mutex;
    std::unordered_map<const HTTP_FILTER_CONTEXT*, filter_session::context_slot*> live;
    // Contexts of ended sessions, kept allocated (oldest freed first) so that a filter calling
    // through a pfc it kept reads our function pointers, which refuse it, not freed memory.
    std::deque<std::unique_ptr<filter_session::context_slot>> retired;
};

constexpr std::size_t retired_contexts_kept = 4096;

slot_registry& registry() {
    static slot_registry instance;
    return instance;
}

constexpr std::uint32_t reported_invalid_status = 1u << 0;
constexpr std::uint32_t reported_exception = 1u << 1;

}  // namespace

filter_session::filter_session(const filter_chain& chain, std::uint64_t connection_id, bool secure)
    : chain_(chain), connection_id_(connection_id), secure_(secure) {
    slots_.reserve(chain.filters().size());
    for (std::size_t i = 0; i < chain.filters().size(); ++i) {
        auto slot = std::make_unique<context_slot>();
        slot->session = this;
        slot->filter_index = i;
        HTTP_FILTER_CONTEXT& pfc = slot->pfc;
        pfc.cbSize = sizeof(HTTP_FILTER_CONTEXT);
        pfc.Revision = HTTP_FILTER_REVISION;
        pfc.ServerContext = slot.get();
        pfc.fIsSecurePort = secure ? TRUE : FALSE;
        pfc.GetServerVariable = filter_callbacks::get_server_variable;
        pfc.AddResponseHeaders = filter_callbacks::add_response_headers;
        pfc.WriteClient = filter_callbacks::write_client;
        pfc.AllocMem = filter_callbacks::alloc_mem;
        pfc.ServerSupportFunction = filter_callbacks::server_support_function;
        slots_.push_back(std::move(slot));
    }
    const std::lock_guard lock(registry().mutex);
    for (const auto& slot : slots_) registry().live.emplace(&slot->pfc, slot.get());
}

filter_session::~filter_session() {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const auto& filter = *chain_.filters()[i];
        if (!wants(filter.registration(), filter_event::end_of_net_session, secure_)) continue;
        try {
            filter.call(&slots_[i]->pfc, filter_event::end_of_net_session, nullptr);
        } catch (...) {
            if (filter.first_report(reported_exception))
                spdlog::error("filter '{}': HttpFilterProc threw an exception for SF_NOTIFY_END_OF_NET_SESSION",
                              filter.name());
        }
    }
    const std::lock_guard lock(registry().mutex);
    auto& r = registry();
    for (auto& slot : slots_) {
        r.live.erase(&slot->pfc);
        slot->session = nullptr;
        r.retired.push_back(std::move(slot));
    }
    while (r.retired.size() > retired_contexts_kept) r.retired.pop_front();
}

filter_session::context_slot* filter_session::find_slot(HTTP_FILTER_CONTEXT* pfc) noexcept {
    const std::lock_guard lock(registry().mutex);
    const auto it = registry().live.find(pfc);
    return it == registry().live.end() ? nullptr : it->second;
}

void* filter_session::allocate(DWORD size) {
    blocks_.push_back(std::make_unique<unsigned char[]>(size == 0 ? 1 : size));
    return blocks_.back().get();
}

chain_result filter_session::notify(filter_event event, void* notification, filter_request& request) {
    current_ = &request;
    request.disabled_notifications.resize(slots_.size(), 0);
    chain_result result;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const auto& filter = *chain_.filters()[i];
        if (!wants(filter.registration(), event, secure_)) continue;
        if ((request.disabled_notifications[i] & notification_flag(event)) != 0) continue;
        filter_outcome outcome = filter_outcome::error;
        try {
            const DWORD status = filter.call(&slots_[i]->pfc, event, notification);
            outcome = outcome_of(status, event);
            if (outcome == filter_outcome::invalid && filter.first_report(reported_invalid_status))
                spdlog::error("filter '{}': HttpFilterProc returned {:#x} for {}, which is no SF_STATUS_REQ_* "
                              "value for it: treated as SF_STATUS_REQ_ERROR",
                              filter.name(), status, event_name(event));
        } catch (...) {
            if (filter.first_report(reported_exception))
                spdlog::error("filter '{}': HttpFilterProc threw an exception for {}: treated as SF_STATUS_REQ_ERROR",
                              filter.name(), event_name(event));
        }
        if (!continues_chain(outcome)) {
            result = {outcome, &filter};
            break;
        }
    }
    current_ = nullptr;
    return result;
}

}  // namespace isapi_fcgi::filters
