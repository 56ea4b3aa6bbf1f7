#pragma once
// One Wine process kept alive per Wine prefix, owned by the master. Wine stops a prefix's
// services (services.exe, winedevice, rpcss...) when its last Windows process exits, and the
// next Windows worker then starts them again: ~1-2 s instead of ~0.1-0.3 s. So for each pool
// user (and group) with a `runtime: wine` extension the master runs a keeper,
// `isapi-wine-worker.exe --keep-prefix` under Wine as that user, which loads nothing and waits
// for EOF on the stdin pipe the master holds. Started with the pools, stopped by closing that
// pipe (SIGKILL by pid if it outlives a bound), restarted when it dies unasked, never shared
// across users (each user has its own prefix). The master's death closes the pipe too.
#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace isapi_fcgi::ops {

class wine_prefix_keepers {
public:
    using clock = std::chrono::steady_clock;

    wine_prefix_keepers() = default;
    ~wine_prefix_keepers();
    wine_prefix_keepers(const wine_prefix_keepers&) = delete;
    wine_prefix_keepers& operator=(const wine_prefix_keepers&) = delete;

    /// The keepers `pools` need: starts the missing ones, stops those no pool needs any more.
    void update(const std::vector<config::pool_settings>& pools);
    /// The master reaped `pid`; false when it is not a keeper. One that died unasked is
    /// started again (at once, or after a pause when it did not live long).
    bool on_exit(pid_t pid, int status);
    /// Restarts that waited out their pause; SIGKILL for a keeper past its stop bound.
    void tick();
    /// For a process that reaps no children of its own (--single-process, whose Windows workers
    /// are waited for by theirs): waits for each keeper by pid, without blocking, and hands an
    /// ended one to on_exit.
    void reap();
    /// Stops every keeper: closes its stdin, or with `kill` sends SIGKILL.
    void stop(bool kill);
    bool has_processes() const noexcept;

private:
    struct keeper {
        std::string user;   ///< "" = the master's user
        std::string group;
        std::set<std::string> pools;
        pid_t pid = -1;
        int input = -1;  ///< the write end of its stdin
        clock::time_point started;
        clock::time_point restart_at;  ///< when pid is -1 and it is still wanted
        clock::time_point stop_deadline;
        bool wanted = true;
        bool died_young = false;  ///< its last run was shorter than the restart pause
    };

    void spawn(keeper& k);
    void ask_to_stop(keeper& k, bool kill);
    static std::string describe(const keeper& k);

    std::vector<keeper> keepers_;
    bool stopping_ = false;
};

/// The keeper process itself (`isapi-fcgi --wine-keeper USER GROUP`, started by the master):
/// becomes the pool's user, finds its prefix, Wine and the worker, and execs Wine. Returns only
/// on failure, after saying why on stderr.
int wine_keeper_main(int argc, char** argv);

}  // namespace isapi_fcgi::ops
