// CreateProcess over posix_spawn, and the process handle it returns (waits, exit code,
// TerminateProcess). What Windows semantics become here is in processthreadsapi.h and
// docs/porting.md ("Child processes").
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/command_line.hpp"
#include "win32/handle_inheritance.hpp"
#include "win32/kernel_objects.hpp"
#include "win32/paths.hpp"
#include "win32/unicode.hpp"
#include "win32/unsupported_call.hpp"
#include "win32/win32_error.hpp"

extern char** environ;

namespace {

using isapi_fcgi::win32::fail;
using isapi_fcgi::win32::kernel_object;
using isapi_fcgi::win32::wait_lock;

HANDLE const current_process_handle = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-1));

constexpr DWORD status_access_violation = 0xC0000005;
constexpr DWORD status_illegal_instruction = 0xC000001D;
constexpr DWORD status_integer_divide_by_zero = 0xC0000094;

/// The exit code Windows would report for a child that a signal ended: the exception code of
/// a crash, 3 for abort() (the MSVC CRT's), 1 for a kill from outside (taskkill /f's).
DWORD exit_code_of_signal(int signal_number) {
    switch (signal_number) {
        case SIGSEGV:
        case SIGBUS: return status_access_violation;
        case SIGILL: return status_illegal_instruction;
        case SIGFPE: return status_integer_divide_by_zero;
        case SIGABRT: return 3;
        default: return 1;
    }
}

class process_object final : public kernel_object {
public:
    explicit process_object(pid_t pid) : kernel_object(kind::process), pid_(pid) {}

    pid_t pid() const noexcept { return pid_; }

    bool signalled(DWORD) const override { return ended_; }
    void acquire(DWORD) override {}  // a process stays signalled, as on Windows

    /// Under wait_lock(): STILL_ACTIVE or the exit code.
    DWORD exit_code() const { return ended_ ? exit_code_ : STILL_ACTIVE; }

    /// Under wait_lock(): false once the process has ended (and been reaped: its pid may
    /// name another process by now, so it is never signalled after that).
    bool terminate(DWORD code) {
        if (ended_) return false;
        terminate_code_ = code;
        ::kill(pid_, SIGKILL);
        return true;
    }

    /// Runs on the process's own waiting thread until the child ends. The child is reaped
    /// under wait_lock(), so terminate() never signals a recycled pid.
    void await_end() {
        siginfo_t info{};
        while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
        }
        std::lock_guard lock(wait_lock());
        int status = 0;
        if (::waitpid(pid_, &status, 0) == pid_) {
            // (A child that ended on its own just before TerminateProcess keeps its own code.)
            if (terminate_code_ && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
                exit_code_ = *terminate_code_;
            } else if (WIFEXITED(status)) {
                exit_code_ = static_cast<DWORD>(WEXITSTATUS(status));
            } else if (WIFSIGNALED(status)) {
                exit_code_ = exit_code_of_signal(WTERMSIG(status));
            }
        } else {
            // Reaped by someone else (the --single-process master reaps every child): the
            // status is gone.
            exit_code_ = terminate_code_.value_or(1);
        }
        ended_ = true;
        wake_waiters();
    }

private:
    pid_t pid_;
    bool ended_ = false;
    DWORD exit_code_ = STILL_ACTIVE;
    std::optional<DWORD> terminate_code_;
};

std::shared_ptr<process_object> find_process(HANDLE handle) {
    return isapi_fcgi::win32::find_as<process_object>(handle, kernel_object::kind::process);
}

/// What CreateProcessA/W were asked, in UTF-8.
struct process_request {
    std::optional<std::string> application;
    std::optional<std::string> command_line;
    bool inherit_handles = false;
    DWORD flags = 0;
    std::optional<std::vector<std::string>> environment;
    std::optional<std::string> directory;
    bool use_std_handles = false;
    HANDLE std_handles[3] = {nullptr, nullptr, nullptr};
};

