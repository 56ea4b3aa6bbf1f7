#include "isapi/pool_host.hpp"

#include <algorithm>
#include <latch>
#include <stdexcept>

#include <boost/asio/post.hpp>
#include <isapi/isapi_runtime.h>

#include "isapi/conn_table.hpp"
#include "isapi/runtime_log_hook.hpp"

namespace isapi_fcgi::isapi {

pool_host::pool_host(const pool_options& options, std::shared_ptr<spdlog::logger> access_log,
                     logging::access_log_template access_format, std::shared_ptr<host_observer> observer)
    : options_(options),
      urls_(url_map_options{options.url_case_sensitive, options.allow_path_info_for_script_mappings}),
      access_log_(std::move(access_log)),
      access_format_(std::move(access_format)),
      observer_(std::move(observer)),
      threads_(options.extension_threads) {
    route_runtime_log_to_spdlog();
    variables_config_.document_root = options_.document_root;
    variables_config_.server_software = options_.server_software;
    variables_config_.all_http_crlf = options_.all_http_crlf;
    variables_config_.app_pool_id = options_.name;
    variables_config_.overrides = options_.server_variables;
    if (!options_.filters.empty()) {
        std::vector<filters::filter_settings> filters;
        for (const auto& f : options_.filters) filters.push_back({f.name, f.path});
        filters_ = std::make_unique<filters::filter_host>(
            filters, filters::filter_host_options{options_.filter_session_timeout});
        filter_threads_ = std::make_unique<boost::asio::thread_pool>(
            std::clamp(options_.extension_threads / 4, 2u, 8u));
    }
    for (const auto& ext : options_.extensions) {
        const std::size_t index = extensions_.size();
        wine_extensions_.emplace_back();
        if (ext.runtime == extension_runtime::wine) {
            observer_->extension_loading(index);
            try {
                wine_extensions_.back() = std::make_unique<wine::wine_extension>(
                    ext, options_, [observer = observer_, index](const wine::worker_crash& crash) {
                        observer->windows_worker_crashed(index, crash.pid, crash.how, crash.in_flight);
                    },
                    [observer = observer_, index](int pid) { observer->windows_worker_changed(index, pid); },
                    // HSE_REQ_REPORT_UNHEALTHY: to the master, as a native extension's report goes.
                    [observer = observer_, pool = options_.name, name = ext.name](std::string_view reason) {
                        observer->extension_unhealthy(pool, name, reason);
                    },
                    // HSE_REQ_EXEC_URL children: mapped by this pool's URL map, as the Linux host's.
                    [this, index](const fcgi::param_set& child, bool skip_current) {
                        wine::child_mapping mapping{urls_.map(child, skip_current ? index : url_map::no_extension)};
                        const bool matched = mapping.mapped.status == url_map_status::matched;
                        mapping.same_extension = matched && mapping.mapped.match.extension == index;
                        const bool wine = matched && options_.extensions[mapping.mapped.match.extension].runtime ==
                                                         extension_runtime::wine;
                        mapping.native = matched && !wine;
                        mapping.other_wine = wine && !mapping.same_extension;
                        return mapping;
                    });
            } catch (const std::exception& e) {
                observer_->extension_loaded(index, e.what());
                throw;
            }
            extensions_.push_back(
                std::make_unique<extension_library>(ext, extension_library::runs_under_wine{}));
            observer_->extension_loaded(index, wine_extensions_.back()->load_error());
        } else if (auto reason = observer_->extension_quarantined(index); !reason.empty()) {
            extensions_.push_back(std::make_unique<extension_library>(ext, std::move(reason)));
        } else {
            observer_->extension_loading(index);
            try {
                extensions_.push_back(std::make_unique<extension_library>(ext));
            } catch (const std::exception& e) {
                observer_->extension_loaded(index, e.what());
                throw;
            }
        }
        if (ext.runtime != extension_runtime::wine)
            observer_->extension_loaded(index, extensions_.back()->load_error());
        for (const auto& url : ext.urls) urls_.add(url, extensions_.size() - 1);
        response_translator_options translator;
        translator.max_header_bytes = options_.max_response_header_bytes;
        translator.default_content_type = options_.default_content_type;
        if (ext.streaming) translator.extra_header_lines = "X-Accel-Buffering: no\r\n";
        translator_options_.push_back(std::move(translator));
    }
    for (const auto& map : options_.script_maps) {
        const auto& exts = options_.extensions;
        const auto found = std::find_if(exts.begin(), exts.end(), [&](const auto& e) { return e.name == map.extension; });
        if (found == exts.end())  // the loader refuses this; settings built in code might not
            throw std::runtime_error("script map for '" + map.path + "' names extension '" + map.extension +
                                     "', which pool '" + options_.name + "' does not have");
        urls_.add_script_map(map.path, map.url_prefix, map.verbs, static_cast<std::size_t>(found - exts.begin()));
    }
    attach_threads();
}

pool_host::~pool_host() { shutdown(); }

void pool_host::request_began() noexcept { live_requests_.fetch_add(1, std::memory_order_relaxed); }
void pool_host::request_ended() noexcept { live_requests_.fetch_sub(1, std::memory_order_relaxed); }
std::size_t pool_host::live_requests() const noexcept { return live_requests_.load(std::memory_order_relaxed); }

void pool_host::shutdown() {
    if (std::exchange(shut_down_, true)) return;
    // Requests still alive here wait on an engine that no longer runs (or on an extension that
    // never finishes): fail their operations so blocked extension threads return.
    std::vector<std::shared_ptr<live_request>> mine;
    for (auto& r : conn_table::instance().live_requests())
        if (&r->pool() == this) mine.push_back(std::move(r));
    for (auto& r : mine) r->abandon();
    threads_.join();  // extension code and completions finish before TerminateExtension
    file_threads_.join();
    if (filter_threads_) filter_threads_->join();
    // Each Windows worker finishes its requests and calls TerminateExtension itself.
    for (auto& w : wine_extensions_)
        if (w) w->stop();
    wine_extensions_.clear();
    extensions_.clear();
    // The ECBs stayed valid through TerminateExtension; now their ConnIDs end.
    for (auto& r : mine) conn_table::instance().end(r->conn_id(), true);
    // Their filter sessions are let go with them, before the sessions end and the filters unload.
    mine.clear();
    filters_.reset();  // END_OF_NET_SESSION for every session, TerminateFilter
}

void pool_host::attach_threads() {
    // Every pool thread takes one task and holds it until all have arrived, so each thread
    // announces itself exactly once: DLL_THREAD_ATTACH now, DLL_THREAD_DETACH when it ends.
    const unsigned count = options_.extension_threads;
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
