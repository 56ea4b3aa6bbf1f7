#pragma once
// GoogleTest fixture owning one engine_instance and the clients a test opens. Teardown is an
// assertion (STYLE.md rule 11): the engine must stop cleanly on SIGTERM with no sanitizer
// report, and no client may have seen a protocol violation. On failure the log tail is printed.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/engine_instance.hpp"
#include "support/fcgi_client.hpp"

namespace isapi_fcgi::test {

class engine_fixture : public ::testing::Test {
protected:
    void TearDown() override;

    engine_instance& start_engine(engine_options options = {});
    engine_instance& engine() { return *engine_; }

    /// A client on `address` (default: the engine's first listener), checked at teardown.
    fcgi_client& connect(std::string address = {});

    /// Sends a ping request (keep_conn) on `client` and waits for its END_REQUEST; success when
    /// it is a complete `Status: 200` + `pong` answer.
    ::testing::AssertionResult ping_works(fcgi_client& client, std::uint16_t id = 1,
                                          const std::string& path = "/ping",
                                          const std::string& body = "pong");
    /// Same on a fresh connection.
    ::testing::AssertionResult ping_works_on_new_connection(std::string address = {});

    /// Default bound for one exchange with the engine.
    static deadline soon() { return deadline_after(scaled(std::chrono::seconds(5))); }

    std::unique_ptr<engine_instance> engine_;
    std::vector<std::unique_ptr<fcgi_client>> clients_;
};

/// Describes a finished request for failure messages.
std::string describe(const request_state& state);

}  // namespace isapi_fcgi::test
