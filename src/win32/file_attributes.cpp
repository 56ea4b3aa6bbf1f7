// File attributes, file information by handle and directories (fileapi.h, processenv.h),
// translated from stat(2): see fileapi.h for the mapping.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/path_errors.hpp"
#include "win32/paths.hpp"
#include "win32/unicode.hpp"
#include "win32/unsupported_call.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::errno_code;
using isapi_fcgi::win32::fail;

constexpr ULONGLONG unix_epoch_in_filetime = 116444736000000000ULL;

FILETIME filetime_of(const timespec& time) {
    const ULONGLONG value = unix_epoch_in_filetime
                            + static_cast<ULONGLONG>(time.tv_sec) * 10000000ULL
                            + static_cast<ULONGLONG>(time.tv_nsec) / 100;
    return FILETIME{static_cast<DWORD>(value & 0xFFFFFFFF), static_cast<DWORD>(value >> 32)};
}

DWORD missing_error(const std::string& path) {
    return isapi_fcgi::win32::path_error(path);
}

std::string base_name(const std::string& path) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    const auto slash = trimmed.find_last_of('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

DWORD attributes_of(const struct stat& info, bool link, const std::string& name) {
    DWORD attributes = 0;
    if (S_ISDIR(info.st_mode)) attributes |= FILE_ATTRIBUTE_DIRECTORY;
    if ((info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) attributes |= FILE_ATTRIBUTE_READONLY;
    if (name.size() > 1 && name[0] == '.' && name != "..") attributes |= FILE_ATTRIBUTE_HIDDEN;
    if (link) attributes |= FILE_ATTRIBUTE_REPARSE_POINT;
    if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) attributes |= FILE_ATTRIBUTE_DEVICE;
    if (S_ISREG(info.st_mode) && attributes == 0) attributes = FILE_ATTRIBUTE_NORMAL;
    else if (S_ISREG(info.st_mode)) attributes |= FILE_ATTRIBUTE_ARCHIVE;
    return attributes;
}

// stat of a Windows spelling; a symbolic link reports the target's data and REPARSE_POINT.
bool stat_path(LPCSTR file_name, struct stat& info, DWORD& attributes) {
    if (file_name == nullptr) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return false;
    }
    if (file_name[0] == '\0') {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return false;
    }
    const std::string path = isapi_fcgi::win32::native_path(file_name);
    struct stat link_info{};
    if (::lstat(path.c_str(), &link_info) != 0) {
        SetLastError(missing_error(path));
        return false;
    }
    const bool link = S_ISLNK(link_info.st_mode);
    if (!link || ::stat(path.c_str(), &info) != 0) info = link_info;
    attributes = attributes_of(info, link, base_name(path));
    return true;
}

}  // namespace

