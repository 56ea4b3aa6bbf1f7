#pragma once
// A transparent FastCGI relay for observing a real web server's behaviour: it listens on a
// unix socket in a temp dir, connects each accepted connection to the engine, copies bytes both
// ways unchanged (half-closes included) and parses the records it copies to count connections,
// GET_VALUES exchanges and how many requests were active at once on one connection, which is
// what proves multiplexing. Runs one relay thread; all methods are thread-safe.
#include <cstddef>
#include <memory>
#include <string>

#include <filesystem>

namespace isapi_fcgi::test {

struct tap_stats {
    std::size_t connections = 0;
    std::size_t begin_requests = 0;
    std::size_t end_requests = 0;
    std::size_t get_values = 0;
    std::size_t get_values_results = 0;
    /// The most requests begun and not yet ended on one connection at the same time.
    std::size_t max_concurrent_requests = 0;
};

class fcgi_tap {
public:
    /// Starts listening on `dir`/tap.sock, relaying to `upstream` (`unix:/p` or `tcp:H:P`).
    fcgi_tap(const std::filesystem::path& dir, std::string upstream);
    ~fcgi_tap();
    fcgi_tap(const fcgi_tap&) = delete;
    fcgi_tap& operator=(const fcgi_tap&) = delete;

    /// `unix:/path` to give the web server.
    std::string address() const;
    tap_stats stats() const;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace isapi_fcgi::test
