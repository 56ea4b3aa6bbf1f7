#include "ops/master.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <initializer_list>
#include <fstream>
#include <map>
#include <optional>
#include <memory>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "engine/asio.hpp"
#include "logging/logging.hpp"
#include "ops/log_options.hpp"
#include "ops/listen_sockets.hpp"
#include "ops/master_state.hpp"
#include "ops/pool_supervisor.hpp"
#include "ops/wine_prefix_keepers.hpp"
#include "ops/privileges.hpp"
#include "ops/startup.hpp"
#include "ops/status_snapshot.hpp"
#include "ops/systemd_notify.hpp"
#include "ops/worker_spawn.hpp"

namespace isapi_fcgi::ops {
namespace {

namespace asio = engine::asio;
constexpr std::chrono::milliseconds tick_interval{250};

std::shared_ptr<int> shared_fd(int fd) {
    return std::shared_ptr<int>(new int(fd), [](int* p) {
        ::close(*p);
        delete p;
    });
}

// What an extension file looked like when a generation loaded it: an in-place overwrite keeps
// the inode and changes the rest, which is what draining workers cannot survive.
struct file_stamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
};

std::optional<file_stamp> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return file_stamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

class master {
public:
    explicit master(std::string path) : path_(std::move(path)), context_{io_, path_, {}, [this] { check_progress(); }} {}

    int run() {
        auto loaded = load_and_set_up_logging(path_);
        if (!loaded) return 1;
        const config::settings settings = loaded->settings;
        const std::string text = loaded->text;
        settings_ = settings;
        state_path_ = settings.state_file;
        state_.pid = ::getpid();
        context_.shutdown_timeout = settings.shutdown_timeout;
        remember_extension_files(settings);
        const auto files = raise_open_files_limit();
        try {
            open_log_files(settings);
            for (const auto& pool : settings.pools)
                if (!pool.isapi.extensions.empty() && pool.process.user.empty()) refuse_root(settings.allow_root, pool.name);
            auto config_fd = shared_fd(make_config_fd(text));
            std::vector<std::pair<config::pool_settings, std::vector<const open_socket*>>> opened;
            for (const auto& pool : settings.pools) opened.emplace_back(pool, sockets_.open_pool(pool));
            sockets_.check_all_claimed();
            for (auto& [pool, sockets] : opened)
                pools_.push_back(std::make_unique<pool_supervisor>(context_, pool, sockets, config_fd));
        } catch (const std::exception& e) {
            fatal("cannot start", e.what());
            return 1;
        }
        spdlog::info("master (pid {}) starting {} pool(s); open files limit {}", ::getpid(), pools_.size(), files);
        signals_.add(SIGTERM);
        signals_.add(SIGINT);
        signals_.add(SIGQUIT);
        signals_.add(SIGHUP);
        signals_.add(SIGUSR1);
        signals_.add(SIGCHLD);
        ::signal(SIGPIPE, SIG_IGN);
        wait_signal();
        for (auto& p : pools_) p->start();
        keepers_.update(settings.pools);
        arm_tick();
        io_.run();
        return exit_code_;
    }

private:
    void fatal(std::string_view what, std::string_view why) {
        spdlog::critical("{}: {}", what, why);
        if (!settings_.log.file.empty())
            std::fprintf(stderr, "isapi-fcgi: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
                         static_cast<int>(why.size()), why.data());
    }

    void wait_signal() {
        signals_.async_wait([this](engine::io_error ec, int sig) {
            if (ec) return;
            on_signal(sig);
            wait_signal();
        });
    }

    void on_signal(int sig) {
        switch (sig) {
        case SIGCHLD: return reap();
        case SIGHUP: return reload();
        case SIGUSR1:
            // The master reopens (it may open files the pools' users may not) and hands them over.
            spdlog::info("received SIGUSR1; reopening log files");
            logging::reopen();
            for (auto& p : all_pools()) p->reopen_logs();
            return;
        default:
            if (!stopping_) {
                spdlog::info("received signal {}; stopping gracefully (a second signal stops at once)", sig);
                begin_stop(false);
            } else {
                spdlog::warn("received signal {} again; stopping now", sig);
                begin_stop(true);
            }
        }
    }

    std::vector<pool_supervisor*> all_pools() {
        std::vector<pool_supervisor*> out;
        for (auto& p : pools_) out.push_back(p.get());
        for (auto& p : retiring_) out.push_back(p.get());
        return out;
    }

    void reap() {
        int status = 0;
        for (pid_t pid; (pid = ::waitpid(-1, &status, WNOHANG)) > 0;) {
            bool known = false;
            for (auto* p : all_pools()) known = known || p->on_exit(pid, status);
            known = known || keepers_.on_exit(pid, status);
            if (!known) spdlog::debug("reaped unknown child {}", pid);
        }
        std::erase_if(retiring_, [](const auto& p) { return !p->has_processes(); });
        check_progress();
    }

