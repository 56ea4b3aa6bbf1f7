#pragma once
// A transparent FastCGI relay for observing a real web server's behaviour: it listens on a
// unix socket in a temp dir, connects each accepted connection to the engine, copies bytes both
// ways unchanged (half-closes included) and parses the records it copies to count connections,
// GET_VALUES exchanges and how many requests were active at once on one connection, which is
// what proves multiplexing. A request counts as active from its BEGIN_REQUEST until its
// END_REQUEST reached the web server. Runs one relay thread; all methods are thread-safe.
#include <chrono>
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
    /// With `hold_until` > 0, whenever a request becomes active on an idle connection the
    /// engine's answers on it are held back until that many requests are active at once, or for
    /// `hold_limit`: a web server that multiplexes then shows it however fast the engine answers,
    /// and one that does not still gets its answers.
    fcgi_tap(const std::filesystem::path& dir, std::string upstream, std::size_t hold_until = 0,
             std::chrono::milliseconds hold_limit = std::chrono::seconds(2));
    ~fcgi_tap();
    fcgi_tap(const fcgi_tap&) = delete;
    fcgi_tap& operator=(const fcgi_tap&) = delete;

    /// `unix:/path` to give the web server.
    std::string address() const;
    tap_stats stats() const;
    /// The stats once every request begun has its END_REQUEST delivered, or at `bound`.
    tap_stats stats_when_quiet(std::chrono::milliseconds bound) const;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace isapi_fcgi::test
