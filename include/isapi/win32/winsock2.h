/*
 * winsock2.h - Winsock on the BSD sockets underneath (docs/porting.md, "Winsock").
 *
 * A SOCKET is the socket's file descriptor, so socket(), connect(), send(), recv(), select(),
 * setsockopt() and getaddrinfo() are the C library's, called as Windows code calls them (the
 * shutdown constants SD_* equal SHUT_*).  What Winsock adds is here: WSAStartup/WSACleanup,
 * closesocket, ioctlsocket, WSAGetLastError with WSA codes (the C library's errno translated:
 * ECONNREFUSED -> WSAECONNREFUSED...), WSASend/WSARecv with WSABUF arrays, overlapped, and
 * their events.  WSAStartup is not required before the other calls.
 */
#ifndef ISAPI_WIN32_WINSOCK2_H
#define ISAPI_WIN32_WINSOCK2_H

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __USE_MISC /* strict ISO C modes: glibc names these only under _DEFAULT_SOURCE */
typedef __u_char u_char;
typedef __u_short u_short;
typedef __u_int u_int;
typedef __u_long u_long;
#endif

typedef UINT_PTR SOCKET;
#define INVALID_SOCKET ISAPI_SCAST_(SOCKET, ~ISAPI_SCAST_(SOCKET, 0))
#define SOCKET_ERROR (-1)

typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;
typedef struct sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE;
typedef struct in_addr IN_ADDR, *PIN_ADDR;
typedef struct hostent HOSTENT, *PHOSTENT, *LPHOSTENT;
typedef struct timeval TIMEVAL;

#define SD_RECEIVE SHUT_RD
#define SD_SEND SHUT_WR
#define SD_BOTH SHUT_RDWR

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128
typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

typedef struct _WSABUF {
    ULONG len;
    CHAR *buf;
} WSABUF, *LPWSABUF;

typedef OVERLAPPED WSAOVERLAPPED, *LPWSAOVERLAPPED;
typedef HANDLE WSAEVENT;
typedef void (WINAPI *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                          LPWSAOVERLAPPED lpOverlapped,
                                                          DWORD dwFlags);
#define WSA_INVALID_EVENT ISAPI_SCAST_(WSAEVENT, 0)
#define WSA_WAIT_EVENT_0 WAIT_OBJECT_0
#define WSA_WAIT_TIMEOUT WAIT_TIMEOUT
#define WSA_WAIT_FAILED WAIT_FAILED
#define WSA_INFINITE INFINITE
#define WSA_MAXIMUM_WAIT_EVENTS MAXIMUM_WAIT_OBJECTS

#define WSA_IO_PENDING ERROR_IO_PENDING
#define WSA_IO_INCOMPLETE ERROR_IO_INCOMPLETE
#define WSA_INVALID_HANDLE ERROR_INVALID_HANDLE
#define WSA_INVALID_PARAMETER ERROR_INVALID_PARAMETER
#define WSA_NOT_ENOUGH_MEMORY ERROR_NOT_ENOUGH_MEMORY
#define WSA_OPERATION_ABORTED ERROR_OPERATION_ABORTED

/* The Windows Sockets codes windef_subset.h does not already give. */
#define WSAEINPROGRESS 10036
#define WSAEALREADY 10037
#define WSAENOTSOCK 10038
#define WSAEDESTADDRREQ 10039
#define WSAEMSGSIZE 10040
#define WSAEPROTOTYPE 10041
#define WSAENOPROTOOPT 10042
#define WSAEPROTONOSUPPORT 10043
#define WSAESOCKTNOSUPPORT 10044
#define WSAEOPNOTSUPP 10045
#define WSAEPFNOSUPPORT 10046
#define WSAEAFNOSUPPORT 10047
#define WSAEADDRINUSE 10048
#define WSAEADDRNOTAVAIL 10049
#define WSAENETDOWN 10050
#define WSAENETUNREACH 10051
#define WSAENETRESET 10052
#define WSAENOBUFS 10055
#define WSAEISCONN 10056
#define WSAETOOMANYREFS 10059
#define WSAECONNREFUSED 10061
#define WSAELOOP 10062
#define WSAENAMETOOLONG 10063
#define WSAEHOSTDOWN 10064
#define WSAEHOSTUNREACH 10065
#define WSASYSNOTREADY 10091
#define WSAVERNOTSUPPORTED 10092
#define WSANOTINITIALISED 10093
#define WSAEDISCON 10101
#define WSAHOST_NOT_FOUND 11001
#define WSATRY_AGAIN 11002
#define WSANO_RECOVERY 11003
#define WSANO_DATA 11004

/* Versions 1.0 to 2.2; a higher request gets 2.2, a lower one WSAVERNOTSUPPORTED. */
ISAPI_WIN32_API int WINAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
/* SOCKET_ERROR with WSANOTINITIALISED when called more often than WSAStartup. */
ISAPI_WIN32_API int WINAPI WSACleanup(void);
/* The WSA code of the calling thread's last failure: what Winsock functions set, or else the
 * C library's errno of the last failed socket call, translated. */
ISAPI_WIN32_API int WINAPI WSAGetLastError(void);
ISAPI_WIN32_API void WINAPI WSASetLastError(int iError);
ISAPI_WIN32_API int WINAPI closesocket(SOCKET s);
/* FIONBIO (non-blocking on/off) and FIONREAD (bytes readable); others WSAEINVAL. */
ISAPI_WIN32_API int WINAPI ioctlsocket(SOCKET s, long cmd, u_long *argp);

/*
 * With lpOverlapped, the operation completes before the call returns (0, the counts set, the
 * OVERLAPPED filled, hEvent set, a packet queued on the socket's completion port, and
 * lpCompletionRoutine called): a send waits until every byte is written, a receive until some
 * data (or the peer's close, 0 bytes) arrives, even on a non-blocking socket.  Without it, a
 * non-blocking socket fails with WSAEWOULDBLOCK as on Windows.
 */
ISAPI_WIN32_API int WINAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                   LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                   LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
ISAPI_WIN32_API int WINAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                   LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
ISAPI_WIN32_API BOOL WINAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                   LPDWORD lpcbTransfer, BOOL fWait,
                                                   LPDWORD lpdwFlags);
/* Manual-reset events, as Windows makes them. */
ISAPI_WIN32_API WSAEVENT WINAPI WSACreateEvent(void);
ISAPI_WIN32_API BOOL WINAPI WSACloseEvent(WSAEVENT hEvent);
ISAPI_WIN32_API BOOL WINAPI WSASetEvent(WSAEVENT hEvent);
ISAPI_WIN32_API BOOL WINAPI WSAResetEvent(WSAEVENT hEvent);
ISAPI_WIN32_API DWORD WINAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents,
                                                      BOOL fWaitAll, DWORD dwTimeout,
                                                      BOOL fAlertable);
/* "a.b.c.d[:port]" and "[v6][:port]" / "v6" into a sockaddr; lpProtocolInfo is ignored. */
ISAPI_WIN32_API INT WINAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                                               LPVOID lpProtocolInfo, LPSOCKADDR lpAddress,
                                               LPINT lpAddressLength);
ISAPI_WIN32_API INT WINAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                                               LPVOID lpProtocolInfo, LPSOCKADDR lpAddress,
                                               LPINT lpAddressLength);
#define WSAStringToAddress WSAStringToAddressA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINSOCK2_H */
