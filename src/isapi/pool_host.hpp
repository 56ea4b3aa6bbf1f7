#pragma once
// What the ISAPI host keeps per pool: the loaded extensions, the URL map, the thread pool that
// runs extension code, and the options every request of the pool shares.
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/thread_pool.hpp>
#include <spdlog/logger.h>

#include "config/settings.hpp"
#include "isapi/extension_library.hpp"
#include "isapi/host_observer.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::isapi {

class pool_host {
public:
    /// Loads every extension of the pool (throws std::runtime_error on a start-up failure).
    pool_host(const config::pool_settings& settings, std::shared_ptr<spdlog::logger> access_log,
              std::shared_ptr<host_observer> observer);
    /// Waits for running extension code, then unloads the extensions.
    ~pool_host();
    pool_host(const pool_host&) = delete;
    pool_host& operator=(const pool_host&) = delete;

    const config::pool_settings& settings() const noexcept { return settings_; }
    const url_map& urls() const noexcept { return urls_; }
    extension_library& extension(std::size_t index) { return *extensions_[index]; }
    boost::asio::thread_pool& threads() noexcept { return threads_; }
    const server_variables_config& variables_config() const noexcept { return variables_config_; }
    const response_translator_options& translator_options() const noexcept { return translator_options_; }
    spdlog::logger* access_log() const noexcept { return access_log_.get(); }
    host_observer& observer() const noexcept { return *observer_; }

    /// True the first time (extension, what) is seen: for "logged once per code and extension".
    bool first_time(const std::string& extension, const std::string& what);

private:
    /// Each extension thread notifies the runtime once (DLL_THREAD_ATTACH/DETACH for DllMain).
    void attach_threads();

    config::pool_settings settings_;
    std::vector<std::unique_ptr<extension_library>> extensions_;
    url_map urls_;
    server_variables_config variables_config_;
    response_translator_options translator_options_;
    std::shared_ptr<spdlog::logger> access_log_;
    std::shared_ptr<host_observer> observer_;  // never null
    std::mutex once_mutex_;
    std::set<std::pair<std::string, std::string>> logged_once_;
    boost::asio::thread_pool threads_;  // last: joined first on destruction
};

}  // namespace isapi_fcgi::isapi
