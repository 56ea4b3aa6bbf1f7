#pragma once
// A request mapped to a `runtime: wine` extension, as the host serves it: counted by the
// observer (status, metrics, requests in flight), checked against the crash quarantine and a
// stop by rapid-fail protection, relayed to the extension's Windows worker, and written to the
// access log when it ends, with the same fields and the same log lines as a native extension's.
#include <cstddef>
#include <memory>

#include "isapi/url_map.hpp"

namespace isapi_fcgi::engine {
class request;
}

namespace isapi_fcgi::wine {
class relayed_request;
}

namespace isapi_fcgi::isapi {

class pool_host;

/// On the request's strand. `extension` is a `runtime: wine` one (pool.wine_extension() not null).
void serve_under_wine(const std::shared_ptr<pool_host>& pool, std::shared_ptr<engine::request> r,
                      std::size_t extension, url_match match);

/// HSE_REQ_EXEC_URL: a Wine extension's request's child that another Wine extension (`extension`)
/// serves, relayed to that one's Windows worker; on the parent's strand. Its own access line.
void serve_wine_child(const std::shared_ptr<pool_host>& pool, std::shared_ptr<wine::relayed_request> child,
                      std::size_t extension, url_match match);

}  // namespace isapi_fcgi::isapi