    void arm_tick() {
        // Often enough for the watchdog too (systemd asks for pings at least every WATCHDOG_USEC).
        timer_.expires_after(std::min(tick_interval, notify_.watchdog_interval().value_or(tick_interval)));
        timer_.async_wait([this](engine::io_error ec) {
            if (ec) return;
            for (auto* p : all_pools()) p->tick();
            keepers_.tick();
            const auto now = std::chrono::steady_clock::now();
            if (const auto interval = notify_.watchdog_interval(); interval && now - last_watchdog_ >= *interval) {
                notify_.watchdog();
                last_watchdog_ = now;
            }
            // A STATUS line every 10 s, as php-fpm's systemd_interval.
            if (notify_.enabled() && ready_ && now - last_status_ >= std::chrono::seconds(10)) {
                notify_.status(status_line());
                last_status_ = now;
            }
            arm_tick();
        });
    }

    void check_progress() {
        if (stopping_) {
            const bool done = std::none_of(pools_.begin(), pools_.end(), [](const auto& p) { return p->has_processes(); }) &&
                              retiring_.empty() && !keepers_.has_processes();
            // Posted: this may run inside a supervisor's own call, which finish() destroys.
            if (done && !finishing_) {
                finishing_ = true;
                asio::post(io_, [this] { finish(); });
            }
            return;
        }
        if (!ready_) {
            if (!std::all_of(pools_.begin(), pools_.end(), [](const auto& p) { return p->settled(); })) return;
            if (std::any_of(pools_.begin(), pools_.end(), [](const auto& p) { return p->failed_fatally(); })) {
                fatal("cannot start", "a pool's workers could not start (see above)");
                exit_code_ = 1;
                begin_stop(false);
                return;
            }
            ready_ = true;
            spdlog::info("ready: {} pool(s) serving", pools_.size());
            publish_state({state_path_});
            notify_.ready(status_line());
            return;
        }
        if (reloading_ && std::all_of(pools_.begin(), pools_.end(), [](const auto& p) { return p->reload_settled(); })) {
            reloading_ = false;
            // A pool whose new generation could not start has logged why, once; "reload
            // complete" would contradict it.
            std::string cause;
            for (const auto& p : pools_)
                if (auto& h = p->board().header(); h.reload_failed.load() != 0 && cause.empty())
                    cause = "pool " + p->name() + ": " + h.reload_error.load();
            if (cause.empty()) spdlog::info("reload complete");
            reload_verdict(cause);
            notify_.ready(status_line() + (cause.empty() ? "" : "; last reload failed"));
        }
    }

    std::string status_line() {
        std::string out;
        for (const auto& p : pools_) {
            const auto s = take_snapshot(p->board(), p->name(), {});
            out += fmt::format("{}{}: {} worker(s){}, {} requests", out.empty() ? "" : "; ", p->name(), s.workers_ready,
                               p->stopped() ? " (stopped by rapid-fail protection)" : "", s.requests);
        }
        return out;
    }

    void reload() {
        if (stopping_) return;
        spdlog::info("received SIGHUP; reloading {}", path_);
        notify_.reloading();
        std::string text;
        config::settings fresh;
        reload_state_path_ = state_path_;
        try {
            auto loaded = read_config(path_);
            text = std::move(loaded.text);
            fresh = std::move(loaded.settings);
            reload_state_path_ = fresh.state_file;
            if (fresh.log.level != settings_.log.level || fresh.log.file != settings_.log.file ||
                fresh.log.format != settings_.log.format || fresh.log.mode != settings_.log.mode)
                logging::setup(logging_options(fresh.log));
            open_log_files(fresh);
            for (const auto& pool : fresh.pools)
                if (!pool.isapi.extensions.empty() && pool.process.user.empty()) refuse_root(fresh.allow_root, pool.name);
        } catch (const std::exception& e) {
            return reload_refused(e.what());
        }
        std::shared_ptr<int> config_fd;
        std::vector<std::pair<config::pool_settings, std::vector<const open_socket*>>> opened;
        try {
            config_fd = shared_fd(make_config_fd(text));
            for (const auto& pool : fresh.pools) opened.emplace_back(pool, sockets_.open_pool(pool));
        } catch (const std::exception& e) {
            return reload_refused(e.what());
        }
        settings_ = fresh;
        if (state_path_ != fresh.state_file && !state_path_.empty()) ::unlink(state_path_.c_str());
        state_path_ = fresh.state_file;
        context_.shutdown_timeout = fresh.shutdown_timeout;
        warn_about_overwritten_extensions(fresh);
        remember_extension_files(fresh);
        std::vector<std::unique_ptr<pool_supervisor>> next;
        std::vector<std::string> in_use;
        for (auto& [pool, sockets] : opened) {
            for (const auto* s : sockets) in_use.push_back(s->identity);
            // A named copy: clang 14 (the fuzz build) cannot capture a structured binding.
            const std::string& name = pool.name;
            auto existing = std::find_if(pools_.begin(), pools_.end(), [&](const auto& p) { return p && p->name() == name; });
            if (existing != pools_.end()) {
                (*existing)->set_reload_result("");
                (*existing)->reload(pool, sockets, config_fd);
                next.push_back(std::move(*existing));
            } else {
                auto created = std::make_unique<pool_supervisor>(context_, pool, sockets, config_fd);
                created->start();
                next.push_back(std::move(created));
            }
        }
        for (auto& old : pools_) {
            if (!old) continue;
            spdlog::info("pool {}: removed from the configuration; its workers drain", old->name());
            old->stop(false);
            retiring_.push_back(std::move(old));
        }
        pools_ = std::move(next);
        // Old workers keep their own copies of the descriptors; the master's go now.
        sockets_.close_unused(in_use);
        keepers_.update(fresh.pools);
        reloading_ = true;
        check_progress();
    }

