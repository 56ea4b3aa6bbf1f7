// Winsock over the BSD sockets: a SOCKET is the descriptor (include/isapi/win32/winsock2.h).
// WSA codes come from errno; overlapped WSASend/WSARecv complete before returning and leave
// the traces of a completion (src/win32/overlapped_io.cpp).
#include <fcntl.h>
#include <poll.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include <isapi/win32/winsock2.h>

#include "win32/overlapped_io.hpp"
#include "win32/unicode.hpp"

namespace {

std::atomic<int> startups{0};

int wsa_code(int error) {
    switch (error) {
        case 0: return 0;
        case EINTR: return WSAEINTR;
        case EBADF: return WSAENOTSOCK;
        case EACCES: case EPERM: return WSAEACCES;
        case EFAULT: return WSAEFAULT;
        case EINVAL: return WSAEINVAL;
        case EMFILE: case ENFILE: return WSAEMFILE;
        case EAGAIN: return WSAEWOULDBLOCK;
        case EINPROGRESS: return WSAEWOULDBLOCK;  // a non-blocking connect, as Windows says it
        case EALREADY: return WSAEALREADY;
        case ENOTSOCK: return WSAENOTSOCK;
        case EDESTADDRREQ: return WSAEDESTADDRREQ;
        case EMSGSIZE: return WSAEMSGSIZE;
        case EPROTOTYPE: return WSAEPROTOTYPE;
        case ENOPROTOOPT: return WSAENOPROTOOPT;
        case EPROTONOSUPPORT: return WSAEPROTONOSUPPORT;
        case ESOCKTNOSUPPORT: return WSAESOCKTNOSUPPORT;
        case EOPNOTSUPP: return WSAEOPNOTSUPP;
        case EPFNOSUPPORT: return WSAEPFNOSUPPORT;
        case EAFNOSUPPORT: return WSAEAFNOSUPPORT;
        case EADDRINUSE: return WSAEADDRINUSE;
        case EADDRNOTAVAIL: return WSAEADDRNOTAVAIL;
        case ENETDOWN: return WSAENETDOWN;
        case ENETUNREACH: return WSAENETUNREACH;
        case ENETRESET: return WSAENETRESET;
        case ECONNABORTED: return WSAECONNABORTED;
        case ECONNRESET: case EPIPE: return WSAECONNRESET;
        case ENOBUFS: case ENOMEM: return WSAENOBUFS;
        case EISCONN: return WSAEISCONN;
        case ENOTCONN: return WSAENOTCONN;
        case ESHUTDOWN: return WSAESHUTDOWN;
        case ETIMEDOUT: return WSAETIMEDOUT;
        case ECONNREFUSED: return WSAECONNREFUSED;
        case ELOOP: return WSAELOOP;
        case ENAMETOOLONG: return WSAENAMETOOLONG;
        case EHOSTDOWN: return WSAEHOSTDOWN;
        case EHOSTUNREACH: return WSAEHOSTUNREACH;
        default: return WSAEINVAL;
    }
}

// The errno a WSA code stands for, so the C library's view and Winsock's agree.
int errno_of(int code) {
    static const int candidates[] = {EINTR, EBADF, EACCES, EFAULT, EINVAL, EMFILE, EAGAIN,
                                     EALREADY, ENOTSOCK, EMSGSIZE, EADDRINUSE, ECONNRESET,
                                     ENOTCONN, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, ENETUNREACH};
    for (int candidate : candidates) {
        if (wsa_code(candidate) == code) return candidate;
    }
    return 0;
}

// errno as it was when a Winsock function last set the WSA code: if errno differs now, a C
// library socket call failed since, and its errno is the newer error.
thread_local int errno_when_set = -1;

void set_wsa_error(int code) {
    SetLastError(static_cast<DWORD>(code));
    errno = errno_of(code);
    errno_when_set = errno;
}

int fail_socket(int code) {
    set_wsa_error(code);
    return SOCKET_ERROR;
}

int fail_errno() {
    return fail_socket(wsa_code(errno));
}

bool as_fd(SOCKET s, int& fd) {
    if (s == INVALID_SOCKET || s > static_cast<SOCKET>(INT_MAX)) return false;
    fd = static_cast<int>(s);
    return true;
}

HANDLE as_handle(SOCKET s) {
    return reinterpret_cast<HANDLE>(s);
}

// Waits until the socket can do `events` (an overlapped call waits where Windows would pend).
bool await(int fd, short events) {
    pollfd p{fd, events, 0};
    for (;;) {
        const int n = ::poll(&p, 1, -1);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

std::vector<iovec> vectors(LPWSABUF buffers, DWORD count) {
    std::vector<iovec> out(count);
    for (DWORD i = 0; i < count; ++i) out[i] = {buffers[i].buf, buffers[i].len};
    return out;
}

void finish(SOCKET s, LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
            DWORD bytes) {
    if (overlapped == nullptr) return;
    isapi_fcgi::win32::complete_overlapped(as_handle(s), overlapped, ERROR_SUCCESS, bytes,
                                           isapi_fcgi::win32::handle_kind::socket);
    // Windows runs the routine as an APC at the thread's next alertable wait; with nothing in
    // flight here, now is that moment.
    if (routine != nullptr) routine(0, bytes, overlapped, 0);
}

int parse_address(const std::string& text, INT family, LPSOCKADDR address, LPINT length) {
    if (address == nullptr || length == nullptr) return fail_socket(WSAEFAULT);
    std::string host = text;
    long port = 0;
    if (family == AF_INET) {
        const auto colon = host.find(':');
        if (colon != std::string::npos) {
            port = std::strtol(host.c_str() + colon + 1, nullptr, 10);
            host.resize(colon);
        }
        sockaddr_in v4{};
        v4.sin_family = AF_INET;
        if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) != 1 || port < 0 || port > 65535) {
            return fail_socket(WSAEINVAL);
        }
        v4.sin_port = htons(static_cast<uint16_t>(port));
        if (*length < static_cast<INT>(sizeof(v4))) {
            *length = sizeof(v4);
            return fail_socket(WSAEFAULT);
        }
        std::memcpy(address, &v4, sizeof(v4));
        *length = sizeof(v4);
        return 0;
    }
    if (family == AF_INET6) {
        if (host.starts_with('[')) {
            const auto close = host.find(']');
            if (close == std::string::npos) return fail_socket(WSAEINVAL);
            if (close + 1 < host.size()) {
                if (host[close + 1] != ':') return fail_socket(WSAEINVAL);
                port = std::strtol(host.c_str() + close + 2, nullptr, 10);
            }
            host = host.substr(1, close - 1);
        }
        sockaddr_in6 v6{};
        v6.sin6_family = AF_INET6;
        if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) != 1 || port < 0 || port > 65535) {
            return fail_socket(WSAEINVAL);
        }
        v6.sin6_port = htons(static_cast<uint16_t>(port));
        if (*length < static_cast<INT>(sizeof(v6))) {
            *length = sizeof(v6);
            return fail_socket(WSAEFAULT);
        }
        std::memcpy(address, &v6, sizeof(v6));
        *length = sizeof(v6);
        return 0;
    }
    return fail_socket(WSAEINVAL);
}

}  // namespace

