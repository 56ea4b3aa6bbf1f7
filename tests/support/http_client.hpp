#pragma once
// HTTP requests to loopback peers through real curl processes (posix_spawn), so that several
// can run at once (concurrency for HAProxy's multiplexing) without an HTTP stack in the tests.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/cgi_response.hpp"
#include "support/deadline.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

struct http_request {
    std::string url;
    std::string method = "GET";
    std::optional<std::string> body;  ///< sent with --data-binary
    std::vector<std::string> headers;  ///< "Name: value"
    std::optional<std::string> limit_rate;  ///< curl --limit-rate (e.g. "2M"): a client that sends slowly
    /// Sanitizer builds get more (scaled): a request that takes 6 s alone under TSan may
    /// share two cores with a 100 MiB upload.
    std::chrono::seconds max_time =
        std::chrono::duration_cast<std::chrono::seconds>(scaled(std::chrono::seconds(10)));
};

struct http_result {
    int curl_exit = -1;  ///< 0 on success; -1 if curl did not finish in time
    int status = 0;      ///< HTTP status, 0 if none
    cgi_response head;   ///< response headers
    std::string body;
    std::string curl_error;  ///< curl's stderr

    std::string describe() const;
};

/// One curl process, started by the constructor.
class http_call {
public:
    http_call(const temp_dir& dir, const http_request& request);
    /// Waits (bounded) for curl and collects what it wrote.
    http_result finish(deadline until = deadline_after(std::chrono::seconds(30)));

private:
    std::filesystem::path prefix_;
    std::unique_ptr<test_process> process_;
};

/// GETs every URL at once from one curl process (`--parallel --parallel-immediate`: one
/// connection per transfer, all opened together), for real concurrency at the peer.
std::vector<http_result> http_get_parallel(
    const temp_dir& dir, const std::vector<std::string>& urls,
    std::chrono::seconds max_time =
        std::chrono::duration_cast<std::chrono::seconds>(scaled(std::chrono::seconds(20))));

/// Starts curl and waits for it.
http_result http_fetch(const temp_dir& dir, const http_request& request);
inline http_result http_get(const temp_dir& dir, const std::string& url)
{
    http_request request;
    request.url = url;
    return http_fetch(dir, request);
}

}  // namespace isapi_fcgi::test
