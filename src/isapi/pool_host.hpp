#pragma once
// What the ISAPI host keeps per pool: the loaded extensions, the URL map, the thread pool that
// runs extension code, and the options every request of the pool shares.
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/thread_pool.hpp>
#include <spdlog/logger.h>

#include "filters/filter_host.hpp"
#include "isapi/extension_library.hpp"
#include "isapi/held_completion_watch.hpp"
#include "isapi/host_observer.hpp"
#include "isapi/pool_options.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/url_map.hpp"
#include "logging/access_log_line.hpp"
#include "wine/wine_extension.hpp"

namespace isapi_fcgi::isapi {

class pool_host {
public:
    /// Loads every extension of the pool (throws std::runtime_error on a start-up failure).
    pool_host(const pool_options& options, std::shared_ptr<spdlog::logger> access_log,
              logging::access_log_template access_format, std::shared_ptr<host_observer> observer);
    /// Waits for running extension code, then unloads the extensions.
    ~pool_host();
    pool_host(const pool_host&) = delete;
    pool_host& operator=(const pool_host&) = delete;

    const pool_options& options() const noexcept { return options_; }
    const url_map& urls() const noexcept { return urls_; }
    extension_library& extension(std::size_t index) { return *extensions_[index]; }
    /// The Windows worker relay of a `runtime: wine` extension; null for a native one.
    wine::wine_extension* wine_extension(std::size_t index) { return wine_extensions_[index].get(); }
    boost::asio::thread_pool& threads() noexcept { return threads_; }
    /// Where TransmitFile/VECTOR_SEND read files: threads that may block on disk, so neither the
    /// I/O threads nor the extension threads (which may all be waiting for output) do.
    boost::asio::thread_pool& file_threads() noexcept { return file_threads_; }
    /// Releases completions a proc holds while it waits for them (see held_completion_watch).
    held_completion_watch& held_completions() noexcept { return held_completions_; }
    const server_variables_config& variables_config() const noexcept { return variables_config_; }
    const response_translator_options& translator_options(std::size_t extension) const noexcept {
        return translator_options_[extension];
    }

    /// The pool's filters, or null when it has none (its requests then never meet the filter
    /// code). Loaded before the extensions; a filter that cannot load fails the pool.
    filters::filter_host* filters() noexcept { return filters_.get(); }
    /// Where the response side of filtered requests runs: filter code may block, and the
    /// extension threads may all be waiting for that very output.
    boost::asio::thread_pool& filter_threads() noexcept { return *filter_threads_; }

    /// Requests alive in this pool (begun, not yet torn down); any thread.
    void request_began() noexcept;
    void request_ended() noexcept;
    std::size_t live_requests() const noexcept;

    /// Graceful end, once the engine has drained: fails what the pool's requests still wait on,
    /// waits for running extension code, calls TerminateExtension and unloads the extensions.
    /// Called once, by the owner; idempotent.
    void shutdown();
    spdlog::logger* access_log() const noexcept { return access_log_.get(); }
    const logging::access_log_template& access_format() const noexcept { return access_format_; }
    host_observer& observer() const noexcept { return *observer_; }

    /// True the first time (extension, what) is seen: for "logged once per code and extension".
    bool first_time(const std::string& extension, const std::string& what);

private:
    /// Each extension thread notifies the runtime once (DLL_THREAD_ATTACH/DETACH for DllMain).
    void attach_threads();

    pool_options options_;
    std::unique_ptr<filters::filter_host> filters_;
    std::unique_ptr<boost::asio::thread_pool> filter_threads_;
    std::vector<std::unique_ptr<extension_library>> extensions_;
    std::vector<std::unique_ptr<wine::wine_extension>> wine_extensions_;  // per extension; null: native
    url_map urls_;
    server_variables_config variables_config_;
    std::vector<response_translator_options> translator_options_;  // per extension
    std::shared_ptr<spdlog::logger> access_log_;
    logging::access_log_template access_format_;
    std::shared_ptr<host_observer> observer_;  // never null
    std::mutex once_mutex_;
    std::set<std::pair<std::string, std::string>> logged_once_;
    std::atomic<std::size_t> live_requests_{0};
    bool shut_down_ = false;
    boost::asio::thread_pool file_threads_{2};
    // Short: only a proc that waits for its own completion ever waits this long for it.
    held_completion_watch held_completions_{std::chrono::milliseconds(2)};
    boost::asio::thread_pool threads_;  // last: joined first on destruction
};

}  // namespace isapi_fcgi::isapi