    // Every file the processes write, opened here for the workers to be handed (log_handover).
    static void open_log_files(const config::settings& s) {
        const auto paths = log_file_paths(s);
        for (const auto& path : paths) logging::log_files::get(path);
        logging::log_files::retain(paths);
    }

    void remember_extension_files(const config::settings& s) {
        stamps_.clear();
        for (const auto& pool : s.pools)
            for (const auto& e : pool.isapi.extensions)
                if (const auto stamp = stamp_of(e.path)) stamps_[e.path] = *stamp;
    }

    void warn_about_overwritten_extensions(const config::settings& s) {
        for (const auto& pool : s.pools) {
            for (const auto& e : pool.isapi.extensions) {
                const auto before = stamps_.find(e.path);
                const auto now = stamp_of(e.path);
                if (before == stamps_.end() || !now) continue;
                const auto& b = before->second;
                const bool same_file = b.device == now->device && b.inode == now->inode;
                const bool changed = b.size != now->size || b.modified.tv_sec != now->modified.tv_sec ||
                                     b.modified.tv_nsec != now->modified.tv_nsec;
                if (same_file && changed)
                    spdlog::warn("pool {}: extension '{}' ({}) was overwritten in place; workers still running the "
                                 "old code may crash. Replace extension files atomically (install(1), or copy to a "
                                 "temporary name and mv)",
                                 pool.name, e.name, e.path);
            }
        }
    }

    void reload_refused(const std::string& why) {
        spdlog::error("reload refused: {}; the running configuration stays in force", why);
        for (auto& p : pools_) p->set_reload_result(why);
        reload_verdict(why);
        notify_.ready(status_line() + "; last reload failed");
    }

    // Counted per pool (metrics) and written to the state file, where `isapi-fcgi reload` waits
    // for it; a refused file's own state_file is told too, as that is the one the command reads.
    void reload_verdict(const std::string& cause) {
        for (auto& p : pools_) p->board().header().reloads[cause.empty() ? 0 : 1].fetch_add(1);
        ++state_.reloads;
        state_.last_reload = cause.empty() ? "ok" : "failed";
        state_.last_reload_error = cause;
        publish_state({state_path_, reload_state_path_});
    }

    void publish_state(std::initializer_list<std::string> paths) {
        std::vector<std::string> done;
        for (const auto& path : paths) {
            if (path.empty() || std::find(done.begin(), done.end(), path) != done.end()) continue;
            done.push_back(path);
            if (!write_master_state(path, state_))
                spdlog::warn("cannot write the state file {}: {}", path, std::strerror(errno));
        }
    }

    void begin_stop(bool immediate) {
        if (!stopping_) notify_.stopping();
        stopping_ = true;
        for (auto* p : all_pools()) p->stop(immediate);
        keepers_.stop(immediate);
        // The draining workers close their copies at once: with ours closed too, a new connection
        // is refused now rather than left in the backlog until every worker has exited.
        sockets_.stop_listening();
        check_progress();
    }

    void finish() {
        spdlog::info("master exiting");
        if (!state_path_.empty()) ::unlink(state_path_.c_str());
        signals_.cancel();
        timer_.cancel();
        pools_.clear();
        retiring_.clear();
        io_.stop();
    }

    asio::io_context io_;
    asio::signal_set signals_{io_};
    asio::steady_timer timer_{io_};
    std::string path_;
    config::settings settings_;
    listen_sockets sockets_;
    systemd_notify notify_;
    supervisor_context context_;
    std::vector<std::unique_ptr<pool_supervisor>> pools_;
    std::vector<std::unique_ptr<pool_supervisor>> retiring_;
    wine_prefix_keepers keepers_;
    std::chrono::steady_clock::time_point last_watchdog_{};
    std::chrono::steady_clock::time_point last_status_{};
    std::map<std::string, file_stamp> stamps_;
    master_state state_;
    std::string state_path_;         ///< the configuration in force's state_file
    std::string reload_state_path_;  ///< the state_file of the file being reloaded
    bool ready_ = false;
    bool stopping_ = false;
    bool finishing_ = false;
    bool reloading_ = false;
    int exit_code_ = 0;
};

}  // namespace

int run_master(const std::string& config_path) {
    master m(config_path);
    return m.run();
}

}  // namespace isapi_fcgi::ops
