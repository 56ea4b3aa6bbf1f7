#pragma once
// The configuration's pool settings as the engine takes them (engine/options.hpp): the one
// place that knows both vocabularies on the engine's side.
#include "config/settings.hpp"
#include "engine/options.hpp"

namespace isapi_fcgi::ops {

/// `systemd:NAME` must have been resolved to an inherited descriptor (ops/listen_sockets):
/// throws std::runtime_error naming the address otherwise.
engine::listen_address engine_listen_address(const config::listen_address& address);

engine::unix_socket_options engine_unix_socket_options(const config::unix_socket_settings& socket);

/// Everything but `listen`, which stays empty: the caller adds the sockets it opened for the
/// pool (the master's inherited descriptors in a worker; its own in --single-process).
engine::pool_options engine_pool_options(const config::pool_settings& pool);

}  // namespace isapi_fcgi::ops
