#pragma once
// GoogleTest fixture for the ISAPI host behind real nginx: a sidecar loading the example and
// fixture extensions (each answering /scripts/<name>.dll), and an nginx that includes the
// shipped snippet conf/nginx/isapi-fcgi.conf unchanged. Teardown is an assertion: nginx's
// error log holds no FastCGI problem the test did not provoke, and both processes stop cleanly
// on SIGTERM with no sanitizer report.
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
#include "support/nginx_front.hpp"
#include "support/temp_dir.hpp"

namespace isapi_fcgi::test {

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

class isapi_behind_nginx : public ::testing::Test {
protected:
    void TearDown() override;

    /// Every example and fixture extension; fail_version not required.
    isapi_sidecar_options standard_options() const;
    /// Server-block directives every test gets (uploads up to 200 MiB reach the sidecar).
    static std::string standard_server_extra();

    /// Starts the sidecar, then nginx in front of it.
    void start(std::optional<isapi_sidecar_options> options = std::nullopt,
               std::string server_extra = standard_server_extra());

    isapi_sidecar& sidecar() { return *sidecar_; }
    nginx_front& nginx() { return *nginx_; }
    const temp_dir& work() const { return work_; }

    http_result get(const std::string& path, std::vector<std::string> headers = {});
    http_result post(const std::string& path, std::string body,
                     std::vector<std::string> headers = {});
    /// curl with `extra` arguments before the URL (uploads from a file, ...).
    http_result curl(const std::string& path, std::vector<std::string> extra,
                     std::chrono::seconds max_time = std::chrono::seconds(60));

    /// nginx error-log lines matching this are expected by the test (it provokes them).
    void allow_nginx_problems(const std::string& pattern);

    /// The sidecar's access line for `request_line` (e.g. `GET /scripts/hello.dll`), waited for.
    std::optional<std::string> wait_access_line(const std::string& request_line,
                                                std::size_t from = 0);

    /// File written by the dllmain fixture (ISAPI_DLLMAIN_LOG).
    std::filesystem::path dllmain_log() const { return work_.file("dllmain-events.log"); }

    /// Stops nginx (checking its log) and then the sidecar; each asserts a clean end.
    void stop_all();

    static deadline soon() { return deadline_after(scaled(std::chrono::seconds(10))); }

    temp_dir work_{"isapi-fcgi-isapi-test"};
    std::unique_ptr<isapi_sidecar> sidecar_;
    std::unique_ptr<nginx_front> nginx_;
    std::optional<std::regex> allowed_nginx_problems_;
    /// nginx's worker_connections for the next start().
    unsigned nginx_worker_connections_ = 256;
};

/// `text` with regex metacharacters escaped.
std::string regex_escape(const std::string& text);

}  // namespace isapi_fcgi::test
