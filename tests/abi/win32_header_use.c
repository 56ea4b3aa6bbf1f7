/*
 * Compiled (not linked) by the abi.win32_headers_compile_warning_free test with -Werror in C and
 * C++: every include/isapi/win32 header, included through the mixed-case spellings IIS code
 * uses, with its macros and inline functions expanded.
 */
#include <Windows.h>
#include "HttpExt.h"
#include <StrSafe.h>
#include <TCHAR.H>
#include <Process.h>
#include <WinNls.h>
#include <WinReg.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#ifdef __cplusplus
extern "C" {
#endif
int header_use(void);
int win32b_header_use(void);
#ifdef __cplusplus
}
#endif

/* Overlapped I/O, registry, Winsock, event log and SEH, with their macros expanded. */
int win32b_header_use(void)
{
    OVERLAPPED ov;
    HKEY key = NULL;
    DWORD type = REG_NONE, size = 0;
    ULONG_PTR completion_key = 0;
    LPOVERLAPPED done = NULL;
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    SOCKET s = INVALID_SOCKET;
    WSABUF buffer;
    u_long on = 1;
    volatile int caught = 0;
    LPCSTR strings[1];

    ZeroMemory(&ov, sizeof(ov));
    ov.Internal = STATUS_PENDING;
    caught = HasOverlappedIoCompleted(&ov) ? 1 : 0;
    GetQueuedCompletionStatus(port, &size, &completion_key, &done, 0);
    if (RegOpenKeyEx(HKEY_LOCAL_MACHINE, "SOFTWARE", 0, KEY_READ, &key) == ERROR_SUCCESS) {
        RegQueryValueEx(key, "v", NULL, &type, NULL, &size);
        RegCloseKey(key);
    }
    buffer.buf = NULL;
    buffer.len = 0;
    if (s != INVALID_SOCKET && ioctlsocket(s, ISAPI_SCAST_(long, FIONBIO), &on) == SOCKET_ERROR) {
        caught = WSAGetLastError();
    }
    strings[0] = "x";
    ReportEvent(RegisterEventSource(NULL, "src"), EVENTLOG_WARNING_TYPE, 0, 1, NULL, 1, 0, strings, NULL);
    __try {
        __leave;
    } __except (GetExceptionCode() == EXCEPTION_ACCESS_VIOLATION ? EXCEPTION_EXECUTE_HANDLER
                                                                : EXCEPTION_CONTINUE_SEARCH) {
        caught = 2;
    }
    __try {
        caught = caught + 1;
    } __finally {
        caught = caught + ISAPI_SCAST_(int, buffer.len);
    }
    return caught + ISAPI_SCAST_(int, type);
}

int header_use(void)
{
    CRITICAL_SECTION cs;
    volatile LONG counter = 0;
    char buffer[64];
    TCHAR text[8] = _T("tchar");
    LARGE_INTEGER big;
    OVERLAPPED overlapped;
    SYSTEMTIME now;
    HANDLE heap = GetProcessHeap();
    LPVOID block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 16);
    DWORD wait = WaitForSingleObject(INVALID_HANDLE_VALUE, INFINITE);
    int smaller = 0;

    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    InterlockedIncrement(&counter);
    InterlockedCompareExchange(&counter, 2, 1);
    ZeroMemory(buffer, sizeof(buffer));
    CopyMemory(buffer, "abc", 3);
    big.QuadPart = 1;
    big.LowPart = 2;
    overlapped.Offset = 0;
    overlapped.OffsetHigh = overlapped.Offset;
    ReadFile(INVALID_HANDLE_VALUE, buffer, 1, NULL, &overlapped);
    GetSystemTime(&now);
    strcpy_s(buffer, sizeof(buffer), "x");
    strncpy_s(buffer, sizeof(buffer), "abc", _TRUNCATE);
    sprintf_s(buffer, sizeof(buffer), "%lu", ISAPI_SCAST_(DWORD, _countof(buffer)));
    StringCchCopy(buffer, ARRAYSIZE(buffer), text);
    wsprintf(buffer, "%d", lstrlen(text));
    HeapFree(heap, 0, block);
#ifndef __cplusplus
    smaller = min(1, 2) + max(0, 1);
#endif
    return ISAPI_SCAST_(int, wait + ISAPI_SCAST_(DWORD, smaller) + big.u.LowPart
                                 + MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) + CP_UTF8
                                 + HSE_STATUS_SUCCESS);
}
