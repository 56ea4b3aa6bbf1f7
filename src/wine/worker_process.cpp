#include "wine/worker_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace isapi_fcgi::wine {

worker_process::worker_process(const std::vector<std::string>& argv, const std::vector<std::string>& environment) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + ::strerror(errno));
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
        ::close(to_child[0]);
        ::close(to_child[1]);
        throw std::runtime_error(std::string("pipe: ") + ::strerror(errno));
    }
    // Everything the child needs is built before fork: only async-signal-safe calls after it.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& extra : environment) replaced = replaced || extra.compare(0, name.size(), name) == 0;
        if (!replaced) env_strings.push_back(entry);
    }
    env_strings.insert(env_strings.end(), environment.begin(), environment.end());
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) {
        for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
        throw std::runtime_error(std::string("fork: ") + ::strerror(errno));
    }
    if (pid_ == 0) {
        ::dup2(to_child[0], STDIN_FILENO);
        ::dup2(from_child[1], STDOUT_FILENO);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    in_ = to_child[1];
    out_ = from_child[0];
}

worker_process::~worker_process() {
    stop(std::chrono::seconds(5));
    if (out_ >= 0) ::close(out_);
}

bool worker_process::write_all(const char* data, std::size_t size) {
    while (size > 0) {
        if (in_ < 0) return false;
        const ssize_t n = ::write(in_, data, size);  // SIGPIPE is ignored by the worker: EPIPE here
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

void worker_process::close_input() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
}

void worker_process::kill() noexcept {
    if (pid_ > 0 && !reaped_.load()) ::kill(pid_, SIGKILL);
}

int worker_process::stop(std::chrono::milliseconds grace) {
    close_input();
    return wait_for_exit(grace);
}

int worker_process::wait_for_exit(std::chrono::milliseconds grace) {
    if (reaped_.load() || pid_ <= 0) return status_;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_) {
            reaped_.store(true);
            return status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a child's exit, bounded
    }
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_.store(true);
    return status_;
}

// The reader thread reaps while the writer thread may still hold stdin: its descriptor stays
// the writer's (closing it here would race a write, or close a number already reused).
int worker_process::reap() { return wait_for_exit(std::chrono::seconds(2)); }

std::string worker_process::describe_status(int status) {
    if (WIFSIGNALED(status)) {
        const char* name = ::sigabbrev_np(WTERMSIG(status));
        return std::string("killed by SIG") + (name ? name : std::to_string(WTERMSIG(status)));
    }
    const unsigned code = static_cast<unsigned>(WEXITSTATUS(status));
    char text[64];
    std::snprintf(text, sizeof text, "exited with status %u", code);
    return text;
}

}  // namespace isapi_fcgi::wine
