// shlwapi's path helpers on MAX_PATH buffers, keeping whichever separator the path uses.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>
#include <isapi/win32/shlwapi.h>

#include "win32/paths.hpp"

namespace {

bool is_separator(char c) {
    return c == '\\' || c == '/';
}

char separator_of(const char* path) {
    return std::strchr(path, '/') != nullptr && std::strchr(path, '\\') == nullptr ? '/' : '\\';
}

// "." and ".." folded out of an absolute '/' path.
std::string canonical(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        const std::string part = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    std::string out;
    for (const auto& part : parts) out += "/" + part;
    return out.empty() ? "/" : out;
}

}  // namespace

extern "C" {

BOOL WINAPI PathAppendA(LPSTR pszPath, LPCSTR pszMore) {
    if (pszPath == nullptr || pszMore == nullptr) return FALSE;
    std::string path = pszPath;
    const char separator = separator_of(pszPath[0] != '\0' ? pszPath : pszMore);
    const char* more = pszMore;
    while (is_separator(*more)) ++more;
    if (!path.empty() && !is_separator(path.back()) && *more != '\0') path += separator;
    path += more;
    if (path.size() + 1 > MAX_PATH) return FALSE;
    std::memcpy(pszPath, path.c_str(), path.size() + 1);
    return TRUE;
}

BOOL WINAPI PathRemoveFileSpecA(LPSTR pszPath) {
    if (pszPath == nullptr) return FALSE;
    const std::size_t length = std::strlen(pszPath);
    std::size_t last = std::string::npos;
    for (std::size_t i = 0; i < length; ++i) {
        if (is_separator(pszPath[i])) last = i;
    }
    if (last == std::string::npos) {
        // A bare name (or "C:name"): what is left is empty (or the drive).
        const bool drive = length >= 2 && pszPath[1] == ':';
        const std::size_t keep = drive ? 2 : 0;
        if (length == keep) return FALSE;
        pszPath[keep] = '\0';
        return TRUE;
    }
    // The root ("\\", "/" or "C:\\") keeps its separator.
    const bool root = last == 0 || (last == 2 && pszPath[1] == ':');
    const std::size_t cut = root ? last + 1 : last;
    if (cut >= length) return FALSE;
    pszPath[cut] = '\0';
    return TRUE;
}

BOOL WINAPI PathFileExistsA(LPCSTR pszPath) {
    if (pszPath == nullptr) return FALSE;
    struct stat info{};
    return ::stat(isapi_fcgi::win32::native_path(pszPath).c_str(), &info) == 0;
}

BOOL WINAPI PathSearchAndQualifyA(LPCSTR pszPath, LPSTR pszBuf, UINT cchBuf) {
    if (pszPath == nullptr || pszBuf == nullptr || cchBuf == 0) return FALSE;
    std::string path = isapi_fcgi::win32::native_path(pszPath);
    std::string result;
    if (!path.empty() && path[0] == '/') {
        result = canonical(path);
    } else {
        if (path.find('/') == std::string::npos && !PathFileExistsA(pszPath)) {
            if (const char* search = std::getenv("PATH")) {
                std::string dirs = search;
                std::size_t start = 0;
                while (start <= dirs.size() && result.empty()) {
                    const auto end = dirs.find(':', start);
                    const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
                    const std::string candidate = (dir.empty() ? "." : dir) + "/" + path;
                    if (::access(candidate.c_str(), F_OK) == 0 && candidate[0] == '/') result = canonical(candidate);
                    if (end == std::string::npos) break;
                    start = end + 1;
                }
            }
        }
        if (result.empty()) {
            char cwd[4096];
            if (::getcwd(cwd, sizeof(cwd)) == nullptr) return FALSE;
            result = canonical(std::string(cwd) + "/" + path);
        }
    }
    if (result.size() + 1 > cchBuf) return FALSE;
    std::memcpy(pszBuf, result.c_str(), result.size() + 1);
    return TRUE;
}

}  // extern "C"
