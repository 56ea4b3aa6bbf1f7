#pragma once
#include <memory>

namespace isapi_fcgi::engine {

class request;

/// What the layer above the engine implements (the ISAPI host). handle() is called on the
/// connection's strand once a request's PARAMS are complete; it must not block. From then on the
/// handler owns the request's outcome and must eventually call request::end().
class request_handler {
public:
    virtual ~request_handler() = default;
    virtual void handle(std::shared_ptr<request> r) = 0;
    /// True when handle() also takes AUTHORIZER requests (request::role()); otherwise the engine
    /// answers that role END_REQUEST{UNKNOWN_ROLE}, which the web server treats as a failure.
    virtual bool serves_authorizer_role() const { return false; }
    /// Called once by server::run() after the I/O threads stopped and before it returns: the
    /// handler lets go of every request it still holds (requests hold their connections, which
    /// hold the handler, so nothing else would break that cycle).
    virtual void server_stopped() {}
};

}  // namespace isapi_fcgi::engine
