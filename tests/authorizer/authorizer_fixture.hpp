#pragma once
// The request side of a pool's ISAPI filters run as a web server's authorization hook for what
// the web server serves itself (docs/front-ends.md): a real sidecar whose pool loads the test
// filters (gatefilter, authfilter), a document root with files only the filters may let
// through, and the shipped front-end files, unchanged, in a real nginx or Apache.
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/free_port.hpp"
#include "support/http_client.hpp"
#include "support/isapi_sidecar.hpp"
#include "support/temp_dir.hpp"
#include "support/web_front.hpp"

namespace isapi_fcgi::test {

/// "Basic <base64 of user:password>".
std::string basic_credentials(const std::string& user_password);

class authorizer_fixture : public ::testing::Test {
protected:
    /// `filters`: the pool's `filters:` block ("" = none: every authorization must fail).
    void start_sidecar(const std::string& filters);
    /// gatefilter only.
    static std::string gate_filter();
    /// The `filters:` block naming fixture filters (tests/fixtures/filters target names) in this
    /// order.
    static std::string fixture_filters(const std::vector<std::string>& names);

    /// htdocs/private/{secret,new,old}.txt; the front end serves them.
    std::filesystem::path make_document_root(const std::filesystem::path& root) const;

    /// GET `path` from the front end, with an Authorization header when `credentials` is set.
    http_result get(const std::string& path, const std::string& credentials = {},
                    const std::vector<std::string>& headers = {}) const;
    /// GETs `path` `count` times from one curl process, on one client connection when the front
    /// end keeps it: one `--write-out` line per transfer (`format` without its newline; curl's
    /// %{num_connects} is 0 for a transfer that reused the connection).
    std::vector<std::string> write_out_on_one_connection(const std::string& path, const std::string& format,
                                                         int count, const std::vector<std::string>& headers = {}) const;
    /// The pool of the crash tests: misusefilter, two workers; the deliberate SIGSEGV left to
    /// the default action under ASan/TSan (death by the signal, as in a release build).
    void start_sidecar_that_crashes_on_request();
    /// With orderfilter_low_a and orderfilter_high (configured in that order) and a front end
    /// that shows X-Filter-Order as X-Order: the high one saw the event first.
    void expect_the_higher_priority_first();
    /// With orderfilter_high and a front end that shows X-Filter-Seen-high as X-Seen: three
    /// requests on one client connection count 1, 2, 3; a new connection starts at 1.
    void expect_one_context_per_client_connection();
    /// After start_sidecar_that_crashes_on_request(): a request whose filter crashes gets 500 and
    /// never the file; one worker dies, the pool serves the next requests.
    void expect_a_crash_to_fail_closed_and_kill_only_its_worker();
    /// With a sidecar started without filters: a good request gets 500 (the sidecar says why),
    /// and still 500 once the sidecar is gone; never the file.
    void expect_denied_without_filters_and_without_sidecar();
    /// Stops the front end, then the sidecar, failing on problems in their logs but `allowed_problems_`.
    void TearDown() override;

    temp_dir work_{"isapi-fcgi-authz"};
    std::unique_ptr<web_front> front_;
    std::optional<std::regex> allowed_problems_;
    std::uint16_t authorizer_port_ = 0;
    std::unique_ptr<isapi_sidecar> sidecar_;
};

}  // namespace isapi_fcgi::test
