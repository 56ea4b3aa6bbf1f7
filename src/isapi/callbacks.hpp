#pragma once
#include <isapi/httpext.h>

#include "isapi/ecb_builder.hpp"

namespace isapi_fcgi::isapi {

/// The four functions the ECB points to. Each resolves the ConnID through conn_table; a
/// stale or forged one gets FALSE with ERROR_INVALID_PARAMETER and a log line, never a crash.
struct callbacks {
    static BOOL WINAPI get_server_variable(HCONN conn, LPSTR name, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI write_client(HCONN conn, LPVOID buffer, LPDWORD bytes, DWORD flags);
    static BOOL WINAPI read_client(HCONN conn, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI server_support_function(HCONN conn, DWORD code, LPVOID buffer, LPDWORD size,
                                               LPDWORD data_type);
    /// The four, for an ECB.
    static constexpr ecb_functions table() noexcept {
        return {&get_server_variable, &write_client, &read_client, &server_support_function};
    }
};

}  // namespace isapi_fcgi::isapi
