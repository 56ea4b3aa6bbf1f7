// CreateFile and the file functions, on the runtime's HANDLE table: a file handle here is the
// one HSE_REQ_TRANSMIT_FILE takes. These calls move the file position as Windows does for a
// synchronous handle (the host's TransmitFile reads with explicit offsets and never does).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/handle_inheritance.hpp"
#include "win32/overlapped_io.hpp"
#include "win32/path_errors.hpp"
#include "win32/paths.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::errno_code;
using isapi_fcgi::win32::fail;

constexpr DWORD read_rights = GENERIC_READ | GENERIC_ALL | FILE_READ_DATA;
constexpr DWORD write_rights = GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA;

int fd_of(HANDLE file) {
    return isapi_fd_from_handle(file);  // -1 with ERROR_INVALID_HANDLE
}

DWORD open_error(const std::string& path) {
    return isapi_fcgi::win32::path_error(path);
}

bool is_pipe(int fd) {
    struct stat st{};
    return ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

bool is_regular_file(int fd) {
    struct stat st{};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

bool seek(int fd, long long distance, DWORD method, long long& position) {
    int whence = SEEK_SET;
    if (method == FILE_CURRENT) whence = SEEK_CUR;
    else if (method == FILE_END) whence = SEEK_END;
    else if (method != FILE_BEGIN) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return false;
    }
    const off_t base = whence == SEEK_SET ? 0 : ::lseek(fd, 0, whence);
    if (base < 0) {
        SetLastError(errno_code());
        return false;
    }
    if (distance < 0 && base + distance < 0) {
        SetLastError(ERROR_NEGATIVE_SEEK);
        return false;
    }
    const off_t result = ::lseek(fd, static_cast<off_t>(base + distance), SEEK_SET);
    if (result < 0) {
        SetLastError(errno_code());
        return false;
    }
    position = result;
    return true;
}

// A synchronous ReadFile/WriteFile with an OVERLAPPED starts at its Offset/OffsetHigh.
bool seek_to(int fd, const OVERLAPPED* overlapped) {
    if (overlapped == nullptr) return true;
    const auto offset = static_cast<off_t>(
        (static_cast<unsigned long long>(overlapped->OffsetHigh) << 32) | overlapped->Offset);
    if (::lseek(fd, offset, SEEK_SET) < 0) {
        SetLastError(errno_code());
        return false;
    }
    return true;
}

unsigned long long offset_of(const OVERLAPPED* overlapped) {
    return (static_cast<unsigned long long>(overlapped->OffsetHigh) << 32) | overlapped->Offset;
}

// ReadFile/WriteFile on a handle opened FILE_FLAG_OVERLAPPED: at the OVERLAPPED's offset,
// without a file position, completed before returning (include/isapi/win32/overlapped_io.h).
// Windows requires the OVERLAPPED for such a handle.
BOOL overlapped_transfer(HANDLE file, int fd, char* bytes, DWORD size, LPDWORD transferred,
                         LPOVERLAPPED overlapped, bool writing) {
    if (overlapped == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const unsigned long long start = offset_of(overlapped);
    DWORD done = 0;
    DWORD error = ERROR_SUCCESS;
    while (done < size) {
        const off_t at = static_cast<off_t>(start + done);
        const ssize_t n = writing ? ::pwrite(fd, bytes + done, size - done, at)
                                  : ::pread(fd, bytes + done, size - done, at);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = errno_code();
            break;
        }
        if (n == 0) break;
        done += static_cast<DWORD>(n);
    }
    // An overlapped read that starts at or past the end fails with ERROR_HANDLE_EOF.
    if (error == ERROR_SUCCESS && !writing && done == 0 && size > 0) error = ERROR_HANDLE_EOF;
    if (transferred != nullptr) *transferred = done;
    if (error != ERROR_SUCCESS && done == 0) {
        // Failed at once: Windows reports it from the call and queues no packet.
        overlapped->Internal = isapi_fcgi::win32::status_from_error(error);
        overlapped->InternalHigh = 0;
        return fail(error);
    }
    isapi_fcgi::win32::complete_overlapped(file, overlapped, ERROR_SUCCESS, done);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

}  // namespace

extern "C" {

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE) {
    if (lpFileName == nullptr || lpFileName[0] == '\0') {
        return fail(lpFileName == nullptr ? ERROR_INVALID_PARAMETER : ERROR_PATH_NOT_FOUND,
                    INVALID_HANDLE_VALUE);
    }
    const bool reads = (dwDesiredAccess & read_rights) != 0;
    const bool writes = (dwDesiredAccess & write_rights) != 0;
    int flags = O_CLOEXEC | (reads && writes ? O_RDWR : (writes ? O_WRONLY : O_RDONLY));
    if ((dwDesiredAccess & FILE_APPEND_DATA) && !(dwDesiredAccess & (GENERIC_WRITE | FILE_WRITE_DATA))) {
        flags |= O_APPEND;
    }
    switch (dwCreationDisposition) {
        case CREATE_NEW: flags |= O_CREAT | O_EXCL; break;
        case CREATE_ALWAYS: flags |= O_CREAT | O_TRUNC; break;
        case OPEN_EXISTING: break;
        case OPEN_ALWAYS: flags |= O_CREAT; break;
        case TRUNCATE_EXISTING:
            if (!writes) return fail(ERROR_INVALID_PARAMETER, INVALID_HANDLE_VALUE);
            flags |= O_TRUNC;
            break;
        default: return fail(ERROR_INVALID_PARAMETER, INVALID_HANDLE_VALUE);
    }
    const std::string path = isapi_fcgi::win32::native_path(lpFileName);
    struct stat before{};
    const bool existed = ::stat(path.c_str(), &before) == 0;
    if (existed && S_ISDIR(before.st_mode)) {
        // Windows opens a directory only with FILE_FLAG_BACKUP_SEMANTICS, and never for writing.
        if (!(dwFlagsAndAttributes & FILE_FLAG_BACKUP_SEMANTICS) || writes) {
            return fail(ERROR_ACCESS_DENIED, INVALID_HANDLE_VALUE);
        }
        flags = O_RDONLY | O_CLOEXEC | O_DIRECTORY;
    }
    const mode_t mode = (dwFlagsAndAttributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
    int fd = -1;
    do {
        fd = ::open(path.c_str(), flags, mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        // CREATE_NEW on an existing file: Windows says ERROR_FILE_EXISTS (EEXIST maps to it).
        return fail(open_error(path), INVALID_HANDLE_VALUE);
    }
    HANDLE handle = isapi_handle_from_fd(fd);
    if (handle == INVALID_HANDLE_VALUE) {
        ::close(fd);
        return INVALID_HANDLE_VALUE;
    }
    if (dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED) isapi_fcgi::win32::mark_overlapped(handle);
    if (lpSecurityAttributes != nullptr && lpSecurityAttributes->bInheritHandle) {
        isapi_fcgi::win32::set_handle_flags(handle, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    }
    if (dwFlagsAndAttributes & FILE_FLAG_DELETE_ON_CLOSE) ::unlink(path.c_str());
    // Success still reports whether an existing file was opened (or overwritten).
    const bool reports_existing = dwCreationDisposition == CREATE_ALWAYS
                                  || dwCreationDisposition == OPEN_ALWAYS;
    SetLastError(reports_existing && existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return handle;
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped) {
    if (lpNumberOfBytesRead != nullptr) *lpNumberOfBytesRead = 0;
    const int fd = fd_of(hFile);
    if (fd < 0) return FALSE;
    if (lpBuffer == nullptr && nNumberOfBytesToRead > 0) return fail(ERROR_INVALID_USER_BUFFER);
    if (isapi_fcgi::win32::is_overlapped(hFile)) {
        return overlapped_transfer(hFile, fd, static_cast<char*>(lpBuffer), nNumberOfBytesToRead,
                                   lpNumberOfBytesRead, lpOverlapped, false);
    }
    if (!seek_to(fd, lpOverlapped)) return FALSE;
    DWORD done = 0;
    auto* bytes = static_cast<char*>(lpBuffer);
    while (done < nNumberOfBytesToRead) {
        const ssize_t n = ::read(fd, bytes + done, nNumberOfBytesToRead - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (lpNumberOfBytesRead != nullptr) *lpNumberOfBytesRead = done;
            return fail(errno_code());
        }
        if (n == 0) {
            // End of file: TRUE with fewer bytes (0 at the end). A pipe whose writers are all
            // gone: FALSE with ERROR_BROKEN_PIPE, as Windows reports it.
            if (done == 0 && is_pipe(fd)) return fail(ERROR_BROKEN_PIPE);
            break;
        }
        done += static_cast<DWORD>(n);
        // A pipe, socket or device returns what it has, as on Windows (a short read of a file
        // is its end: the next read returns 0).
        if (done < nNumberOfBytesToRead && !is_regular_file(fd)) break;
    }
    if (lpNumberOfBytesRead != nullptr) *lpNumberOfBytesRead = done;
    if (lpOverlapped != nullptr) lpOverlapped->InternalHigh = done;
    return TRUE;
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped) {
    if (lpNumberOfBytesWritten != nullptr) *lpNumberOfBytesWritten = 0;
    const int fd = fd_of(hFile);
    if (fd < 0) return FALSE;
    if (lpBuffer == nullptr && nNumberOfBytesToWrite > 0) return fail(ERROR_INVALID_USER_BUFFER);
    if (isapi_fcgi::win32::is_overlapped(hFile)) {
        return overlapped_transfer(hFile, fd, static_cast<char*>(const_cast<void*>(lpBuffer)),
                                   nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped,
                                   true);
    }
    if (!seek_to(fd, lpOverlapped)) return FALSE;
    DWORD done = 0;
    const auto* bytes = static_cast<const char*>(lpBuffer);
    while (done < nNumberOfBytesToWrite) {
        const ssize_t n = ::write(fd, bytes + done, nNumberOfBytesToWrite - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (lpNumberOfBytesWritten != nullptr) *lpNumberOfBytesWritten = done;
            return fail(errno_code());
        }
        done += static_cast<DWORD>(n);
    }
    if (lpNumberOfBytesWritten != nullptr) *lpNumberOfBytesWritten = done;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                            DWORD dwMoveMethod) {
    const int fd = fd_of(hFile);
    if (fd < 0) return INVALID_SET_FILE_POINTER;
    // Without the high part the distance is a signed 32-bit value; with it, a 64-bit one.
    long long distance = lDistanceToMove;
    if (lpDistanceToMoveHigh != nullptr) {
        distance = static_cast<long long>(
            (static_cast<unsigned long long>(static_cast<DWORD>(*lpDistanceToMoveHigh)) << 32)
            | static_cast<DWORD>(lDistanceToMove));
    }
    long long position = 0;
    if (!seek(fd, distance, dwMoveMethod, position)) return INVALID_SET_FILE_POINTER;
    if (lpDistanceToMoveHigh != nullptr) {
        *lpDistanceToMoveHigh = static_cast<LONG>(position >> 32);
    } else if (position > 0xFFFFFFFELL) {
        return fail(ERROR_INVALID_PARAMETER, INVALID_SET_FILE_POINTER);
    }
    // A low part of 0xFFFFFFFF is a valid position with a high part: callers then test
    // GetLastError() == NO_ERROR, so that success clears it.
    const auto low = static_cast<DWORD>(position & 0xFFFFFFFF);
    if (low == INVALID_SET_FILE_POINTER) SetLastError(NO_ERROR);
    return low;
}

BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                             PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod) {
    const int fd = fd_of(hFile);
    if (fd < 0) return FALSE;
    long long position = 0;
    if (!seek(fd, liDistanceToMove.QuadPart, dwMoveMethod, position)) return FALSE;
    if (lpNewFilePointer != nullptr) lpNewFilePointer->QuadPart = position;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh) {
    const int fd = fd_of(hFile);
    if (fd < 0) return INVALID_FILE_SIZE;
    struct stat info{};
    if (::fstat(fd, &info) != 0) return fail(errno_code(), INVALID_FILE_SIZE);
    const auto size = static_cast<unsigned long long>(info.st_size);
    if (lpFileSizeHigh != nullptr) *lpFileSizeHigh = static_cast<DWORD>(size >> 32);
    // As SetFilePointer: a low part equal to INVALID_FILE_SIZE is told apart by NO_ERROR.
    const auto low = static_cast<DWORD>(size & 0xFFFFFFFF);
    if (low == INVALID_FILE_SIZE) SetLastError(NO_ERROR);
    return low;
}

BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize) {
    const int fd = fd_of(hFile);
    if (fd < 0) return FALSE;
    if (lpFileSize == nullptr) return fail(ERROR_INVALID_PARAMETER);
    struct stat info{};
    if (::fstat(fd, &info) != 0) return fail(errno_code());
    lpFileSize->QuadPart = info.st_size;
    return TRUE;
}

BOOL WINAPI FlushFileBuffers(HANDLE hFile) {
    const int fd = fd_of(hFile);
    if (fd < 0) return FALSE;
    if (::fsync(fd) != 0) return fail(errno_code());
    return TRUE;
}

BOOL WINAPI DeleteFileA(LPCSTR lpFileName) {
    if (lpFileName == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const std::string path = isapi_fcgi::win32::native_path(lpFileName);
    struct stat info{};
    if (::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return fail(ERROR_ACCESS_DENIED);
    if (::unlink(path.c_str()) != 0) return fail(open_error(path));
    return TRUE;
}

DWORD WINAPI GetTempPathA(DWORD nBufferLength, LPSTR lpBuffer) {
    const char* dir = std::getenv("TMPDIR");
    std::string path = (dir != nullptr && dir[0] == '/') ? dir : "/tmp";
    if (path.back() != '/') path += '/';
    // Too small: the size needed, terminator included; else the length without it.
    if (lpBuffer == nullptr || path.size() + 1 > nBufferLength) {
        return static_cast<DWORD>(path.size() + 1);
    }
    std::memcpy(lpBuffer, path.c_str(), path.size() + 1);
    return static_cast<DWORD>(path.size());
}

}  // extern "C"
