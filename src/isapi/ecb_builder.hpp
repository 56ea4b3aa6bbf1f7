#pragma once
// The EXTENSION_CONTROL_BLOCK as IIS fills it (ISAPI.md §2.2, §3.5), from what the request
// knows when HttpExtensionProc is about to run. Pure: no I/O, no threads.
//
// - cbTotalBytes: a valid decimal CONTENT_LENGTH below 0xFFFFFFFF is used as is; otherwise 0 if
//   the body ended empty before the call, else 0xFFFFFFFF ("read until ReadClient returns 0").
//   nginx sends an empty CONTENT_LENGTH on every GET, which is why the first rule alone is wrong.
// - cbAvailable/lpbData: the read-ahead; lpbData is never NULL and has an uncounted NUL after
//   the bytes (real code strcpy's from it).
// - every string pointer is set; "" when the variable is absent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <isapi/httpext.h>

#include "isapi/server_variables.hpp"

namespace isapi_fcgi::isapi {

inline constexpr DWORD unknown_body_length = 0xFFFFFFFF;

/// CONTENT_LENGTH as ISAPI can carry it: a plain decimal below 0xFFFFFFFF, else nothing.
std::optional<std::uint64_t> declared_body_length(std::string_view content_length) noexcept;

/// How many body bytes to buffer before the extension runs: min(length, read-ahead), or the
/// whole read-ahead when the length is not known.
std::size_t read_ahead_target(std::optional<std::uint64_t> declared, std::size_t upload_read_ahead) noexcept;

/// ECB.cbTotalBytes for `read_ahead` bytes buffered and the body ended (or not) before the call.
DWORD total_bytes(std::optional<std::uint64_t> declared, std::size_t read_ahead, bool body_ended) noexcept;

/// The strings an ECB points to; they must outlive the ECB.
struct ecb_strings {
    std::string method, query, path_info, path_translated, content_type;
};
ecb_strings ecb_strings_of(const server_variables& variables);

/// The functions an ECB points to: the host's C ABI edge (callbacks.hpp), handed to each request
/// by whoever creates it, so the request needs nothing of the edge that calls it.
struct ecb_functions {
    decltype(EXTENSION_CONTROL_BLOCK::GetServerVariable) get_server_variable = nullptr;
    decltype(EXTENSION_CONTROL_BLOCK::WriteClient) write_client = nullptr;
    decltype(EXTENSION_CONTROL_BLOCK::ReadClient) read_client = nullptr;
    decltype(EXTENSION_CONTROL_BLOCK::ServerSupportFunction) server_support_function = nullptr;
};

/// Fills `ecb` (callbacks excepted) to point into `strings` and at the `available` read-ahead
/// bytes, which must be followed by a NUL.
void build_ecb(EXTENSION_CONTROL_BLOCK& ecb, ecb_strings& strings, BYTE* read_ahead, std::size_t available,
               HCONN conn_id, DWORD total_bytes);

}  // namespace isapi_fcgi::isapi
