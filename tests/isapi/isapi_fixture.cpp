#include "isapi/isapi_fixture.hpp"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "support/apache_front.hpp"
#include "support/haproxy_instance.hpp"
#include "support/nginx_front.hpp"

namespace isapi_fcgi::test {

namespace {

const std::map<std::string, std::string>& extension_paths()
{
    static const std::map<std::string, std::string> paths{
        {"hello", ISAPI_EXT_HELLO},
        {"formdump", ISAPI_EXT_FORMDUMP},
        {"servervars", ISAPI_EXT_SERVERVARS},
        {"redirect", ISAPI_EXT_REDIRECT},
        {"rawheaders", ISAPI_EXT_RAWHEADERS},
        {"bigresponse", ISAPI_EXT_BIGRESPONSE},
        {"clash_a", ISAPI_EXT_CLASH_A},
        {"clash_b", ISAPI_EXT_CLASH_B},
        {"fail_version", ISAPI_EXT_FAIL_VERSION},
        {"error_status", ISAPI_EXT_ERROR_STATUS},
        {"dllmain", ISAPI_EXT_DLLMAIN},
        {"throws", ISAPI_EXT_THROWS},
    };
    return paths;
}

constexpr front_kind all_fronts[] = {front_kind::nginx, front_kind::apache,
                                     front_kind::apache_sethandler, front_kind::haproxy};

}  // namespace

const char* front_name(front_kind kind)
{
    switch (kind) {
    case front_kind::nginx: return "nginx";
    case front_kind::apache: return "apache";
    case front_kind::apache_sethandler: return "apache-sethandler";
    case front_kind::haproxy: return "haproxy";
    }
    return "?";
}

front_kind front_under_test()
{
    const char* value = std::getenv("ISAPI_FCGI_FRONT");
    if (value == nullptr || *value == '\0') {
        return front_kind::nginx;
    }
    for (front_kind kind : all_fronts) {
        if (std::string(value) == front_name(kind)) {
            return kind;
        }
    }
    throw std::runtime_error(std::string("ISAPI_FCGI_FRONT=") + value
                             + ": not nginx, apache, apache-sethandler or haproxy");
}

std::filesystem::path extension_library(const std::string& name)
{
    return extension_paths().at(name);
}

isapi_extension_entry mapped_extension(const std::string& name)
{
    return {name, extension_library(name), {"/scripts/" + name + ".dll"}, false};
}

std::string fnv1a64_tool_output(const std::filesystem::path& file, const temp_dir& scratch)
{
    static int calls = 0;
    auto out = scratch.file("fnv1a64-" + std::to_string(calls++) + ".out");
    spawn_options options;
    options.stdout_path = out;
    options.stderr_path = out.string() + ".err";
    test_process tool({ISAPI_FNV1A64_TOOL, file.string()}, options);
    auto end = tool.wait(deadline_after(scaled(std::chrono::seconds(60))));
    if (!end || !end->exited || end->exit_code != 0) {
        tool.stop(std::chrono::seconds(2));
        throw std::runtime_error("fnv1a64 failed on " + file.string() + ": "
                                 + read_file(options.stderr_path));
    }
    return read_file(out);
}

std::optional<std::string> wait_file_line(const std::filesystem::path& file, const std::regex& pattern,
                                          deadline until)
{
    for (;;) {
        std::ifstream in(file);
        for (std::string line; std::getline(in, line);) {
            if (std::regex_search(line, pattern)) {
                return line;
            }
        }
        if (clock::now() >= until) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string fnv1a64_lines(const std::string& bytes)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016" PRIx64, hash);
    return "bytes=" + std::to_string(bytes.size()) + "\nfnv1a64=" + hex + "\n";
}

std::string regex_escape(const std::string& text)
{
    static const std::string special = R"(\^$.|?*+()[]{}/)";
    std::string out;
    for (char c : text) {
        if (special.find(c) != std::string::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

isapi_sidecar_options isapi_behind_front::standard_options() const
{
    isapi_sidecar_options options;
    for (const auto& [name, path] : extension_paths()) {
        options.extensions.push_back(mapped_extension(name));
    }
    options.env.push_back("ISAPI_DLLMAIN_LOG=" + dllmain_log().string());
    return options;
}

std::string isapi_behind_front::standard_server_extra()
{
    return "        client_max_body_size 200m;\n";
}

void isapi_behind_front::start(std::optional<isapi_sidecar_options> options,
                               std::string server_extra)
{
    auto sidecar_options = options ? std::move(*options) : standard_options();
    const bool apache = behind_apache();
    if (apache && ::geteuid() == 0) {
        // Apache's workers run as www-data; the socket is theirs as in a deployment.
        sidecar_options.socket_group = apache_front::worker_user;
    }
    sidecar_ = isapi_sidecar::start(std::move(sidecar_options));
    if (apache) {
        apache_front_options front;
        front.upstream_address = sidecar_->address();
        front.snippet = kind_ == front_kind::apache ? ISAPI_APACHE_SNIPPET
                                                    : ISAPI_APACHE_SETHANDLER_SNIPPET;
        front.max_workers = front_connections_;
        front_ = std::make_unique<apache_front>(front);
    } else if (kind_ == front_kind::haproxy) {
        haproxy_options front;
        front.engine_address = sidecar_->address();
        front.backend_file = ISAPI_HAPROXY_BACKEND;
        front.maxconn = front_connections_ + 64;
        front_ = std::make_unique<haproxy_instance>(front);
    } else {
        nginx_front_options front;
        front.upstream_address = sidecar_->address();
        front.snippet = ISAPI_NGINX_SNIPPET;
        front.server_extra = std::move(server_extra);
        front.worker_connections = front_connections_;
        front_ = std::make_unique<nginx_front>(front);
    }
}

http_result isapi_behind_front::get(const std::string& path, std::vector<std::string> headers)
{
    http_request request;
    request.url = front_->url(path);
    request.headers = std::move(headers);
    return http_fetch(front_->dir(), request);
}

http_result isapi_behind_front::post(const std::string& path, std::string body,
                                     std::vector<std::string> headers)
{
    http_request request;
    request.url = front_->url(path);
    request.method = "POST";
    request.body = std::move(body);
    request.headers = std::move(headers);
    return http_fetch(front_->dir(), request);
}

http_result isapi_behind_front::curl(const std::string& path, std::vector<std::string> extra,
                                     std::chrono::seconds max_time)
{
    static int calls = 0;
    const std::string prefix = work_.file("curl-" + std::to_string(calls++)).string();
    std::vector<std::string> argv{"curl", "-sS", "--noproxy", "*", "--max-time",
                                  std::to_string(max_time.count()), "-o", prefix + ".body",
                                  "-D", prefix + ".head", "-H", "Expect:"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(front_->url(path));
    spawn_options options;
    options.stdout_path = prefix + ".out";
    options.stderr_path = prefix + ".err";
    test_process process(std::move(argv), options);
    http_result result;
    auto end = process.wait(deadline_after(max_time + std::chrono::seconds(5)));
    if (!end) {
        process.stop(std::chrono::seconds(2));
        result.curl_error = "curl did not finish in time";
        return result;
    }
    result.curl_exit = end->exited ? end->exit_code : 128 + end->signal;
    result.head = parse_http_head(read_file(prefix + ".head"));
    result.status = result.head.status.value_or(0);
    result.body = read_file(prefix + ".body");
    result.curl_error = read_file(options.stderr_path);
    return result;
}

void isapi_behind_front::allow_front_problems(const std::string& pattern)
{
    allowed_front_problems_ = std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

std::optional<std::string> isapi_behind_front::wait_access_line(const std::string& request_line,
                                                                std::size_t from)
{
    const std::regex line("\"" + regex_escape(request_line) + "\" [0-9]{3} ");
    return sidecar_->wait_for_log(line, soon(), from);
}

void isapi_behind_front::stop_all()
{
    if (front_) {
        auto end = front_->stop();
        // Read after the stop: a problem logged while the last exchange wound down counts.
        auto problems = front_->error_log_problems(allowed_front_problems_);
        EXPECT_TRUE(problems.empty())
            << front_->name() << " log:\n" << testing::PrintToString(problems);
        EXPECT_TRUE(ended_cleanly(end, front_->error_log())) << front_->name();
        if (HasFailure()) {
            std::cerr << "--- " << front_->name() << " log ---\n" << tail(front_->error_log())
                      << "\n";
        }
        front_.reset();
    }
    if (sidecar_) {
        auto end = sidecar_->stop();
        EXPECT_TRUE(ended_cleanly(end, sidecar_->log()));
        if (HasFailure()) {
            std::cerr << "--- sidecar log ---\n" << tail(sidecar_->log()) << "\n";
        }
        sidecar_.reset();
    }
}

void isapi_behind_front::TearDown() { stop_all(); }

}  // namespace isapi_fcgi::test
