#include "isapi/wine_request.hpp"

#include <chrono>
#include <string>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "engine/request.hpp"
#include "engine/simple_response.hpp"
#include "isapi/filtered_relayed_request.hpp"
#include "isapi/linux_child_parent.hpp"
#include "isapi/request_access_record.hpp"
#include "isapi/pool_host.hpp"
#include "logging/access_log_line.hpp"

namespace isapi_fcgi::isapi {
namespace {

using clock = std::chrono::steady_clock;

/// `filtered`: a request of a pool with filters, whose record goes through SF_NOTIFY_LOG first.
void write_access_log(pool_host& pool, const fcgi::param_set& params, std::string_view extension,
                      const wine::relay_outcome& outcome, std::chrono::microseconds duration,
                      filtered_channel* filtered = nullptr) {
    auto* log = pool.access_log();
    if (!log) return;
    auto record = request_access_record(params, pool.options().name);
    record.extension = extension;
    record.status = outcome.client_gone ? logging::client_closed_request : outcome.status;
    // No dwHttpStatusCode crosses the pipe: the status the response carried is the closest.
    record.iis_status = outcome.status;
    record.bytes_received = outcome.bytes_in;
    record.bytes_sent = outcome.bytes_out;
    record.duration = duration;
    record.log_data = outcome.log_data;
    record.log_parameters = outcome.log_parameters;
    if (filtered && filtered->defer_access_log(record)) return;
    log->info("{}", logging::format_access_line(pool.access_format(), record));
}

/// The Linux host's line for an HSE_REQ_EXEC_URL child (isapi_request::write_access_log): the
/// child's URL and extension, written as the child ends.
void write_child_access_log(pool_host& pool, std::string_view extension, const wine::child_outcome& child) {
    auto* log = pool.access_log();
    if (!log) return;
    auto record = request_access_record(child.request, pool.options().name);
    record.extension = extension;
    record.status = child.outcome.client_gone ? logging::client_closed_request : child.outcome.status;
    record.iis_status = child.iis_status;
    record.bytes_received = child.outcome.bytes_in;
    record.bytes_sent = child.outcome.bytes_out;
    record.duration = child.duration;
    record.log_data = child.outcome.log_data;
    record.log_parameters = child.outcome.log_parameters;
    log->info("{}", logging::format_access_line(pool.access_format(), record));
}

/// The children a Windows worker runs for a request of `extension`, and those the Linux worker
/// runs (a native extension's) or relays (another Wine extension's).
wine::wine_extension::child_handler child_logger(const std::shared_ptr<pool_host>& pool, std::size_t extension) {
    return [pool, extension](const wine::child_outcome& child) {
        write_child_access_log(*pool, pool->options().extensions[extension].name, child);
    };
}

wine::wine_extension::child_runner child_runner(const std::shared_ptr<pool_host>& pool) {
    return [pool](wine::linux_child child) {
        const std::size_t extension = child.match.extension;
        if (!pool->wine_extension(extension)) return run_linux_child(pool, std::move(child));
        // Another Wine extension: relayed to its Windows worker as a request of its own.
        const auto strand = child.parent->executor();
        auto match = child.match;
        boost::asio::post(strand, [pool, extension, relayed = relayed_linux_child(std::move(child)),
                                   match = std::move(match)]() mutable {
            serve_wine_child(pool, std::move(relayed), extension, std::move(match));
        });
    };
}

}  // namespace

void serve_wine_child(const std::shared_ptr<pool_host>& pool, std::shared_ptr<wine::relayed_request> child,
                      std::size_t extension, url_match match) {
    const auto started = clock::now();
    // Its own access line, as the Linux host writes one per child (with its URL and extension).
    auto finished = [pool, child, extension, started](const wine::relay_outcome& outcome) {
        const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
        write_access_log(*pool, child->params(), pool->options().extensions[extension].name, outcome, duration);
    };
    pool->wine_extension(extension)->handle(std::move(child), std::move(match), std::move(finished),
                                            child_logger(pool, extension), child_runner(pool));
}

void serve_under_wine(const std::shared_ptr<pool_host>& pool, std::shared_ptr<engine::request> r,
                      std::shared_ptr<filtered_channel> filtered, std::size_t extension, url_match match) {
    auto& observer = pool->observer();
    const std::string& name = pool->options().extensions[extension].name;
    // In a pool with filters the Windows worker gets the params the request-side filters left,
    // and its response goes through their response side, as a native extension's does.
    std::shared_ptr<wine::relayed_request> relayed;
    if (filtered) relayed = std::make_shared<filtered_relayed_request>(filtered);
    else relayed = std::make_shared<wine::engine_relayed_request>(r);
    const auto& params = relayed->params();
    observer.request_started({r->serial(), pool->options().name, name, extension, params.get("REQUEST_METHOD"),
                              params.get("REQUEST_URI")});
    const auto started = clock::now();
    auto finished = [pool, r, filtered, extension, started](const wine::relay_outcome& outcome) {
        const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
        const std::string& ext_name = pool->options().extensions[extension].name;
        write_access_log(*pool, filtered ? filtered->params() : r->params(), ext_name, outcome, duration,
                         filtered.get());
        pool->observer().request_finished({r->serial(), pool->options().name, ext_name, extension, outcome.status,
                                           outcome.status, false, outcome.timed_out, outcome.bytes_in,
                                           outcome.bytes_out, duration});
    };
    const auto refuse = [&](unsigned status, std::string_view body) {
        relayed->write(engine::make_simple_response(static_cast<int>(status), body), {});
        relayed->end();
        finished({.status = status});
    };
    if (const auto stopped = observer.extension_stopped(extension); !stopped.empty()) {
        spdlog::warn("{} 503: extension '{}' is stopped: {}", r->log_context(), name, engine::log_text(stopped));
        return refuse(503, "503 Service Unavailable: the extension is stopped\n");
    }
    if (const auto admission = observer.admit(r->serial()); admission.refused) {
        if (admission.log_it)
            spdlog::error("{} answering 500: the same request crashed a worker moments ago (crash_quarantine)",
                          r->log_context());
        return refuse(500, "500 Internal Server Error\n");
    }
    pool->wine_extension(extension)->handle(std::move(relayed), std::move(match), std::move(finished),
                                            child_logger(pool, extension), child_runner(pool));
}

}  // namespace isapi_fcgi::isapi
