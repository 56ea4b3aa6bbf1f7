#pragma once
// The configuration schema (STYLE rule 8): one table of keys per scope, each key with its type,
// documented default and a store function that parses, range-checks and stores the value.
// Scopes: global (the file's top level), pool (each item of `pools`), and extension (each item
// of a pool's `extensions`, reserved: accepted as a list, contents not read yet).
// Defaults live in settings.hpp; the one default settings.hpp cannot express, a pool's listen
// address, is merged here (default_listen).
#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include "config/field.hpp"
#include "config/key_table.hpp"
#include "config/settings.hpp"

namespace isapi_fcgi::config {

/// Where a pool without a `listen` key accepts connections.
inline constexpr std::string_view default_listen = "unix:/run/isapi-fcgi/isapi-fcgi.sock";

/// Limits the schema enforces, shared with the documentation and the tests.
namespace bounds {
inline constexpr unsigned max_io_threads = 64;
inline constexpr std::size_t max_listen_backlog = 65535;
inline constexpr std::size_t max_connections = 1U << 20;
inline constexpr std::size_t max_requests_per_connection = 65535;  // FastCGI ids are 16-bit
inline constexpr std::size_t max_params_bytes = 16U << 20;
inline constexpr std::size_t min_stdin_buffer = 4U << 10;
inline constexpr std::size_t max_stdin_buffer = 1U << 30;
inline constexpr std::chrono::milliseconds min_timeout{1};
inline constexpr std::chrono::hours max_timeout{24};
inline constexpr std::size_t max_pool_name = 64;
inline constexpr unsigned max_workers = 256;
}  // namespace bounds

/// Keys of the top level: `log`, `log.level`, `log.file`, `pools`.
std::span<const key_spec<settings>> global_keys();

/// Keys of one pool, paths relative to the pool (`limits.max_params_bytes`).
std::span<const key_spec<pool_settings>> pool_keys();

/// Reads the whole document (the top-level map, every pool) into `out`: every key checked
/// against the tables, every value parsed and range-checked, pool defaults merged. Rules that
/// span pools or keys are validate.hpp's.
void read_document(const field& root, settings& out);

/// Reads a file the main one includes (`include`), which may hold `pools` only, and appends its
/// pools to `out` (read_document first: messages name out.source as the main file).
void read_included_document(const field& root, settings& out);

}  // namespace isapi_fcgi::config
