#include "ops/worker_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "ops/worker_channel.hpp"

namespace isapi_fcgi::ops {
namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

}  // namespace

int make_config_fd(const std::string& text) {
    const int fd = ::memfd_create("isapi-fcgi-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) fail("memfd_create (configuration)");
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            fail("write (configuration)");
        }
        done += static_cast<std::size_t>(n);
    }
    // Workers read it; nobody may change it under them.
    ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    return fd;
}

spawned_worker spawn_worker(const spawn_request& request) {
    int channel[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) != 0) fail("socketpair");
    int output[2];
    if (::pipe2(output, O_CLOEXEC) != 0) {
        ::close(channel[0]);
        ::close(channel[1]);
        fail("pipe2");
    }
    // Everything the child needs is built before fork: it must not allocate.
    const std::string worker_id = std::to_string(request.worker_id);
    const std::string slot = std::to_string(request.slot);
    const std::string generation = std::to_string(request.generation);
    const std::string listen_count = std::to_string(request.listen_fds.size());
    std::vector<char*> argv{const_cast<char*>(request.label.c_str()), const_cast<char*>("--worker"),
                            const_cast<char*>(request.pool.c_str()), const_cast<char*>(worker_id.c_str()),
                            const_cast<char*>(slot.c_str()),         const_cast<char*>(generation.c_str()),
                            const_cast<char*>(listen_count.c_str()), const_cast<char*>(request.source.c_str()),
                            nullptr};
    // source -> target pairs, applied in the child through copies above every target number.
    std::vector<int> sources{output[1], output[1], channel[1], request.scoreboard_fd, request.config_fd,
                             request.console_fd};
    std::vector<int> targets{1, 2, worker_fd::channel, worker_fd::scoreboard, worker_fd::config, worker_fd::console};
    for (std::size_t i = 0; i < request.listen_fds.size(); ++i) {
        sources.push_back(request.listen_fds[i]);
        targets.push_back(worker_fd::first_listen + static_cast<int>(i));
    }
    std::vector<int> copies(sources.size(), -1);
    const int first_unused = worker_fd::first_listen + static_cast<int>(request.listen_fds.size());
    const int above = first_unused + 16;
    rlimit files{};
    const int open_max = ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                             ? static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                             : 1 << 16;

    sigset_t all, previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &previous);
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
        sigset_t none;
        ::sigemptyset(&none);
        for (std::size_t i = 0; i < sources.size(); ++i) {
            copies[i] = ::fcntl(sources[i], F_DUPFD_CLOEXEC, above);
            if (copies[i] < 0) ::_exit(126);
        }
        const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null >= 0) ::dup2(null, 0);
        // dup2 clears close-on-exec on the target: these, and only these, cross the exec.
        for (std::size_t i = 0; i < sources.size(); ++i)
            if (::dup2(copies[i], targets[i]) < 0) ::_exit(126);
        // Nothing else crosses, whatever its flag: the launcher's descriptors, and one the
        // master's other threads opened or accepted without close-on-exec, or in the instant
        // before they could set it (a connection accepted for a stopped pool, say).
        if (::close_range(static_cast<unsigned>(first_unused), ~0U, 0) != 0)
            for (int fd = first_unused; fd < open_max; ++fd) ::close(fd);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv("/proc/self/exe", argv.data());
        ::_exit(127);
    }
    const int fork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(channel[1]);
    ::close(output[1]);
    if (pid < 0) {
        ::close(channel[0]);
        ::close(output[0]);
        errno = fork_error;
        fail("fork");
    }
    return {pid, channel[0], output[0]};
}

}  // namespace isapi_fcgi::ops
