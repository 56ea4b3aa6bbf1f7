#pragma once
// HSE_REQ_EXEC_URL from a Windows worker's request (docs/wine.md, "Child requests"): a child that
// a native extension of the pool serves runs here as the Linux host runs any child, an
// isapi_request on a child_channel, whose parent is the relayed request as an exec_url_parent:
// its output crosses the link into the parent's response in the Windows worker, its end
// completes the parent's EXEC_URL there. It has no client connection of its own.
#include <memory>

#include "wine/wine_extension.hpp"

namespace isapi_fcgi::isapi {

class pool_host;

/// Starts `child` on its parent's strand (any thread).
void run_linux_child(const std::shared_ptr<pool_host>& pool, wine::linux_child child);

}  // namespace isapi_fcgi::isapi
