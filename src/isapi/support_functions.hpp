#pragma once
// ServerSupportFunction: decodes each HSE_REQ_* code's arguments as ISAPI lays them out
// (ISAPI.md §2.4; on x86-64 several LPDWORD slots carry pointers, §1.6), validates them, and calls
// what the request does for the code. Codes this host does not implement answer FALSE with
// ERROR_INVALID_PARAMETER, logged once per code and extension.
#include <isapi/httpext.h>

namespace isapi_fcgi::isapi {

class isapi_request;

BOOL server_support_function(isapi_request& request, DWORD code, LPVOID buffer, LPDWORD size,
                             LPDWORD data_type);

}  // namespace isapi_fcgi::isapi
