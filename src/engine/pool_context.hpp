#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/options.hpp"

namespace isapi_fcgi::engine {

class request_handler;

/// Counters of one pool in this process; read by status reporting, written from I/O threads.
struct pool_stats {
    std::atomic<std::uint64_t> accepted_connections{0};
    std::atomic<std::uint64_t> active_connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> overload_rejections{0};
    std::atomic<std::uint64_t> discarded_records{0};
    std::atomic<std::uint64_t> protocol_errors{0};
    std::atomic<std::uint64_t> refused_clients{0};
};

/// What every connection of a pool shares. Immutable after start-up except the counters.
struct pool_context {
    pool_options options;
    std::shared_ptr<request_handler> handler;  ///< never null
    std::string ping_response;                 ///< rendered once: the whole CGI response
    pool_stats stats;
};

}  // namespace isapi_fcgi::engine
