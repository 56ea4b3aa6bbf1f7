#pragma once
// GetServerVariable's catalogue (ISAPI.md §3) over one request's FastCGI params, and IIS's
// buffer protocol (§3.1) as pure functions. The lead maps copy_status to Win32 errors:
// insufficient_buffer -> ERROR_INSUFFICIENT_BUFFER (122), invalid_index -> ERROR_INVALID_INDEX
// (1413), invalid_parameter -> ERROR_INVALID_PARAMETER (87).
//
// Name resolution (§3.2): names are matched ASCII case-insensitively. In order:
// 1. UNICODE_<VAR>: <VAR> as UTF-16LE (not for HTTP_/HEADER_ names: invalid_index);
// 0. the pool's `server_variables` overrides;
// 2. the catalogue (server_variable_catalogue.hpp: CGI variables, IIS additions, ALL_HTTP...);
// 3. HTTP_<NAME>: the request header, '_' standing for '-';
// 4. HEADER_<Name>: the request header named literally (a name with '_' is never answered,
//    since front ends drop such headers and `My-Header` is not `MY_HEADER` for IIS);
// 5. any other param sent under exactly that name (SCRIPT_FILENAME, REQUEST_URI, SSL_*...);
// 6. otherwise invalid_index.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "isapi/server_variable_catalogue.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::fcgi {
class param_set;
}

namespace isapi_fcgi::isapi {

enum class copy_status {
    ok,
    insufficient_buffer,  // *size = bytes needed, terminator included; buffer untouched
    invalid_index,        // unknown variable or absent header
    invalid_parameter,    // NULL name or NULL size pointer
};

/// IIS's copy protocol: on success the value and a NUL terminator of `terminator_bytes` (1, or 2
/// for UNICODE_ values) are copied and *size = bytes copied including the terminator. A NULL
/// buffer or *size too small gives insufficient_buffer with *size = bytes needed; the buffer is
/// not written. `size` must not be NULL.
copy_status copy_variable(std::string_view value, char* buffer, std::uint32_t* size,
                          std::uint32_t terminator_bytes = 1) noexcept;

/// UTF-8 -> UTF-16LE bytes (no terminator), as IIS converts ANSI variables for UNICODE_<VAR>.
/// Invalid UTF-8 bytes become U+FFFD.
std::string to_utf16le(std::string_view utf8);

/// The variables of one request. Borrows `params`, `match` and `config`, which must outlive it.
/// Const member functions may be called from any thread concurrently.
class server_variables {
public:
    /// `body_length_unknown`: the body is being streamed without a length (cbTotalBytes =
    /// 0xFFFFFFFF), so an empty CONTENT_LENGTH reads "" rather than "0".
    server_variables(const fcgi::param_set& params, const url_match& match,
                     const server_variables_config& config, bool body_length_unknown = false);

    /// The value of an ANSI variable, or nullopt (invalid_index). UNICODE_ names give nullopt;
    /// use copy() for those.
    std::optional<std::string> find(std::string_view name) const;

    /// GetServerVariable: resolves `name` (may be NULL) and applies copy_variable.
    copy_status copy(const char* name, char* buffer, std::uint32_t* size) const;

    std::string all_http() const { return sources_.all_http(); }
    std::string all_raw() const { return sources_.all_raw(); }

    // Strings the ECB points to (ISAPI.md §3.5); never absent, "" when unknown.
    std::string_view method() const;
    std::string_view query_string() const;
    std::string_view content_type() const;
    const std::string& path_info() const noexcept { return sources_.match.path_info; }
    std::string path_translated() const { return sources_.path_translated(); }
    /// The document root in use (configured or DOCUMENT_ROOT), normalised; "" when none.
    std::string document_root() const { return sources_.document_root(); }

private:
    std::optional<std::string> find_header(std::string_view http_name) const;
    std::optional<std::string> find_unicode(std::string_view name) const;

    variable_sources sources_;
};

}  // namespace isapi_fcgi::isapi