bool is_file(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with_exe(const std::string& name) {
    return name.size() > 4 && strcasecmp(name.c_str() + name.size() - 4, ".exe") == 0;
}

/// `path` as a file, or without its ".exe" (Linux programs have no suffix), or nullopt.
std::optional<std::string> existing_program(const std::string& path) {
    if (is_file(path)) return path;
    if (ends_with_exe(path) && is_file(path.substr(0, path.size() - 4))) return path.substr(0, path.size() - 4);
    return std::nullopt;
}

/// A program name as Windows looks it up when lpApplicationName is NULL: a name with a
/// directory part as it is; a bare name in the current directory, then in each PATH directory.
std::optional<std::string> find_program(const std::string& name) {
    const std::string native = isapi_fcgi::win32::native_path(name.c_str());
    if (native.empty()) return std::nullopt;
    if (native.find('/') != std::string::npos) return existing_program(native);
    if (auto here = existing_program(native)) return "./" + *here;
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const std::size_t colon = dirs.find(':');
        const std::string dir(dirs.substr(0, colon));
        if (auto found = existing_program((dir.empty() ? std::string(".") : dir) + "/" + native)) return found;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

std::optional<std::string> program_of(const process_request& request) {
    if (request.application) {
        // Windows does not search for lpApplicationName: the current directory completes it.
        return existing_program(isapi_fcgi::win32::native_path(request.application->c_str()));
    }
    for (const std::string& candidate : isapi_fcgi::win32::program_candidates(*request.command_line)) {
        if (auto found = find_program(candidate)) return found;
    }
    return std::nullopt;
}

/// Releases the posix_spawn objects on every path out of start_process().
struct spawn_setup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    spawn_setup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~spawn_setup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
};

/// The child's descriptors: stdin/stdout/stderr from the STARTUPINFO handles (inheritable ones
/// only, as Windows requires) or /dev/null; every other inheritable handle at its own number.
void arrange_descriptors(const process_request& request, posix_spawn_file_actions_t& actions) {
    for (int target = 0; target < 3; ++target) {
        HANDLE handle = request.std_handles[target];
        const bool given = request.use_std_handles && request.inherit_handles && handle != nullptr
                           && handle != INVALID_HANDLE_VALUE
                           && (isapi_fcgi::win32::handle_flags(handle) & HANDLE_FLAG_INHERIT);
        const int fd = given ? isapi_fd_from_handle(handle) : -1;
        if (fd >= 0) {
            posix_spawn_file_actions_adddup2(&actions, fd, target);
        } else {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
        }
    }
    bool kept = false;
    if (request.inherit_handles) {
        for (HANDLE handle : isapi_fcgi::win32::inheritable_handles()) {
            const int fd = isapi_fd_from_handle(handle);
            if (fd <= 2) continue;
            // dup2 onto itself clears close-on-exec (glibc 2.29 and later).
            posix_spawn_file_actions_adddup2(&actions, fd, fd);
            kept = true;
        }
    }
    // Nothing inherited: nothing but 0-2 reaches the child, even a descriptor someone opened
    // without close-on-exec (with inherited handles, close-on-exec is what keeps the rest out).
    if (!kept) posix_spawn_file_actions_addclosefrom_np(&actions, 3);
}

void arrange_attributes(const process_request& request, posix_spawnattr_t& attributes) {
    // A clean start: no signal blocked or ignored (the worker ignores SIGPIPE and SIGHUP).
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (request.flags & CREATE_NEW_PROCESS_GROUP) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attributes, 0);
    }
    posix_spawnattr_setflags(&attributes, flags);
}

DWORD spawn_error(int error) {
    switch (error) {
        case ENOENT: return ERROR_FILE_NOT_FOUND;
        case EACCES:
        case EPERM: return ERROR_ACCESS_DENIED;
        case ENOEXEC: return ERROR_BAD_EXE_FORMAT;
        case ENOTDIR: return ERROR_PATH_NOT_FOUND;
        default: return isapi_win32_error_from_errno(error);
    }
}

/// Pointers into `strings` for an execve-style array, NULL-terminated.
std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

