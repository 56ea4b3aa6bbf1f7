#include "support/http_client.hpp"

#include <atomic>
#include <sstream>

namespace isapi_fcgi::test {

namespace {

std::atomic<unsigned> next_call{0};

}  // namespace

std::string http_result::describe() const
{
    std::ostringstream text;
    text << "curl exit " << curl_exit << ", HTTP " << status << ", body [" << body << "]";
    if (!curl_error.empty()) {
        text << ", curl: " << curl_error;
    }
    return text.str();
}

http_call::http_call(const temp_dir& dir, const http_request& request)
{
    prefix_ = dir.file("curl-" + std::to_string(next_call++));
    std::vector<std::string> argv{
        "curl", "-sS", "--noproxy", "*", "--max-time", std::to_string(request.max_time.count()),
        "-o", prefix_.string() + ".body", "-D", prefix_.string() + ".head",
        "-w", "%{http_code}", "-X", request.method,
        // Without this curl waits up to a second for "100 Continue" on larger bodies.
        "-H", "Expect:"};
    for (const auto& header : request.headers) {
        argv.push_back("-H");
        argv.push_back(header);
    }
    if (request.limit_rate) {
        argv.push_back("--limit-rate");
        argv.push_back(*request.limit_rate);
    }
    if (request.body) {
        auto body_path = prefix_.string() + ".request";
        dir.write_file(std::filesystem::path(body_path).filename().string(), *request.body);
        argv.push_back("--data-binary");
        argv.push_back("@" + body_path);
    }
    argv.push_back(request.url);
    spawn_options options;
    options.stdout_path = prefix_.string() + ".out";
    options.stderr_path = prefix_.string() + ".err";
    process_ = std::make_unique<test_process>(std::move(argv), options);
}

http_result http_call::finish(deadline until)
{
    http_result result;
    auto end = process_->wait(until);
    if (!end) {
        process_->stop(std::chrono::seconds(2));
        result.curl_error = "curl did not finish in time";
        return result;
    }
    result.curl_exit = end->exited ? end->exit_code : 128 + end->signal;
    result.head = parse_http_head(read_file(prefix_.string() + ".head"));
    result.status = result.head.status.value_or(0);
    result.body = read_file(prefix_.string() + ".body");
    result.curl_error = read_file(prefix_.string() + ".err");
    return result;
}

std::vector<http_result> http_get_parallel(const temp_dir& dir,
                                           const std::vector<std::string>& urls,
                                           std::chrono::seconds max_time)
{
    auto prefix = dir.file("curl-parallel-" + std::to_string(next_call++)).string();
    std::vector<std::string> argv{"curl", "-sS", "--noproxy", "*", "--max-time",
                                  std::to_string(max_time.count()), "--parallel",
                                  "--parallel-immediate", "--parallel-max",
                                  std::to_string(urls.size()),
                                  // One line per transfer, matched to its URL by its index.
                                  "-w", "%{urlnum} %{http_code} %{exitcode}\n"};
    for (std::size_t i = 0; i < urls.size(); ++i) {
        argv.push_back("-o");
        argv.push_back(prefix + "." + std::to_string(i) + ".body");
        argv.push_back(urls[i]);
    }
    spawn_options options;
    options.stdout_path = prefix + ".out";
    options.stderr_path = prefix + ".err";
    test_process curl(std::move(argv), options);
    std::vector<http_result> results(urls.size());
    auto end = curl.wait(deadline_after(max_time + std::chrono::seconds(5)));
    if (!end) {
        curl.stop(std::chrono::seconds(2));
    }
    std::string error = read_file(options.stderr_path);
    std::istringstream lines(read_file(options.stdout_path));
    for (std::size_t index = 0, status = 0, exit = 0; lines >> index >> status >> exit;) {
        if (index < results.size()) {
            results[index].status = static_cast<int>(status);
            // The transfer's own: a response that never ended (curl's --max-time) fails only it.
            results[index].curl_exit = end && end->exited ? static_cast<int>(exit) : -1;
        }
    }
    for (std::size_t i = 0; i < urls.size(); ++i) {
        results[i].body = read_file(prefix + "." + std::to_string(i) + ".body");
        results[i].curl_error = error;
    }
    return results;
}

http_result http_fetch(const temp_dir& dir, const http_request& request)
{
    http_call call(dir, request);
    return call.finish(deadline_after(request.max_time + std::chrono::seconds(5)));
}

}  // namespace isapi_fcgi::test
