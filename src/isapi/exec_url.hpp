#pragma once
// HSE_REQ_EXEC_URL's child request as data (ISAPI.md §2.4 codes 1025/1026): what the extension
// asked for, and the FastCGI params the child is served with. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fcgi/param_set.hpp"

namespace isapi_fcgi::isapi {

struct exec_url_request {
    std::optional<std::string> url;        // nullopt (NULL pszUrl): the current URL again
    std::optional<std::string> method;     // nullopt: the parent's
    std::optional<std::string> headers;    // "Name: value\r\n..." replacing every request header
    std::optional<std::string> entity;     // the child's body; nullopt: the parent's unread body
    std::optional<std::string> user;       // pUserInfo->pszCustomUserName
    std::optional<std::string> auth_type;  // pUserInfo->pszCustomAuthType
    std::uint32_t flags = 0;               // dwExecUrlFlags: HSE_EXEC_URL_*
};

/// The child's params: the parent's, with the URL (REQUEST_URI, SCRIPT_NAME, QUERY_STRING),
/// the method, the user, the headers when replaced (HTTP_*, CONTENT_TYPE) and the body length
/// (CONTENT_LENGTH: the entity's size, or `unread_body` of the parent's, "" when unknown)
/// changed. PATH_INFO, DOCUMENT_URI, PATH_TRANSLATED and SCRIPT_FILENAME are dropped: the
/// child's URL is mapped afresh.
fcgi::param_set child_params(const fcgi::param_set& parent, const exec_url_request& child,
                             std::optional<std::uint64_t> unread_body);

/// The status of a CGI header block ("Status: 404 Not Found\r\n..."): 200 when it has none.
unsigned status_of_header_block(std::string_view block);

}  // namespace isapi_fcgi::isapi