/// posix_spawn with the request's arguments, environment, directory and descriptors: 0 and
/// the pid, or the errno.
int spawn_child(const process_request& request, const std::string& program, const std::string& directory,
                pid_t& pid) {
    std::vector<std::string> arguments = request.command_line
                                             ? isapi_fcgi::win32::split_command_line(*request.command_line)
                                             : std::vector<std::string>{*request.application};
    std::vector<std::string> environment = request.environment.value_or(std::vector<std::string>{});
    const auto argv = pointers_to(arguments);
    const auto envp = pointers_to(environment);
    spawn_setup setup;
    arrange_descriptors(request, setup.actions);
    if (!directory.empty()) posix_spawn_file_actions_addchdir_np(&setup.actions, directory.c_str());
    arrange_attributes(request, setup.attributes);
    return ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, argv.data(),
                         request.environment ? envp.data() : environ);
}

/// The started child as PROCESS_INFORMATION: a process object, the thread that reaps it, and
/// two handles for it.
BOOL track_child(pid_t pid, LPPROCESS_INFORMATION information) {
    std::shared_ptr<process_object> process;
    try {
        process = std::make_shared<process_object>(pid);
        // The waiting thread holds the object until the child ends, whatever its handles do.
        std::thread([process] { process->await_end(); }).detach();
    } catch (const std::exception&) {
        // No thread to reap it: end the child here rather than leave a zombie.
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    HANDLE process_handle = isapi_fcgi::win32::register_object(process);
    HANDLE thread_handle = process_handle != nullptr ? isapi_fcgi::win32::register_object(process) : nullptr;
    if (thread_handle == nullptr) {
        const DWORD code = GetLastError();
        if (process_handle != nullptr) CloseHandle(process_handle);
        std::lock_guard lock(wait_lock());
        process->terminate(1);
        return fail(code);
    }
    information->hProcess = process_handle;
    information->hThread = thread_handle;  // the primary thread ends with the process
    information->dwProcessId = static_cast<DWORD>(pid);
    information->dwThreadId = static_cast<DWORD>(pid);
    return TRUE;
}

BOOL start_process(const process_request& request, LPPROCESS_INFORMATION information, const void* caller) {
    std::memset(information, 0, sizeof(*information));
    constexpr DWORD refused = CREATE_SUSPENDED | DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS;
    if (request.flags & refused) {
        isapi_fcgi::win32::report_unsupported(
            "CreateProcess", caller,
            "CREATE_SUSPENDED and the debug flags fail with ERROR_NOT_SUPPORTED (a Linux process "
            "cannot be started suspended); start the process without them");
        return fail(ERROR_NOT_SUPPORTED);
    }
    const auto program = program_of(request);
    if (!program) return fail(ERROR_FILE_NOT_FOUND);
    std::string directory;
    if (request.directory) {
        directory = isapi_fcgi::win32::native_path(request.directory->c_str());
        struct stat st{};
        if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return fail(ERROR_DIRECTORY);
    }
    pid_t pid = 0;
    if (const int error = spawn_child(request, *program, directory, pid); error != 0) return fail(spawn_error(error));
    return track_child(pid, information);
}

/// An environment block: NUL-terminated "name=value" strings ending with an empty one.
/// Windows' per-drive current directories ("=C:=C:\\x") mean nothing here and are dropped.
template <typename Char, typename Convert>
std::optional<std::vector<std::string>> environment_block(const Char* block, Convert convert) {
    std::vector<std::string> out;
    while (*block != 0) {
        std::basic_string_view<Char> entry(block);
        auto text = convert(entry);
        if (!text) return std::nullopt;
        if (!text->empty() && (*text)[0] != '=') out.push_back(std::move(*text));
        block += entry.size() + 1;
    }
    return out;
}

std::optional<std::string> ansi(std::string_view text) {
    return std::string(text);
}

std::optional<std::string> utf8(std::u16string_view text) {
    return isapi_fcgi::win32::utf16_to_utf8(text, true);
}

/// What CreateProcessA and CreateProcessW share once the names are UTF-8 in `request`.
/// Without CREATE_UNICODE_ENVIRONMENT the block is ANSI, even for CreateProcessW.
template <typename StartupInfo>
BOOL create_process(process_request& request, BOOL inherit_handles, DWORD flags, LPVOID environment,
                    const StartupInfo& startup, LPPROCESS_INFORMATION information, const void* caller) {
    request.inherit_handles = inherit_handles != FALSE;
    request.flags = flags;
    if (environment != nullptr) {
        request.environment = (flags & CREATE_UNICODE_ENVIRONMENT)
                                  ? environment_block(static_cast<const char16_t*>(environment), utf8)
                                  : environment_block(static_cast<const char*>(environment), ansi);
        if (!request.environment) return fail(ERROR_INVALID_PARAMETER);
    }
    request.use_std_handles = (startup.dwFlags & STARTF_USESTDHANDLES) != 0;
    request.std_handles[0] = startup.hStdInput;
    request.std_handles[1] = startup.hStdOutput;
    request.std_handles[2] = startup.hStdError;
    return start_process(request, information, caller);
}

bool missing_arguments(const void* application, const void* command_line, const void* startup,
                       const void* information) {
    return (application == nullptr && command_line == nullptr) || startup == nullptr || information == nullptr;
}

}  // namespace

