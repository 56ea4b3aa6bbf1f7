// FormatMessage: message texts for the codes isapi-fcgi and this layer set (written for this
// project, ending in CRLF like Windows' own), and the %1..%99 insert syntax.
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

struct message {
    DWORD code;
    const char* text;
};

constexpr message system_messages[] = {
    {ERROR_SUCCESS, "The operation completed successfully."},
    {ERROR_INVALID_FUNCTION, "The function is not valid."},
    {ERROR_FILE_NOT_FOUND, "The file could not be found."},
    {ERROR_PATH_NOT_FOUND, "The path could not be found."},
    {ERROR_TOO_MANY_OPEN_FILES, "Too many files are open."},
    {ERROR_ACCESS_DENIED, "Access is denied."},
    {ERROR_INVALID_HANDLE, "The handle is not valid."},
    {ERROR_NOT_ENOUGH_MEMORY, "There is not enough memory for this operation."},
    {ERROR_INVALID_ACCESS, "The access code is not valid."},
    {ERROR_INVALID_DATA, "The data is not valid."},
    {ERROR_OUTOFMEMORY, "There is not enough memory to complete the operation."},
    {ERROR_WRITE_FAULT, "The device could not be written to."},
    {ERROR_READ_FAULT, "The device could not be read from."},
    {ERROR_GEN_FAILURE, "A device attached to the system is not working."},
    {ERROR_SHARING_VIOLATION, "Another process is using the file."},
    {ERROR_HANDLE_EOF, "The end of the file has been reached."},
    {ERROR_NOT_SUPPORTED, "The request is not supported."},
    {ERROR_NETNAME_DELETED, "The network name is no longer available."},
    {ERROR_FILE_EXISTS, "The file exists."},
    {ERROR_INVALID_PARAMETER, "A parameter is not valid."},
    {ERROR_BROKEN_PIPE, "The pipe has been ended."},
    {ERROR_DISK_FULL, "There is not enough space on the disk."},
    {ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
    {ERROR_INVALID_NAME, "The file name, directory name or volume label syntax is not valid."},
    {ERROR_MOD_NOT_FOUND, "The module could not be found."},
    {ERROR_PROC_NOT_FOUND, "The procedure could not be found."},
    {ERROR_NEGATIVE_SEEK, "The file pointer cannot be moved before the beginning of the file."},
    {ERROR_BUSY, "The resource is in use."},
    {ERROR_ALREADY_EXISTS, "The file or object already exists."},
    {ERROR_FILENAME_EXCED_RANGE, "The file name is too long."},
    {ERROR_ENVVAR_NOT_FOUND, "The environment variable could not be found."},
    {ERROR_NO_DATA, "The pipe is being closed."},
    {ERROR_MORE_DATA, "More data is available."},
    {WAIT_TIMEOUT, "The wait operation timed out."},
    {ERROR_NO_MORE_ITEMS, "No more data is available."},
    {ERROR_NOT_OWNER, "The caller does not own the mutex."},
    {ERROR_TOO_MANY_POSTS, "The semaphore cannot be released that many more times."},
    {ERROR_MR_MID_NOT_FOUND, "No message text exists for this message number."},
    {ERROR_INVALID_ADDRESS, "The address is not valid."},
    {ERROR_ARITHMETIC_OVERFLOW, "An arithmetic result exceeded 32 bits."},
    {ERROR_OPERATION_ABORTED, "The I/O operation was aborted by a thread exit or a request."},
    {ERROR_IO_INCOMPLETE, "The overlapped I/O event is not signalled."},
    {ERROR_IO_PENDING, "An overlapped I/O operation is in progress."},
    {ERROR_NOACCESS, "Invalid access to a memory location."},
    {ERROR_INVALID_FLAGS, "The flags are not valid."},
    {ERROR_NO_UNICODE_TRANSLATION, "No mapping for the Unicode character exists in the target code page."},
    {ERROR_DLL_INIT_FAILED, "The initialization routine of a library failed."},
    {ERROR_NOT_FOUND, "The element could not be found."},
    {ERROR_CANCELLED, "The operation was cancelled by the user."},
    {ERROR_CONNECTION_REFUSED, "The remote computer refused the network connection."},
    {ERROR_CONNECTION_ABORTED, "The network connection was aborted by the local system."},
    {ERROR_INTERNAL_ERROR, "An internal error occurred."},
    {ERROR_INVALID_INDEX, "The index is not valid."},
    {ERROR_TIMEOUT, "The operation returned because the timeout period expired."},
    {ERROR_INVALID_USER_BUFFER, "The supplied user buffer is not valid for the operation."},
    {WSAEINVAL, "An argument is not valid."},
    {WSAECONNRESET, "The remote host reset the connection."},
};

const char* system_text(DWORD code) {
    for (const auto& m : system_messages) {
        if (m.code == code) return m.text;
    }
    return nullptr;
}

// One insert formatted with its !printf-spec! (default "s") from a pointer-sized argument.
std::string format_insert(const std::string& spec, ULONG_PTR value) {
    char conversion = spec.empty() ? 's' : spec.back();
    std::string c_spec = "%" + spec.substr(0, spec.empty() ? 0 : spec.size() - 1);
    bool wide64 = false;
    for (const char* size : {"I64", "ll"}) {
        const auto at = c_spec.find(size);
        if (at != std::string::npos) {
            c_spec.erase(at, std::strlen(size));
            wide64 = true;
        }
    }
    for (const char size : {'l', 'h', 'I', 'w'}) std::erase(c_spec, size);
    char buffer[512];
    switch (conversion) {
        case 'd':
        case 'i':
            c_spec += "ll";
            c_spec += conversion;
            std::snprintf(buffer, sizeof(buffer), c_spec.c_str(),
                          wide64 ? static_cast<long long>(value)
                                 : static_cast<long long>(static_cast<int>(value)));
            return buffer;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            c_spec += "ll";
            c_spec += conversion;
            std::snprintf(buffer, sizeof(buffer), c_spec.c_str(),
                          wide64 ? static_cast<unsigned long long>(value)
                                 : static_cast<unsigned long long>(static_cast<unsigned>(value)));
            return buffer;
        case 'c':
            c_spec += 'c';
            std::snprintf(buffer, sizeof(buffer), c_spec.c_str(), static_cast<int>(value));
            return buffer;
        default: {
            const char* text = reinterpret_cast<const char*>(value);
            c_spec += 's';
            std::snprintf(buffer, sizeof(buffer), c_spec.c_str(), text != nullptr ? text : "(null)");
            return buffer;
        }
    }
}

// Expands the inserts of `source`; false for an insert without an argument array or list.
bool expand(const char* source, bool ignore_inserts, va_list* arguments, bool argument_array,
            std::string& out) {
    if (ignore_inserts) {
        out = source;
        return true;
    }
    std::vector<ULONG_PTR> values;
    auto argument = [&](unsigned index) -> std::optional<ULONG_PTR> {
        if (arguments == nullptr) return std::nullopt;
        if (argument_array) return reinterpret_cast<const ULONG_PTR*>(arguments)[index - 1];
        // A va_list is read in order; earlier inserts' arguments are kept for reuse.
        while (values.size() < index) values.push_back(va_arg(*arguments, ULONG_PTR));
        return values[index - 1];
    };
    for (const char* p = source; *p != '\0'; ++p) {
        if (*p != '%') {
            out.push_back(*p);
            continue;
        }
        const char next = p[1];
        if (next == '\0') break;
        ++p;
        if (next == '0') return true;  // end of message, no newline
        if (next == 'n') {
            out += "\r\n";
            continue;
        }
        if (next < '1' || next > '9') {
            out.push_back(next);  // %% %. %! and friends: the character itself
            continue;
        }
        unsigned index = static_cast<unsigned>(next - '0');
        if (p[1] >= '0' && p[1] <= '9') index = index * 10 + static_cast<unsigned>(*++p - '0');
        std::string spec;
        if (p[1] == '!') {
            const char* close = std::strchr(p + 2, '!');
            if (close == nullptr) return false;
            spec.assign(p + 2, close);
            p = close;
        }
        const auto value = argument(index);
        if (!value) return false;
        out += format_insert(spec, *value);
    }
    return true;
}

}  // namespace

