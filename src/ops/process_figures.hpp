#pragma once
// What /proc says about one process: the figures of Prometheus' standard process_* series
// (resident memory, CPU seconds, open and maximum descriptors, start time). Another process's
// descriptors can be counted only by its own user or root; a figure that cannot be read is
// left out rather than reported as 0.
#include <cstdint>
#include <optional>

namespace isapi_fcgi::ops {

struct process_figures {
    std::uint64_t resident_bytes = 0;
    double cpu_seconds = 0;         ///< user + system
    double start_time_seconds = 0;  ///< Unix time
    std::optional<std::uint64_t> open_fds;
    std::optional<std::uint64_t> max_fds;  ///< the soft RLIMIT_NOFILE
};

/// nullopt when the process is gone (or /proc is not mounted).
std::optional<process_figures> read_process_figures(int pid);

}  // namespace isapi_fcgi::ops
