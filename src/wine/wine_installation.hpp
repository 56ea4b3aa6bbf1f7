#pragma once
// Where the pieces a `runtime: wine` extension needs are on this machine: Wine's loader, the
// Windows worker built for the DLL's architecture, and the pool user's Wine prefix. Each lookup
// answers a path or one clear reason naming what is missing.
#include <string>
#include <vector>

#include "wine/pe_image.hpp"

namespace isapi_fcgi::wine {

struct lookup {
    std::string path;    ///< found: the path
    std::string reason;  ///< not found: why, for the error line
    explicit operator bool() const noexcept { return !path.empty(); }
};

/// Wine's loader for `machine`: $ISAPI_FCGI_WINE when set; else, for amd64, wine64 (Debian's
/// /usr/lib/wine/wine64, or on PATH); for i386, wine (needs Debian's wine32:i386).
lookup find_wine(pe_machine machine);

/// isapi-wine-worker.exe for `machine`: under $ISAPI_FCGI_WINE_WORKER_DIR, the build tree's
/// wine/<arch>/ or the installed <libdir>/isapi-fcgi/wine/<arch>/.
lookup find_worker(pe_machine machine);

/// The Wine prefix of the effective user: $WINEPREFIX when set, else
/// $HOME/.local/share/isapi-fcgi/wine (created by Wine at the first start). An existing prefix
/// owned by another user is refused (Wine refuses it too, less clearly).
lookup prefix_for_current_user();

/// "Z:\opt\app\x.dll": the Linux path as the Windows worker sees it through Wine's Z: drive.
std::string windows_path(const std::string& linux_path);

/// Environment entries for a Windows worker: the prefix, Wine's debug output off, and Wine's
/// debugger disabled (a crash then ends the worker in ~50 ms instead of winedbg writing its
/// report into the protocol pipe for a second).
std::vector<std::string> worker_environment(const std::string& prefix);

/// Everything that keeps the DLL at `path` from running ("" when nothing): not a PE file, a
/// missing export, no worker or no Wine for its architecture, an unusable prefix.
std::string check_dll(const std::string& path);

}  // namespace isapi_fcgi::wine
