#pragma once
// Requests the web server serves itself: the request side of a pool's ISAPI filters run as the
// web server's authorization hook, answered with a verdict instead of a response (the FastCGI
// AUTHORIZER role for Apache mod_authnz_fcgi; a marked responder request for nginx's
// auth_request, conf/nginx/isapi-fcgi-auth.conf). The filter events are filters::request_gate's,
// the same that run before the sidecar serves an extension URL itself.
//
// Fail closed: a pool without filters, a filter that fails or throws, a denial that would read
// as "allow" all answer 500, never 200.
#include <memory>
#include <optional>

#include "filters/authorizer_verdict.hpp"
#include "filters/request_gate.hpp"

namespace isapi_fcgi::engine {
class request;
}
namespace isapi_fcgi::fcgi {
class param_set;
}

namespace isapi_fcgi::isapi {

class pool_host;

/// The authorization hook a request comes from (engine::request::asks_for_verdict), or nullopt
/// for an ordinary request.
std::optional<filters::authorizer_front> authorizer_front_of(const engine::request& r);

/// Runs the request-side filter events for `r` on one of the pool's extension threads and
/// answers the verdict (render_authorizer_response). On the connection's strand; never blocks.
void authorize(std::shared_ptr<engine::request> r, const std::shared_ptr<pool_host>& pool,
               filters::authorizer_front front);

/// What the gate decided, as the verdict the web server is told: the user, the rewritten URL
/// and the request headers the filters set (compared with the params the front end sent).
filters::authorizer_verdict verdict_of(const filters::gate_decision& decision, const fcgi::param_set& original);

}  // namespace isapi_fcgi::isapi
