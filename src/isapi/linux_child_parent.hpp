#pragma once
// HSE_REQ_EXEC_URL from a Windows worker's request (docs/wine.md, "Child requests"): a child that
// a native extension of the pool serves runs here as the Linux host runs any child, an
// isapi_request on a child_channel, whose parent is the relayed request as an exec_url_parent:
// its output crosses the link into the parent's response in the Windows worker, its end
// completes the parent's EXEC_URL there. It has no client connection of its own. A child that
// another Wine extension serves goes through the same child_channel, relayed to that
// extension's Windows worker as a wine::relayed_request (serve_wine_child).
#include <memory>

#include "wine/wine_extension.hpp"

namespace isapi_fcgi::isapi {

class pool_host;

/// Starts `child`, which a native extension serves, on its parent's strand (any thread).
void run_linux_child(const std::shared_ptr<pool_host>& pool, wine::linux_child child);

/// `child`, which another Wine extension serves, as the request that extension relays to its
/// Windows worker (serve_wine_child); aborted there when its parent is answered first.
std::shared_ptr<wine::relayed_request> relayed_linux_child(wine::linux_child child);

}  // namespace isapi_fcgi::isapi