extern "C" {

DWORD WINAPI GetFileAttributesA(LPCSTR lpFileName) {
    struct stat info{};
    DWORD attributes = 0;
    if (!stat_path(lpFileName, info, attributes)) return INVALID_FILE_ATTRIBUTES;
    return attributes;
}

BOOL WINAPI GetFileAttributesExA(LPCSTR lpFileName, GET_FILEEX_INFO_LEVELS fInfoLevelId,
                                 LPVOID lpFileInformation) {
    if (fInfoLevelId != GetFileExInfoStandard || lpFileInformation == nullptr) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    struct stat info{};
    DWORD attributes = 0;
    if (!stat_path(lpFileName, info, attributes)) return FALSE;
    auto* data = static_cast<WIN32_FILE_ATTRIBUTE_DATA*>(lpFileInformation);
    data->dwFileAttributes = attributes;
    data->ftCreationTime = filetime_of(info.st_ctim);
    data->ftLastAccessTime = filetime_of(info.st_atim);
    data->ftLastWriteTime = filetime_of(info.st_mtim);
    const auto size = S_ISDIR(info.st_mode) ? 0ULL : static_cast<ULONGLONG>(info.st_size);
    data->nFileSizeHigh = static_cast<DWORD>(size >> 32);
    data->nFileSizeLow = static_cast<DWORD>(size & 0xFFFFFFFF);
    return TRUE;
}

BOOL WINAPI GetFileInformationByHandle(HANDLE hFile,
                                       LPBY_HANDLE_FILE_INFORMATION lpFileInformation) {
    const int fd = isapi_fd_from_handle(hFile);
    if (fd < 0) return FALSE;
    if (lpFileInformation == nullptr) return fail(ERROR_NOACCESS);
    struct stat info{};
    if (::fstat(fd, &info) != 0) return fail(errno_code());
    lpFileInformation->dwFileAttributes = attributes_of(info, false, "");
    lpFileInformation->ftCreationTime = filetime_of(info.st_ctim);
    lpFileInformation->ftLastAccessTime = filetime_of(info.st_atim);
    lpFileInformation->ftLastWriteTime = filetime_of(info.st_mtim);
    lpFileInformation->dwVolumeSerialNumber = static_cast<DWORD>(info.st_dev);
    const auto size = S_ISDIR(info.st_mode) ? 0ULL : static_cast<ULONGLONG>(info.st_size);
    lpFileInformation->nFileSizeHigh = static_cast<DWORD>(size >> 32);
    lpFileInformation->nFileSizeLow = static_cast<DWORD>(size & 0xFFFFFFFF);
    lpFileInformation->nNumberOfLinks = static_cast<DWORD>(info.st_nlink);
    const auto inode = static_cast<ULONGLONG>(info.st_ino);
    lpFileInformation->nFileIndexHigh = static_cast<DWORD>(inode >> 32);
    lpFileInformation->nFileIndexLow = static_cast<DWORD>(inode & 0xFFFFFFFF);
    return TRUE;
}

BOOL WINAPI CreateDirectoryA(LPCSTR lpPathName, LPSECURITY_ATTRIBUTES) {
    if (lpPathName == nullptr) return fail(ERROR_INVALID_PARAMETER);
    if (lpPathName[0] == '\0') return fail(ERROR_PATH_NOT_FOUND);
    const std::string path = isapi_fcgi::win32::native_path(lpPathName);
    if (::mkdir(path.c_str(), 0777) != 0) {
        return fail(errno == EEXIST ? DWORD{ERROR_ALREADY_EXISTS} : missing_error(path));
    }
    return TRUE;
}

BOOL WINAPI RemoveDirectoryA(LPCSTR lpPathName) {
    if (lpPathName == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const std::string path = isapi_fcgi::win32::native_path(lpPathName);
    if (::rmdir(path.c_str()) != 0) {
        if (errno == ENOTEMPTY || errno == EEXIST) return fail(ERROR_DIR_NOT_EMPTY);
        if (errno == ENOTDIR) return fail(ERROR_DIRECTORY);
        return fail(missing_error(path));
    }
    return TRUE;
}

UINT WINAPI GetTempFileNameA(LPCSTR lpPathName, LPCSTR lpPrefixString, UINT uUnique,
                             LPSTR lpTempFileName) {
    if (lpPathName == nullptr || lpTempFileName == nullptr) {
        return fail(ERROR_INVALID_PARAMETER, UINT{0});
    }
    std::string directory = lpPathName;
    if (!directory.empty() && directory.back() != '\\' && directory.back() != '/') {
        directory += directory.find('\\') != std::string::npos ? '\\' : '/';
    }
    std::string prefix = lpPrefixString != nullptr ? lpPrefixString : "";
    if (prefix.size() > 3) prefix.resize(3);
    // Windows uses only the low 16 bits of the number.
    UINT number = uUnique & 0xFFFF;
    const bool create = uUnique == 0;
    if (create) number = static_cast<UINT>((::getpid() ^ static_cast<unsigned>(::time(nullptr))) & 0xFFFF);
    for (unsigned attempt = 0; attempt < 0x10000; ++attempt) {
        if (number == 0) number = 1;
        char name[16];
        std::snprintf(name, sizeof(name), "%X.TMP", number);
        const std::string full = directory + prefix + name;
        if (full.size() + 1 > MAX_PATH) return fail(ERROR_BUFFER_OVERFLOW, UINT{0});
        if (!create) {
            std::memcpy(lpTempFileName, full.c_str(), full.size() + 1);
            return number;
        }
        const std::string native = isapi_fcgi::win32::native_path(full.c_str());
        const int fd = ::open(native.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            std::memcpy(lpTempFileName, full.c_str(), full.size() + 1);
            return number;
        }
        if (errno != EEXIST) return fail(missing_error(native), UINT{0});
        number = (number + 1) & 0xFFFF;
    }
    return fail(ERROR_FILE_EXISTS, UINT{0});
}

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile) {
    if (lpFileName == nullptr) return fail(ERROR_INVALID_PARAMETER, INVALID_HANDLE_VALUE);
    const auto name = isapi_fcgi::win32::utf16_to_utf8(lpFileName, true);
    if (!name) return fail(ERROR_INVALID_NAME, INVALID_HANDLE_VALUE);
    return CreateFileA(name->c_str(), dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                       dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
}

DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength, LPSTR lpBuffer) {
    std::string path(256, '\0');
    while (::getcwd(path.data(), path.size()) == nullptr) {
        if (errno != ERANGE) return fail(errno_code(), DWORD{0});
        path.resize(path.size() * 2);
    }
    path.resize(std::strlen(path.c_str()));
    if (lpBuffer == nullptr || path.size() + 1 > nBufferLength) {
        return static_cast<DWORD>(path.size() + 1);
    }
    std::memcpy(lpBuffer, path.c_str(), path.size() + 1);
    return static_cast<DWORD>(path.size());
}

BOOL WINAPI SetCurrentDirectoryA(LPCSTR lpPathName) {
    if (lpPathName == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const std::string path = isapi_fcgi::win32::native_path(lpPathName);
    if (::chdir(path.c_str()) != 0) {
        if (errno == ENOTDIR) return fail(ERROR_DIRECTORY);
        return fail(missing_error(path));
    }
    return TRUE;
}

BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID, DWORD, LPVOID, DWORD,
                            LPDWORD lpBytesReturned, LPOVERLAPPED) {
    if (lpBytesReturned != nullptr) *lpBytesReturned = 0;
    if (isapi_fd_from_handle(hDevice) < 0) return FALSE;
    char detail[96];
    std::snprintf(detail, sizeof(detail), "control code 0x%X fails with ERROR_NOT_SUPPORTED",
                  dwIoControlCode);
    isapi_fcgi::win32::report_unsupported("DeviceIoControl", __builtin_return_address(0), detail);
    return fail(ERROR_NOT_SUPPORTED);
}

}  // extern "C"
