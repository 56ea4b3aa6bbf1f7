#pragma once
// The named server variables (ISAPI.md §3.4: the IIS 6 catalogue plus the IIS 7+ additions), one
// row each: how the value is computed from the request's FastCGI params and the pool's
// configuration, and what the documentation says about it. server_variables answers from this
// table, and docs/server-variables.md is generated from it (tools/server_variables_doc), so the
// two cannot disagree. Pure.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "isapi/url_map.hpp"

namespace isapi_fcgi::fcgi {
class param_set;
}

namespace isapi_fcgi::isapi {

/// "HTTP_ACCEPT_LANGUAGE" -> "Accept-Language": the conventional spelling of a header name
/// whose original case FastCGI lost (title case, plus a table of irregular names: DNT, TE,
/// WWW-Authenticate, Content-MD5, SOAPAction...).
std::string header_name_from_param(std::string_view http_param_name);

struct server_variables_config {
    std::string document_root;    // "" = the front end's DOCUMENT_ROOT param
    std::string server_software;  // "" = the front end's SERVER_SOFTWARE, else "isapi-fcgi"
    bool all_http_crlf = false;   // ALL_HTTP lines end in LF (IIS); CRLF for mod_isapi habits
    std::string app_pool_id = "DefaultAppPool";  // the pool's name
    /// `server_variables:` of the pool: fixed values, names upper case, checked first.
    std::vector<std::pair<std::string, std::string>> overrides;
};

/// What a variable's value is computed from. Borrows everything; cheap to copy.
struct variable_sources {
    const fcgi::param_set& params;
    const url_match& match;
    const server_variables_config& config;
    bool body_length_unknown = false;

    std::string param(std::string_view name) const;
    bool https() const;
    /// The document root in use (configured or DOCUMENT_ROOT), normalised; "" when none.
    std::string document_root() const;
    std::string path_translated() const;
    /// An overridden variable's value (name upper case), or nullopt.
    std::optional<std::string> overridden(std::string_view name) const;
    std::string all_http() const;
    std::string all_raw() const;
};

struct server_variable {
    std::string_view name;     // upper case
    std::string_view since;    // "IIS 4", "IIS 6", "IIS 7", ...
    std::string_view meaning;  // what IIS gives
    std::string_view source;   // where isapi-fcgi takes it from, per front end
    std::string (*value)(const variable_sources&);
};

/// Every named variable.
std::span<const server_variable> server_variable_catalogue();

/// The row for `upper_name`, or nullptr.
const server_variable* find_server_variable(std::string_view upper_name);

/// The name patterns answered beyond the table (HTTP_<NAME>, HEADER_<Name>, UNICODE_<VAR>, any
/// other param), for the documentation: {pattern, meaning, source}.
struct server_variable_family {
    std::string_view pattern;
    std::string_view meaning;
    std::string_view source;
};
std::span<const server_variable_family> server_variable_families();

}  // namespace isapi_fcgi::isapi
