// _fsopen, fopen_s, _scprintf and _get_osfhandle: the MSVC CRT's stdio extras over glibc.
#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/invalid_parameter.hpp"
#include "win32/ms_format.hpp"

namespace {

errno_t report(const char* function, const char* what, errno_t code) {
    isapi_fcgi::win32::invalid_parameter(function, what);
    errno = code;
    return code;
}

// The mode without MSVC-only letters: 't' (text: the default here), 'S'/'R' (caching hints),
// 'T'/'D' (temporary), 'N' (not inherited: glibc's 'e'), ",ccs=..." (encoding).
bool glibc_mode(const char* mode, std::string& out) {
    out.clear();
    if (mode == nullptr || (mode[0] != 'r' && mode[0] != 'w' && mode[0] != 'a')) return false;
    for (const char* p = mode; *p != '\0' && *p != ','; ++p) {
        switch (*p) {
            case 'r': case 'w': case 'a': case '+': case 'b': case 'x': out += *p; break;
            case 'N': out += 'e'; break;
            case 't': case 'S': case 'R': case 'T': case 'D': case 'c': case 'n': case ' ': break;
            default: return false;
        }
    }
    return true;
}

FILE* open_file(const char* function, const char* filename, const char* mode, errno_t& error) {
    std::string native_mode;
    if (filename == nullptr || !glibc_mode(mode, native_mode)) {
        error = report(function, "NULL file name or an invalid mode", EINVAL);
        return nullptr;
    }
    std::string path = filename;
    for (char& c : path) {
        if (c == '\\') c = '/';
    }
    FILE* file = std::fopen(path.c_str(), native_mode.c_str());
    error = file == nullptr ? errno : 0;
    return file;
}

}  // namespace

extern "C" {

FILE* _fsopen(const char* filename, const char* mode, int shflag) {
    if (shflag != _SH_DENYRW && shflag != _SH_DENYWR && shflag != _SH_DENYRD
        && shflag != _SH_DENYNO && shflag != _SH_SECURE) {
        report("_fsopen", "invalid sharing flag", EINVAL);
        return nullptr;
    }
    errno_t error = 0;
    FILE* file = open_file("_fsopen", filename, mode, error);
    if (file == nullptr) errno = error;
    return file;
}

errno_t fopen_s(FILE** pFile, const char* filename, const char* mode) {
    if (pFile == nullptr) return report("fopen_s", "pFile is NULL", EINVAL);
    *pFile = nullptr;
    errno_t error = 0;
    *pFile = open_file("fopen_s", filename, mode, error);
    return error;
}

int _vscprintf(const char* format, va_list argptr) {
    if (format == nullptr) {
        report("_vscprintf", "format is NULL", EINVAL);
        return -1;
    }
    std::string text;
    va_list args;
    va_copy(args, argptr);
    const bool ok = isapi_fcgi::win32::ms_format(text, format, args);
    va_end(args);
    if (!ok) {
        report("_vscprintf", "invalid format", EINVAL);
        return -1;
    }
    return static_cast<int>(text.size());
}

int _scprintf(const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int length = _vscprintf(format, args);
    va_end(args);
    return length;
}

intptr_t _get_osfhandle(int fd) {
    // One handle per open descriptor, so that the same fd gives the same HANDLE; a handle
    // whose fd was closed and reused is replaced.
    static std::mutex mutex;
    static auto* by_fd = new std::map<int, HANDLE>();
    if (fd < 0 || ::fcntl(fd, F_GETFD) < 0) {
        errno = EBADF;
        return -1;
    }
    const std::lock_guard lock(mutex);
    auto it = by_fd->find(fd);
    if (it != by_fd->end() && isapi_fd_from_handle(it->second) == fd) {
        return reinterpret_cast<intptr_t>(it->second);
    }
    HANDLE handle = isapi_handle_from_fd(fd);
    if (handle == INVALID_HANDLE_VALUE || handle == nullptr) {
        errno = EBADF;
        return -1;
    }
    (*by_fd)[fd] = handle;
    return reinterpret_cast<intptr_t>(handle);
}

}  // extern "C"
