#include "isapi/pool_host.hpp"

#include <latch>

#include <boost/asio/post.hpp>
#include <isapi/isapi_runtime.h>

#include "isapi/runtime_log_hook.hpp"

namespace isapi_fcgi::isapi {

pool_host::pool_host(const config::pool_settings& settings, std::shared_ptr<spdlog::logger> access_log,
                     std::shared_ptr<host_observer> observer)
    : settings_(settings),
      urls_(url_map_options{settings.isapi.url_case_sensitive}),
      access_log_(std::move(access_log)),
      observer_(std::move(observer)),
      threads_(settings.isapi.extension_threads) {
    route_runtime_log_to_spdlog();
    for (const auto& ext : settings_.isapi.extensions) {
        extensions_.push_back(std::make_unique<extension_library>(ext));
        for (const auto& url : ext.urls) urls_.add(url, extensions_.size() - 1);
    }
    attach_threads();
    variables_config_.document_root = settings_.isapi.document_root;
    variables_config_.server_software = settings_.isapi.server_software;
    translator_options_.max_header_bytes = settings_.isapi.max_response_header_bytes;
    translator_options_.default_content_type = settings_.isapi.default_content_type;
}

pool_host::~pool_host() {
    threads_.join();  // in-flight extension calls finish before TerminateExtension
    extensions_.clear();
}

void pool_host::attach_threads() {
    // Every pool thread takes one task and holds it until all have arrived, so each thread
    // announces itself exactly once: DLL_THREAD_ATTACH now, DLL_THREAD_DETACH when it ends.
    const unsigned count = settings_.isapi.extension_threads;
    auto arrived = std::make_shared<std::latch>(count);
    for (unsigned i = 0; i < count; ++i) {
        boost::asio::post(threads_, [arrived] {
            isapi_thread_attach();
            arrived->arrive_and_wait();
        });
    }
    arrived->wait();
}

bool pool_host::first_time(const std::string& extension, const std::string& what) {
    std::lock_guard lock(once_mutex_);
    return logged_once_.emplace(extension, what).second;
}

}  // namespace isapi_fcgi::isapi