extern "C" DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD,
                                       LPSTR lpBuffer, DWORD nSize, va_list* Arguments) {
    const char* source = nullptr;
    std::string system;
    if (dwFlags & FORMAT_MESSAGE_FROM_STRING) {
        source = static_cast<const char*>(lpSource);
    } else if (dwFlags & FORMAT_MESSAGE_FROM_SYSTEM) {
        const char* text = system_text(dwMessageId);
        if (text == nullptr) return fail(ERROR_MR_MID_NOT_FOUND, DWORD{0});
        system = std::string(text) + "\r\n";
        source = system.c_str();
    } else {
        // Message tables in modules (FROM_HMODULE) do not exist on Linux.
        return fail(ERROR_MR_MID_NOT_FOUND, DWORD{0});
    }
    if (source == nullptr || lpBuffer == nullptr) return fail(ERROR_INVALID_PARAMETER, DWORD{0});
    std::string text;
    if (!expand(source, (dwFlags & FORMAT_MESSAGE_IGNORE_INSERTS) != 0, Arguments,
                (dwFlags & FORMAT_MESSAGE_ARGUMENT_ARRAY) != 0, text)) {
        return fail(ERROR_INVALID_PARAMETER, DWORD{0});
    }
    if (dwFlags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        // lpBuffer is really an LPSTR* receiving a LocalAlloc'd block the caller LocalFrees.
        const SIZE_T size = text.size() + 1 > nSize ? text.size() + 1 : nSize;
        auto* block = static_cast<char*>(LocalAlloc(LMEM_FIXED, size));
        if (block == nullptr) return fail(ERROR_NOT_ENOUGH_MEMORY, DWORD{0});
        std::memcpy(block, text.c_str(), text.size() + 1);
        *reinterpret_cast<LPSTR*>(lpBuffer) = block;
        return static_cast<DWORD>(text.size());
    }
    if (text.size() + 1 > nSize) return fail(ERROR_INSUFFICIENT_BUFFER, DWORD{0});
    std::memcpy(lpBuffer, text.c_str(), text.size() + 1);
    return static_cast<DWORD>(text.size());
}