extern "C" {

int WINAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
    const BYTE major = LOBYTE(wVersionRequested);
    const BYTE minor = HIBYTE(wVersionRequested);
    if (major < 1) return WSAVERNOTSUPPORTED;
    if (lpWSAData == nullptr) return WSAEFAULT;
    std::memset(lpWSAData, 0, sizeof(*lpWSAData));
    const bool above = major > 2 || (major == 2 && minor > 2);
    lpWSAData->wVersion = above ? MAKEWORD(2, 2) : wVersionRequested;
    lpWSAData->wHighVersion = MAKEWORD(2, 2);
    std::strcpy(lpWSAData->szDescription, "WinSock 2.0 (isapi-fcgi, BSD sockets)");
    std::strcpy(lpWSAData->szSystemStatus, "Running");
    ++startups;
    return 0;
}

int WINAPI WSACleanup(void) {
    int current = startups.load();
    do {
        if (current == 0) return fail_socket(WSANOTINITIALISED);
    } while (!startups.compare_exchange_weak(current, current - 1));
    return 0;
}

int WINAPI WSAGetLastError(void) {
    const DWORD last = GetLastError();
    // A failed socket(), connect(), send()... of the C library leaves errno only.
    if (errno != 0 && errno != errno_when_set) return wsa_code(errno);
    return static_cast<int>(last);
}

void WINAPI WSASetLastError(int iError) {
    set_wsa_error(iError);
}

int WINAPI closesocket(SOCKET s) {
    int fd = -1;
    if (!as_fd(s, fd)) return fail_socket(WSAENOTSOCK);
    isapi_fcgi::win32::forget_handle(as_handle(s), isapi_fcgi::win32::handle_kind::socket);
    if (::close(fd) != 0 && errno != EINTR) return fail_errno();
    return 0;
}