extern "C" {

BOOL WINAPI CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine, LPSECURITY_ATTRIBUTES,
                           LPSECURITY_ATTRIBUTES, BOOL bInheritHandles, DWORD dwCreationFlags,
                           LPVOID lpEnvironment, LPCSTR lpCurrentDirectory, LPSTARTUPINFOA lpStartupInfo,
                           LPPROCESS_INFORMATION lpProcessInformation) {
    if (missing_arguments(lpApplicationName, lpCommandLine, lpStartupInfo, lpProcessInformation)) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    process_request request;
    if (lpApplicationName != nullptr) request.application = lpApplicationName;
    if (lpCommandLine != nullptr) request.command_line = lpCommandLine;
    if (lpCurrentDirectory != nullptr) request.directory = lpCurrentDirectory;
    return create_process(request, bInheritHandles, dwCreationFlags, lpEnvironment, *lpStartupInfo,
                          lpProcessInformation, __builtin_return_address(0));
}

BOOL WINAPI CreateProcessW(LPCWSTR lpApplicationName, LPWSTR lpCommandLine, LPSECURITY_ATTRIBUTES,
                           LPSECURITY_ATTRIBUTES, BOOL bInheritHandles, DWORD dwCreationFlags,
                           LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory, LPSTARTUPINFOW lpStartupInfo,
                           LPPROCESS_INFORMATION lpProcessInformation) {
    if (missing_arguments(lpApplicationName, lpCommandLine, lpStartupInfo, lpProcessInformation)) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    process_request request;
    const auto convert = [](LPCWSTR text, std::optional<std::string>& into) {
        if (text == nullptr) return true;
        into = utf8(text);
        return into.has_value();
    };
    if (!convert(lpApplicationName, request.application) || !convert(lpCommandLine, request.command_line)
        || !convert(lpCurrentDirectory, request.directory)) {
        return fail(ERROR_NO_UNICODE_TRANSLATION);
    }
    return create_process(request, bInheritHandles, dwCreationFlags, lpEnvironment, *lpStartupInfo,
                          lpProcessInformation, __builtin_return_address(0));
}

BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode) {
    if (lpExitCode == nullptr) return fail(ERROR_INVALID_PARAMETER);
    if (hProcess == current_process_handle) {
        *lpExitCode = STILL_ACTIVE;
        return TRUE;
    }
    auto process = find_process(hProcess);
    if (!process) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(wait_lock());
    *lpExitCode = process->exit_code();
    return TRUE;
}

BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode) {
    if (hProcess == current_process_handle) {
        isapi_log(ISAPI_LOG_WARN, "TerminateProcess(GetCurrentProcess(), %u) called by an extension: the worker exits",
                  uExitCode);
        std::_Exit(static_cast<int>(uExitCode));
    }
    auto process = find_process(hProcess);
    if (!process) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(wait_lock());
    if (!process->terminate(uExitCode)) return fail(ERROR_ACCESS_DENIED);
    return TRUE;
}

DWORD WINAPI GetProcessId(HANDLE Process) {
    if (Process == current_process_handle) return static_cast<DWORD>(::getpid());
    auto process = find_process(Process);
    if (!process) return fail(ERROR_INVALID_HANDLE, DWORD{0});
    return static_cast<DWORD>(process->pid());
}

}  // extern "C"
