#pragma once
// What the tests look for in the engine's log. Kept loose on purpose (a reworded message should
// not break a test) and in one place, so that a deliberate rewording is a one-line change.
#include <regex>
#include <string>

namespace isapi_fcgi::test::engine_log {

inline std::regex loose(const char* pattern)
{
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

/// One debug line per accepted connection.
inline std::regex accepted() { return loose(R"(\baccept(ed)?\b)"); }
inline std::regex get_values_answered() { return loose(R"(GET_VALUES)"); }
/// Lines logged at warning level or worse (spdlog level names).
inline std::regex warning_or_worse()
{
    return loose(R"(\[(warn|warning|error|critical|crit)\])");
}
inline std::regex bad_version() { return loose(R"(version)"); }
inline std::regex truncated() { return loose(R"(middle of a record|truncat|incomplete)"); }
inline std::regex name_value_past_end() { return loose(R"(name.value|past the end)"); }
inline std::regex params_too_large()
{
    return loose(R"(max_params_bytes|params.*(too large|exceed)|431)");
}
inline std::regex unknown_request_id() { return loose(R"(never begun|unknown request|not begun)"); }
inline std::regex duplicate_begin() { return loose(R"(already active|duplicate|BEGIN_REQUEST)"); }
inline std::regex idle_close() { return loose(R"(idle)"); }
inline std::regex write_stalled()
{
    return loose(R"(not read our output|write.*(timeout|timed out|stall))");
}
inline std::regex max_connections() { return loose(R"(max_connections)"); }
inline std::regex max_requests() { return loose(R"(max_requests_per_connection)"); }
inline std::regex peer_closed() { return loose(R"(peer closed)"); }
inline std::regex aborted() { return loose(R"(abort)"); }
inline std::regex unmapped(const char* path_fragment_regex)
{
    return loose((std::string(R"(404.*)") + path_fragment_regex).c_str());
}
inline std::regex unknown_role() { return loose(R"(role)"); }
inline std::regex unknown_type() { return loose(R"(unknown.*type|UNKNOWN_TYPE)"); }

}  // namespace isapi_fcgi::test::engine_log
