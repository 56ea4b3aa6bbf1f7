#pragma once
// The master's state file (`state_file`): its pid and the outcome of the reloads it handled,
// for `isapi-fcgi reload` (and scripts) to learn whether a SIGHUP took effect. The master
// rewrites it whole, by rename, so a reader sees one version or the next, never a mix.
//
// Format, one `key: value` a line (unknown keys are skipped, so it may grow):
//   pid: 1234
//   reloads: 3                  reloads the master has given a verdict on
//   last_reload: ok             none | ok | failed
//   last_reload_error: ...      the cause when failed, on one line
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::ops {

struct master_state {
    int pid = 0;
    std::uint64_t reloads = 0;
    std::string last_reload = "none";
    std::string last_reload_error;
};

std::string format_master_state(const master_state& state);
/// nullopt when `text` has no valid pid.
std::optional<master_state> parse_master_state(std::string_view text);

/// Writes `state` to `path` through a temporary file in the same directory and rename(2);
/// false (errno set) on failure.
bool write_master_state(const std::string& path, const master_state& state);
/// nullopt when the file does not exist or holds no valid state.
std::optional<master_state> read_master_state(const std::string& path);

}  // namespace isapi_fcgi::ops
