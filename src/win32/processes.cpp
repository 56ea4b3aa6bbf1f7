// Process-level calls: ExitProcess and the debugger pair (CreateProcess: child_processes.cpp).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <isapi/win32/windows.h>


extern "C" {

VOID WINAPI ExitProcess(UINT uExitCode) {
    isapi_log(ISAPI_LOG_WARN, "ExitProcess(%u) called by an extension: the worker exits", uExitCode);
    std::exit(static_cast<int>(uExitCode));
}

BOOL WINAPI IsDebuggerPresent(VOID) {
    FILE* status = std::fopen("/proc/self/status", "re");
    if (status == nullptr) return FALSE;
    char line[256];
    long tracer = 0;
    while (std::fgets(line, sizeof(line), status) != nullptr) {
        if (std::strncmp(line, "TracerPid:", 10) == 0) {
            tracer = std::strtol(line + 10, nullptr, 10);
            break;
        }
    }
    std::fclose(status);
    return tracer != 0;
}

VOID WINAPI DebugBreak(VOID) {
    std::raise(SIGTRAP);
}

}  // extern "C"
