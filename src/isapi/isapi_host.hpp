#pragma once
// The ISAPI layer's entry: implements engine::request_handler for every pool of a process.
// Maps each request's URL to a configured extension and hands it to an isapi_request.
#include <map>
#include <memory>
#include <string>

#include "config/settings.hpp"
#include "engine/request_handler.hpp"
#include "isapi/host_observer.hpp"
#include "isapi/pool_host.hpp"

namespace isapi_fcgi::isapi {

class isapi_host final : public engine::request_handler {
public:
    /// Loads every pool's extensions; throws std::runtime_error on a start-up failure.
    /// `observer` (optional) learns of every request and extension event.
    explicit isapi_host(const config::settings& settings, std::shared_ptr<host_observer> observer = nullptr);
    ~isapi_host() override;

    void handle(std::shared_ptr<engine::request> r) override;
    /// Shuts every pool down (isapi::pool_host::shutdown): TerminateExtension runs here.
    void server_stopped() override;

private:
    std::shared_ptr<spdlog::logger> access_log_;
    std::map<std::string, std::shared_ptr<pool_host>, std::less<>> pools_;
};

}  // namespace isapi_fcgi::isapi
