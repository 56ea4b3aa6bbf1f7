#include "support/engine_fixture.hpp"

#include <sstream>

namespace isapi_fcgi::test {

std::string describe(const request_state& state)
{
    std::ostringstream text;
    text << "ended=" << state.ended << " app_status=" << state.app_status
         << " protocol_status=" << static_cast<int>(state.protocol_status)
         << " stdout_closed=" << state.out_closed << " stdout=[" << state.out << "]";
    if (!state.err.empty()) {
        text << " stderr=[" << state.err << "]";
    }
    return text.str();
}

engine_instance& engine_fixture::start_engine(engine_options options)
{
    engine_ = std::make_unique<engine_instance>(std::move(options));
    return *engine_;
}

fcgi_client& engine_fixture::connect(std::string address)
{
    if (address.empty()) {
        address = engine_->address();
    }
    clients_.push_back(std::make_unique<fcgi_client>(address));
    return *clients_.back();
}

::testing::AssertionResult engine_fixture::ping_works(fcgi_client& client, std::uint16_t id,
                                                      const std::string& path,
                                                      const std::string& body)
{
    try {
        client.request(id, wire::cgi_params(path));
    } catch (const std::exception& error) {
        return ::testing::AssertionFailure() << "sending the ping failed: " << error.what();
    }
    if (!client.wait_end(id, soon())) {
        return ::testing::AssertionFailure()
               << "no END_REQUEST for ping id " << id << " (eof=" << client.eof()
               << "): " << describe(client.state(id));
    }
    const auto& state = client.state(id);
    auto response = state.response();
    if (state.protocol_status != wire::request_complete || !state.out_closed
        || response.status != 200 || response.body != body) {
        return ::testing::AssertionFailure() << "bad ping answer: " << describe(state);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult engine_fixture::ping_works_on_new_connection(std::string address)
{
    try {
        return ping_works(connect(std::move(address)));
    } catch (const std::exception& error) {
        return ::testing::AssertionFailure() << "connect failed: " << error.what();
    }
}

void engine_fixture::TearDown()
{
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        const auto& violations = clients_[i]->violations();
        EXPECT_TRUE(violations.empty())
            << "client " << i << " saw protocol violations:\n  "
            << ::testing::PrintToString(violations);
    }
    clients_.clear();
    if (!engine_) {
        return;
    }
    auto end = engine_->stop();
    EXPECT_TRUE(ended_cleanly(end, engine_->log()));
    if (HasFailure()) {
        std::cerr << "--- engine log (" << engine_->dir().string() << ") ---\n"
                  << tail(engine_->log(), 12000) << "\n";
    }
    engine_.reset();
}

}  // namespace isapi_fcgi::test
