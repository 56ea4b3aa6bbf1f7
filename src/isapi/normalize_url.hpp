#pragma once
// HSE_REQ_NORMALIZE_URL (ISAPI.md §2.4 code 1033): IIS decodes %xx, removes what a URL path
// must not hold and canonicalises dot segments, in place. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

/// The normalised form of `url` (a path, optionally followed by "?query", which is kept as it
/// is): percent-decoded, '\' read as '/', empty segments merged, "." and ".." resolved.
/// nullopt when the path does not start with '/', has a bad or NUL escape, or climbs above the
/// root: IIS refuses those rather than guessing. Never longer than the input.
std::optional<std::string> normalize_url(std::string_view url);

}  // namespace isapi_fcgi::isapi