int WINAPI ioctlsocket(SOCKET s, long cmd, u_long* argp) {
    int fd = -1;
    if (!as_fd(s, fd)) return fail_socket(WSAENOTSOCK);
    if (argp == nullptr) return fail_socket(WSAEFAULT);
    if (static_cast<unsigned long>(cmd) == static_cast<unsigned long>(FIONBIO)) {
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags < 0) return fail_errno();
        const int wanted = *argp != 0 ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
        if (::fcntl(fd, F_SETFL, wanted) != 0) return fail_errno();
        return 0;
    }
    if (static_cast<unsigned long>(cmd) == static_cast<unsigned long>(FIONREAD)) {
        int available = 0;
        if (::ioctl(fd, FIONREAD, &available) != 0) return fail_errno();
        *argp = static_cast<u_long>(available);
        return 0;
    }
    return fail_socket(WSAEINVAL);
}

int WINAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int fd = -1;
    if (!as_fd(s, fd)) return fail_socket(WSAENOTSOCK);
    if (lpBuffers == nullptr && dwBufferCount > 0) return fail_socket(WSAEFAULT);
    auto iov = vectors(lpBuffers, dwBufferCount);
    std::size_t next = 0;
    DWORD sent = 0;
    const int flags = MSG_NOSIGNAL | static_cast<int>(dwFlags & MSG_OOB);
    while (next < iov.size()) {
        msghdr message{};
        message.msg_iov = iov.data() + next;
        message.msg_iovlen = iov.size() - next;
        const ssize_t n = ::sendmsg(fd, &message, flags);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN && lpOverlapped != nullptr && await(fd, POLLOUT)) continue;
            if (sent > 0 && lpOverlapped == nullptr) break;  // a partial send counts
            return fail_errno();
        }
        sent += static_cast<DWORD>(n);
        auto left = static_cast<std::size_t>(n);
        while (next < iov.size() && left >= iov[next].iov_len) left -= iov[next++].iov_len;
        if (next < iov.size()) {
            iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + left;
            iov[next].iov_len -= left;
        }
    }
    if (lpNumberOfBytesSent != nullptr) *lpNumberOfBytesSent = sent;
    finish(s, lpOverlapped, lpCompletionRoutine, sent);
    SetLastError(ERROR_SUCCESS);
    return 0;
}

int WINAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                   LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int fd = -1;
    if (!as_fd(s, fd)) return fail_socket(WSAENOTSOCK);
    if (lpBuffers == nullptr && dwBufferCount > 0) return fail_socket(WSAEFAULT);
    auto iov = vectors(lpBuffers, dwBufferCount);
    const int flags = lpFlags != nullptr ? static_cast<int>(*lpFlags & (MSG_PEEK | MSG_OOB)) : 0;
    ssize_t n = -1;
    for (;;) {
        msghdr message{};
        message.msg_iov = iov.data();
        message.msg_iovlen = iov.size();
        n = ::recvmsg(fd, &message, flags);
        if (n >= 0) break;
        if (errno == EINTR) continue;
        if (errno == EAGAIN && lpOverlapped != nullptr && await(fd, POLLIN)) continue;
        return fail_errno();
    }
    if (lpNumberOfBytesRecvd != nullptr) *lpNumberOfBytesRecvd = static_cast<DWORD>(n);
    if (lpFlags != nullptr) *lpFlags = 0;
    finish(s, lpOverlapped, lpCompletionRoutine, static_cast<DWORD>(n));
    SetLastError(ERROR_SUCCESS);
    return 0;
}

BOOL WINAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags) {
    if (lpdwFlags != nullptr) *lpdwFlags = 0;
    return GetOverlappedResult(as_handle(s), lpOverlapped, lpcbTransfer, fWait);
}

WSAEVENT WINAPI WSACreateEvent(void) {
    return CreateEventA(nullptr, TRUE, FALSE, nullptr);
}
BOOL WINAPI WSACloseEvent(WSAEVENT hEvent) {
    return CloseHandle(hEvent);
}
BOOL WINAPI WSASetEvent(WSAEVENT hEvent) {
    return SetEvent(hEvent);
}
BOOL WINAPI WSAResetEvent(WSAEVENT hEvent) {
    return ResetEvent(hEvent);
}
DWORD WINAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL) {
    return WaitForMultipleObjects(cEvents, lphEvents, fWaitAll, dwTimeout);
}

INT WINAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily, LPVOID, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
    if (AddressString == nullptr) return fail_socket(WSAEINVAL);
    return parse_address(AddressString, AddressFamily, lpAddress, lpAddressLength);
}

INT WINAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily, LPVOID, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
    if (AddressString == nullptr) return fail_socket(WSAEINVAL);
    const auto* units = reinterpret_cast<const char16_t*>(AddressString);
    const auto text = isapi_fcgi::win32::utf16_to_utf8(
        std::u16string_view(units, isapi_fcgi::win32::utf16_length(units)), false);
    return parse_address(text.value_or(std::string()), AddressFamily, lpAddress, lpAddressLength);
}

}  // extern "C"
