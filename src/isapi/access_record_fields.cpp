#include "isapi/access_record_fields.hpp"

namespace isapi_fcgi::isapi {

void fill_from_params(logging::access_record& r, const fcgi::param_set& params) {
    r.remote_addr = params.get("REMOTE_ADDR");
    r.remote_port = params.get("REMOTE_PORT");
    r.remote_user = params.get("REMOTE_USER");
    r.request_method = params.get("REQUEST_METHOD");
    r.request_uri = params.get("REQUEST_URI");
    r.query_string = params.get("QUERY_STRING");
    r.server_protocol = params.get("SERVER_PROTOCOL");
    r.http_referer = params.get("HTTP_REFERER");
    r.http_user_agent = params.get("HTTP_USER_AGENT");
    r.request_id = params.get("REQUEST_ID");
}

}  // namespace isapi_fcgi::isapi
