#pragma once
// A request mapped to a `runtime: wine` extension, as the host serves it: counted by the
// observer (status, metrics, requests in flight), checked against the crash quarantine and a
// stop by rapid-fail protection, relayed to the extension's Windows worker, and written to the
// access log when it ends, with the same fields and the same log lines as a native extension's.
// In a pool with filters it is what a native extension's request is there too: served with the
// params the request-side filters left, its response through SEND_RESPONSE, SEND_RAW_DATA,
// END_OF_REQUEST, and its access log record through LOG (filtered_channel).
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

class filtered_channel;
class pool_host;

/// On the request's strand. `extension` is a `runtime: wine` one (pool.wine_extension() not null).
/// `filtered`: the request's channel in a pool with filters (null in one without): the Windows
/// worker gets its params, and the response goes through the filters' response side.
void serve_under_wine(const std::shared_ptr<pool_host>& pool, std::shared_ptr<engine::request> r,
                      std::shared_ptr<filtered_channel> filtered, std::size_t extension, url_match match);

/// HSE_REQ_EXEC_URL: a Wine extension's request's child that another Wine extension (`extension`)
/// serves, relayed to that one's Windows worker; on the parent's strand. Its own access line.
void serve_wine_child(const std::shared_ptr<pool_host>& pool, std::shared_ptr<wine::relayed_request> child,
                      std::size_t extension, url_match match);

}  // namespace isapi_fcgi::isapi
