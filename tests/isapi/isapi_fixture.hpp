#pragma once
// GoogleTest fixture for the ISAPI host behind a real front end: a sidecar loading the example
// and fixture extensions (each answering /scripts/<name>.dll), and nginx, Apache httpd or
// HAProxy running the shipped configuration unchanged (conf/nginx/isapi-fcgi.conf,
// conf/apache/isapi-fcgi.conf or isapi-fcgi-sethandler.conf, conf/haproxy/isapi-fcgi.cfg).
// Which front end is chosen by ISAPI_FCGI_FRONT (nginx when unset): CTest registers each suite
// once per front end (TEST_PREFIX nginx., apache., haproxy.), so every test written against
// this fixture runs through each. Teardown is an assertion: the front end's log holds no
// FastCGI problem the test did not provoke, and both processes stop cleanly on their stop
// signal with no sanitizer report.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/isapi_sidecar.hpp"
#include "support/temp_dir.hpp"
#include "support/web_front.hpp"

namespace isapi_fcgi::test {

/// The front ends the ISAPI suites run through.
enum class front_kind {
    nginx,              ///< conf/nginx/isapi-fcgi.conf
    apache,             ///< conf/apache/isapi-fcgi.conf (ProxyPassMatch)
    apache_sethandler,  ///< conf/apache/isapi-fcgi-sethandler.conf (SetHandler)
    haproxy,            ///< conf/haproxy/isapi-fcgi.cfg (fcgi-app, multiplexing)
};

/// ISAPI_FCGI_FRONT: nginx (or unset), apache, apache-sethandler, haproxy. Throws otherwise.
front_kind front_under_test();
const char* front_name(front_kind kind);

/// The .so of an example or fixture extension, by target name (hello, clash_a, ...).
std::filesystem::path extension_library(const std::string& name);

/// `{name, its .so, {"/scripts/<name>.dll"}}`.
isapi_extension_entry mapped_extension(const std::string& name);

/// The first line of `file` matching `pattern`, waited for (bounded) while an extension writes
/// the file; nullopt at the deadline. The file may not exist yet.
std::optional<std::string> wait_file_line(const std::filesystem::path& file, const std::regex& pattern,
                                          deadline until);

/// "bytes=<n>\nfnv1a64=<hex>\n" as the examples' fnv1a64 tool prints it for a file.
std::string fnv1a64_tool_output(const std::filesystem::path& file, const temp_dir& scratch);

/// The same two lines computed here, for bytes held in memory.
std::string fnv1a64_lines(const std::string& bytes);

class isapi_behind_front : public ::testing::Test {
protected:
    void TearDown() override;

    /// Every example and fixture extension; fail_version not required.
    isapi_sidecar_options standard_options() const;
    /// nginx server-block directives every test gets (uploads up to 200 MiB reach the
    /// sidecar). Apache's LimitRequestBody (1 GiB) and HAProxy (no limit) need none.
    static std::string standard_server_extra();

    /// Starts the sidecar, then the front end in front of it. `server_extra` is for nginx's
    /// server block (the other front ends ignore it).
    void start(std::optional<isapi_sidecar_options> options = std::nullopt,
               std::string server_extra = standard_server_extra());

    isapi_sidecar& sidecar() { return *sidecar_; }
    web_front& front() { return *front_; }
    /// The name front() had when nginx was the only front end; new code says front().
    web_front& nginx() { return front(); }
    front_kind kind() const { return kind_; }
    bool behind_apache() const
    {
        return kind_ == front_kind::apache || kind_ == front_kind::apache_sethandler;
    }
    const temp_dir& work() const { return work_; }

    http_result get(const std::string& path, std::vector<std::string> headers = {});
    http_result post(const std::string& path, std::string body,
                     std::vector<std::string> headers = {});
    /// curl with `extra` arguments before the URL (uploads from a file, ...).
    http_result curl(const std::string& path, std::vector<std::string> extra,
                     std::chrono::seconds max_time = std::chrono::seconds(60));

    /// Front-end log lines matching this are expected by the test (it provokes them). The
    /// pattern names what each front end logs (case-insensitive).
    void allow_front_problems(const std::string& pattern);
    void allow_nginx_problems(const std::string& pattern) { allow_front_problems(pattern); }

    /// The sidecar's access line for `request_line` (e.g. `GET /scripts/hello.dll`), waited for.
    std::optional<std::string> wait_access_line(const std::string& request_line,
                                                std::size_t from = 0);

    /// File written by the dllmain fixture (ISAPI_DLLMAIN_LOG).
    std::filesystem::path dllmain_log() const { return work_.file("dllmain-events.log"); }

    /// Stops the front end (checking its log) and then the sidecar; each asserts a clean end.
    void stop_all();

    static deadline soon() { return deadline_after(scaled(std::chrono::seconds(10))); }

    temp_dir work_{"isapi-fcgi-isapi-test"};
    std::unique_ptr<isapi_sidecar> sidecar_;
    std::unique_ptr<web_front> front_;
    std::optional<std::regex> allowed_front_problems_;
    /// Concurrent client connections the front end takes, for the next start(): nginx's
    /// worker_connections, Apache's MaxRequestWorkers, HAProxy's maxconn.
    unsigned front_connections_ = 256;
    const front_kind kind_ = front_under_test();
};

/// The fixture's name from before the front-end matrix: suites deriving from it run through
/// every front end too.
using isapi_behind_nginx = isapi_behind_front;

/// Base for suites that test one front end's own behaviour (nginx's X-Accel-*, HAProxy's
/// multiplexing). Name them *_nginx_only or *_haproxy_only: CTest registers them for that front
/// end only, and run by hand through another one they are skipped.
template <front_kind only, class base = isapi_behind_front>
class isapi_behind_only : public base {
protected:
    void SetUp() override
    {
        if (this->kind() != only) {
            GTEST_SKIP() << "specific to " << front_name(only) << "; the front end is "
                         << front_name(this->kind());
        }
    }
};
using isapi_behind_nginx_only = isapi_behind_only<front_kind::nginx>;
using isapi_behind_haproxy_only = isapi_behind_only<front_kind::haproxy>;

/// Why a test of a streamed chunked upload is skipped through HAProxy (GTEST_SKIP() << it).
inline constexpr const char* haproxy_refuses_unknown_length =
    "HAProxy 2.6 answers 400 itself to a request body of unknown length (chunked, larger than "
    "its buffer): its FastCGI multiplexer needs CONTENT_LENGTH; "
    "isapi_front_rules.a_large_chunked_upload_arrives_whole_without_content_length proves it";

/// `text` with regex metacharacters escaped.
std::string regex_escape(const std::string& text);

}  // namespace isapi_fcgi::test
