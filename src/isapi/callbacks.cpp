#include "isapi/callbacks.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "isapi/conn_registry.hpp"
#include "isapi/isapi_request.hpp"

namespace isapi_fcgi::isapi {
namespace {

std::shared_ptr<isapi_request> resolve(HCONN conn, const char* function) {
    auto request = conn_registry::instance().find(reinterpret_cast<std::uintptr_t>(conn));
    if (request) return request;
    // A storm of stale calls (a buggy extension thread looping) logs once a second.
    static std::atomic<std::int64_t> last_logged{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch() / std::chrono::seconds(1);
    if (last_logged.exchange(now) != now)
        spdlog::warn("{} called with an unknown or ended ConnID {}; answering FALSE", function,
                     reinterpret_cast<std::uintptr_t>(conn));
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
}

}  // namespace

BOOL WINAPI callbacks::get_server_variable(HCONN conn, LPSTR name, LPVOID buffer, LPDWORD size) {
    auto r = resolve(conn, "GetServerVariable");
    return r ? r->get_server_variable(name, buffer, size) : FALSE;
}

BOOL WINAPI callbacks::write_client(HCONN conn, LPVOID buffer, LPDWORD bytes, DWORD flags) {
    auto r = resolve(conn, "WriteClient");
    return r ? r->write_client(buffer, bytes, flags) : FALSE;
}

BOOL WINAPI callbacks::read_client(HCONN conn, LPVOID buffer, LPDWORD size) {
    auto r = resolve(conn, "ReadClient");
    return r ? r->read_client(buffer, size) : FALSE;
}

BOOL WINAPI callbacks::server_support_function(HCONN conn, DWORD code, LPVOID buffer, LPDWORD size,
                                               LPDWORD data_type) {
    auto r = resolve(conn, "ServerSupportFunction");
    return r ? r->server_support(code, buffer, size, data_type) : FALSE;
}

}  // namespace isapi_fcgi::isapi
