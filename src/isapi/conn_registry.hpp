#pragma once
// ConnID handles as extensions see them. A ConnID is a 64-bit serial that is never reused, so a
// stale or forged handle finds nothing (ERROR_INVALID_PARAMETER) instead of another request;
// the extension's pointer is never dereferenced.
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace isapi_fcgi::isapi {

class isapi_request;

class conn_registry {
public:
    static conn_registry& instance();
    std::uint64_t add(std::shared_ptr<isapi_request> request);
    std::shared_ptr<isapi_request> find(std::uint64_t conn_id);
    void remove(std::uint64_t conn_id);

private:
    std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::unordered_map<std::uint64_t, std::shared_ptr<isapi_request>> live_;
};

}  // namespace isapi_fcgi::isapi
