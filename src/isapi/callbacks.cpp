#include "isapi/callbacks.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "isapi/call_result.hpp"
#include "isapi/conn_table.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/support_functions.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// At most one line a second: a buggy extension thread looping on a stale ConnID must not
/// flood the log.
bool log_allowed(std::atomic<std::int64_t>& last_logged) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch() / std::chrono::seconds(1);
    return last_logged.exchange(now) != now;
}

std::shared_ptr<isapi_request> resolve(HCONN conn, const char* function) {
    const auto id = reinterpret_cast<std::uintptr_t>(conn);
    auto found = conn_table::instance().find(id);
    if (found.request) return found.request;
    static std::atomic<std::int64_t> last_logged{0};
    if (log_allowed(last_logged))
        spdlog::warn("{} called with {} ConnID {:#x}; answering FALSE/ERROR_INVALID_PARAMETER", function,
                     found.what == conn_table::state::unknown ? "an unknown" : "an ended", id);
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
}

}  // namespace

BOOL WINAPI callbacks::get_server_variable(HCONN conn, LPSTR name, LPVOID buffer, LPDWORD size) {
    auto r = resolve(conn, "GetServerVariable");
    if (!r) return FALSE;
    if (!size) return to_bool(call_failed(ERROR_INVALID_PARAMETER));
    std::uint32_t n = *size;
    const auto result = r->get_server_variable(name, static_cast<char*>(buffer), n);
    *size = n;
    return to_bool(result);
}

BOOL WINAPI callbacks::write_client(HCONN conn, LPVOID buffer, LPDWORD bytes, DWORD flags) {
    auto r = resolve(conn, "WriteClient");
    if (!r) return FALSE;
    if (!bytes || (*bytes && !buffer)) return to_bool(call_failed(ERROR_INVALID_PARAMETER));
    return to_bool(r->write_client({static_cast<const char*>(buffer), *bytes}, (flags & HSE_IO_ASYNC) != 0));
}

BOOL WINAPI callbacks::read_client(HCONN conn, LPVOID buffer, LPDWORD size) {
    auto r = resolve(conn, "ReadClient");
    if (!r) return FALSE;
    if (!size || (*size && !buffer)) return to_bool(call_failed(ERROR_INVALID_PARAMETER));
    std::uint32_t read = 0;
    const auto result = r->read_client({static_cast<std::byte*>(buffer), *size}, read);
    if (*size) *size = read;
    return to_bool(result);
}

BOOL WINAPI callbacks::server_support_function(HCONN conn, DWORD code, LPVOID buffer, LPDWORD size,
                                               LPDWORD data_type) {
    // IIS tolerates one DONE_WITH_SESSION for a request whose HttpExtensionProc returned a final
    // status, even after the request ended (ISAPI.md §2.8); the tombstone remembers it.
    if (code == HSE_REQ_DONE_WITH_SESSION &&
        conn_table::instance().take_late_done(reinterpret_cast<std::uintptr_t>(conn))) {
        static std::atomic<std::int64_t> last_logged{0};
        if (log_allowed(last_logged))
            spdlog::info("DONE_WITH_SESSION for ConnID {:#x}, whose HttpExtensionProc did not return "
                         "HSE_STATUS_PENDING; ignored", reinterpret_cast<std::uintptr_t>(conn));
        return TRUE;
    }
    auto r = resolve(conn, "ServerSupportFunction");
    return r ? isapi::server_support_function(*r, code, buffer, size, data_type) : FALSE;
}

}  // namespace isapi_fcgi::isapi
