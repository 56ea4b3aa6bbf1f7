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
    /// Called once by server::run() after the I/O threads stopped and before it returns: the
    /// handler lets go of every request it still holds (requests hold their connections, which
    /// hold the handler, so nothing else would break that cycle).
    virtual void server_stopped() {}
};

}  // namespace isapi_fcgi::engine
