#pragma once
// A bounded HTTP load for the reload and recycling tests: a fixed number of client threads,
// each looping one request (a GET, or a POST with a body) against a front end on loopback,
// one connection per request (HTTP/1.1, Connection: close), so that the front end's kept
// connections to the sidecar are what is exercised. Every answer is counted by status; a
// request that gets no complete answer counts as status 0. In-process sockets rather than curl
// processes: a 2-core machine runs a few thousand requests a second this way.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace isapi_fcgi::test {

struct http_load_request {
    std::string method = "GET";
    std::string path;
    std::string body;                ///< sent with Content-Length when the method is POST
    std::string expect_in_body;      ///< a 200 whose body lacks it counts as a failure (status 1)
};

class http_load {
public:
    /// Starts `clients` threads per request kind against 127.0.0.1:`port`.
    http_load(std::uint16_t port, std::vector<http_load_request> requests, unsigned clients_per_request);
    ~http_load();
    http_load(const http_load&) = delete;
    http_load& operator=(const http_load&) = delete;

    std::size_t completed() const { return completed_.load(); }
    /// Stops every client after its request in progress; returns the count per status.
    std::map<int, std::size_t> stop();
    /// The first few failures, described (status, request, what was read).
    std::vector<std::string> failures() const;

private:
    void run(const http_load_request& request);
    int exchange(const http_load_request& request, std::string& answer) const;

    std::uint16_t port_;
    std::vector<http_load_request> requests_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> completed_{0};
    mutable std::mutex mutex_;
    std::map<int, std::size_t> statuses_;
    std::vector<std::string> failures_;
    std::vector<std::thread> threads_;
};

}  // namespace isapi_fcgi::test
