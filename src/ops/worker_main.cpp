#include "ops/worker_main.hpp"

#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "ops/registry_environment.hpp"
#include "logging/logging.hpp"
#include "ops/log_options.hpp"
#include "ops/crash_handler.hpp"
#include "ops/pool_stack.hpp"
#include "ops/privileges.hpp"
#include "ops/scoreboard.hpp"
#include "ops/log_handover.hpp"
#include "ops/worker_channel.hpp"

namespace isapi_fcgi::ops {
namespace {

std::string read_all(int fd) {
    std::string text;
    char buffer[65536];
    // pread: the description (and its offset) is shared with every other worker of the generation.
    for (ssize_t n; (n = ::pread(fd, buffer, sizeof(buffer), static_cast<off_t>(text.size()))) > 0;)
        text.append(buffer, static_cast<std::size_t>(n));
    return text;
}

struct range_query {
    const std::vector<config::extension_settings>* extensions;
    worker_slot* slot;
};

// Where each extension is mapped, so the master can name the one a crashing address falls in.
int note_extension_ranges(dl_phdr_info* info, std::size_t, void* data) {
    auto* query = static_cast<range_query*>(data);
    if (!info->dlpi_name || !*info->dlpi_name) return 0;
    for (std::size_t i = 0; i < query->extensions->size() && i < max_extensions; ++i) {
        if ((*query->extensions)[i].path != info->dlpi_name) continue;
        std::uint64_t lo = ~0ULL, hi = 0;
        for (int p = 0; p < info->dlpi_phnum; ++p) {
            const auto& ph = info->dlpi_phdr[p];
            if (ph.p_type != PT_LOAD) continue;
            lo = std::min<std::uint64_t>(lo, info->dlpi_addr + ph.p_vaddr);
            hi = std::max<std::uint64_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
        }
        query->slot->extension_lo[i].store(lo, std::memory_order_relaxed);
        query->slot->extension_hi[i].store(hi, std::memory_order_relaxed);
    }
    return 0;
}

}  // namespace

int worker_main(int argc, char** argv) {
    if (argc < 8) {
        std::fprintf(stderr, "isapi-fcgi: --worker is started by the master only\n");
        return worker_fatal_exit;
    }
    const std::string pool_name = argv[2];
    const auto worker_id = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
    const auto slot_index = static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10));
    const auto generation = std::strtoull(argv[5], nullptr, 10);
    const int listen_count = std::atoi(argv[6]);
    // argv[7], the configuration file's path, is for ps(1) only: the texts come from the master.
    // SIGHUP and SIGUSR1 are the master's to act on; a terminal's SIGHUP must not kill workers.
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);

    config::settings settings;
    try {
        // The files the master read and checked, not the directory as it is now (a file added
        // to conf.d/ since then belongs to the next reload).
        settings = config::load_sources(config::deserialize(read_all(worker_fd::config)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "isapi-fcgi worker: %s\n", e.what());
        return worker_fatal_exit;
    }
    ::close(worker_fd::config);
    auto found = std::find_if(settings.pools.begin(), settings.pools.end(),
                              [&](const config::pool_settings& p) { return p.name == pool_name; });
    if (found == settings.pools.end()) return worker_fatal_exit;
    config::pool_settings pool = *found;

    logging::set_console_fd(worker_fd::console);
    // The master's first message: the log files, opened by it (log_handover.hpp).
    if (auto first = receive_message_with_fds(worker_fd::channel); !first || !adopt_log_files(*first)) {
        std::fprintf(stderr, "isapi-fcgi worker: the master did not hand the log files over\n");
        return worker_fatal_exit;
    }
    try {
        logging::setup(logging_options(settings.log));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "isapi-fcgi worker: %s\n", e.what());
        return worker_fatal_exit;
    }
    const std::string who = fmt::format("pool {} worker {}", pool_name, worker_id);

    scoreboard board;
    try {
        board = scoreboard::attach(worker_fd::scoreboard);
    } catch (const std::exception& e) {
        spdlog::critical("{}: {}", who, e.what());
        return worker_fatal_exit;
    }
    auto& slot = board.slot(slot_index);
    slot.pid.store(::getpid());
    install_crash_handler(slot);
    // What the master handed over is ours alone: a program an extension starts gets stdin,
    // stdout and stderr, not the channel, the scoreboard or the pool's sockets.
    for (int fd = worker_fd::channel; fd < worker_fd::first_listen + listen_count; ++fd)
        if (fd != worker_fd::config) ::fcntl(fd, F_SETFD, FD_CLOEXEC);

    // The listening sockets the master opened, at fixed descriptors in configuration order.
    std::vector<engine::listen_address> listen;
    for (int i = 0; i < listen_count; ++i) {
        engine::listen_address a;
        a.type = engine::listen_address::kind::inherited_fd;
        a.fd = worker_fd::first_listen + i;
        a.text = fmt::format("fd:{}", a.fd);
        listen.push_back(std::move(a));
    }

    std::unique_ptr<pool_stack> stack;
    std::unique_ptr<engine::server> server;
    try {
        drop_privileges(pool.process.user, pool.process.group);
        prepare_core_dumps(pool.process.core_dump_dir);
        if (!pool.isapi.extensions.empty() || !pool.isapi.filters.empty()) refuse_root(settings.allow_root, pool_name);
        export_registry_environment(pool);  // before any extension loads
        isapi_set_invalid_parameter_policy(pool.isapi.invalid_parameter_abort ? ISAPI_INVALID_PARAMETER_ABORT
                                                                              : ISAPI_INVALID_PARAMETER_FAIL);
        pool_stack_hooks hooks;
        hooks.max_requests = pool.process.max_requests;
        hooks.on_recycle = [](restart_cause cause, std::string reason) {
            send_message(worker_fd::channel, fmt::format("recycle {} {}", to_string(cause), reason));
        };
        // A Windows worker's crash counts in the master, pool-wide, as a worker's does.
        hooks.on_windows_crash = [](std::string message) { send_message(worker_fd::channel, message); };
        stack = std::make_unique<pool_stack>(settings, pool, board, slot, std::move(listen), std::move(hooks));
        range_query query{&pool.isapi.extensions, &slot};
        ::dl_iterate_phdr(note_extension_ranges, &query);
        server = make_server({stack.get()}, pool_routing::direct);
        // SIGUSR1 is the master's: it reopens the files and hands them over (the pool's user may
        // not be allowed to open them by name).
        server->stop_on_signals(settings.shutdown_timeout, [] {});
    } catch (const std::exception& e) {
        spdlog::critical("{}: cannot start: {}", who, e.what());
        // The cause, for the master's log line, the status page and a failed reload.
        send_message(worker_fd::channel, std::string("failed ").append(e.what()).substr(0, max_message));
        return worker_fatal_exit;
    }

    // The channel: commands from the master, read on a thread of their own (they are rare).
    std::thread channel([&server, &settings, who] {
        while (true) {
            auto message = receive_message_with_fds(worker_fd::channel);
            if (message && adopt_log_files(*message)) continue;
            for (const int fd : message ? message->fds : std::vector<int>{}) ::close(fd);
            if (!message) {
                spdlog::debug("{}: channel closed", who);
                server->drain(settings.shutdown_timeout);
                return;
            }
            if (message->text == "drain") {
                server->drain(settings.shutdown_timeout);
            } else if (message->text == "drain stuck") {
                server->drain(settings.shutdown_timeout, false);
            } else if (message->text == "quit") {
                return;
            }
        }
    });
    spdlog::info("{} (generation {}) serving", who, generation);
    slot.state.store(static_cast<std::uint32_t>(slot_state::ready), std::memory_order_release);
    send_message(worker_fd::channel, "ready");
    int rc = 0;
    try {
        server->run();
    } catch (const std::exception& e) {
        spdlog::critical("{}: stopped by an error: {}", who, e.what());
        rc = 1;
    }
    slot.state.store(static_cast<std::uint32_t>(slot_state::draining), std::memory_order_release);
    // Wake the channel thread: shutting our end down makes its recv() return end-of-file.
    ::shutdown(worker_fd::channel, SHUT_RD);
    channel.join();
    server.reset();
    stack.reset();  // TerminateExtension, after every extension call has returned
    spdlog::info("{} exiting", who);
    return rc;
}

}  // namespace isapi_fcgi::ops
