#pragma once
// The one way engine code includes Asio. Boost 1.74's awaitable.hpp uses std::exchange without
// including <utility>, which g++ 12 in C++20 mode does not pull in implicitly.
#include <utility>

#include <boost/asio.hpp>

namespace isapi_fcgi::engine {
namespace asio = boost::asio;
using stream_protocol = asio::generic::stream_protocol;
using socket_type = stream_protocol::socket;
using acceptor_type = asio::basic_socket_acceptor<stream_protocol>;
using strand_type = asio::strand<asio::io_context::executor_type>;
/// Asio 1.18 (Boost 1.74) reports boost::system errors; the engine's own API uses std::error_code.
using io_error = boost::system::error_code;
}  // namespace isapi_fcgi::engine
