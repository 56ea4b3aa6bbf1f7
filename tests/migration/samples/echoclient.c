/*
 * echoclient - an extension that is a Winsock client of a back-end service, as IIS gateways
 * were: it connects to the echo service at 127.0.0.1:PORT, sends the text with an overlapped
 * WSASend (two WSABUFs: a prefix and the text), reads the echo back with WSARecv until every
 * byte returned, and answers what came back.
 *
 * GET /scripts/echoclient.dll?PORT&TEXT  ->  200 "echo=<what came back> pending=<n>" where n
 *     counts the receives that reported WSA_IO_PENDING (Winsock may complete them at once);
 *     502 "winsock error N" with the WSAGetLastError code when the service is not there.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <httpext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void Answer(EXTENSION_CONTROL_BLOCK *pECB, LPCSTR pszStatus, LPCSTR pszBody)
{
    char szHeaders[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cb = (DWORD)strlen(pszStatus);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, (LPVOID)pszStatus,
                                &cb, (LPDWORD)szHeaders);
    cb = (DWORD)strlen(pszBody);
    pECB->WriteClient(pECB->ConnID, (LPVOID)pszBody, &cb, HSE_IO_SYNC);
}

static void Fail(EXTENSION_CONTROL_BLOCK *pECB, SOCKET s)
{
    char szBody[64];
    _snprintf(szBody, sizeof(szBody), "winsock error %d\r\n", WSAGetLastError());
    if (s != INVALID_SOCKET) closesocket(s);
    Answer(pECB, "502 Bad Gateway", szBody);
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    WSADATA wsa;
    pVer->dwExtensionVersion = HSE_VERSION;
    strcpy_s(pVer->lpszExtensionDesc, HSE_MAX_EXT_DLL_NAME_LEN, "Winsock echo client");
    return WSAStartup(MAKEWORD(2, 2), &wsa) == 0 && wsa.wVersion == MAKEWORD(2, 2);
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szQuery[256], szAddress[32], szEcho[300], szBody[400];
    char szPrefix[] = ">";
    char *pszText;
    SOCKADDR_IN sin;
    int cbSin = sizeof(sin);
    SOCKET s = INVALID_SOCKET;
    WSABUF out[2], in;
    WSAOVERLAPPED ov;
    DWORD cbSent = 0, cbGot = 0, cbWanted, dwFlags = 0;
    u_long nonBlocking = 1;
    int nPending = 0;

    strncpy_s(szQuery, sizeof(szQuery), pECB->lpszQueryString, _TRUNCATE);
    pszText = strchr(szQuery, '&');
    if (pszText == NULL) {
        Answer(pECB, "400 Bad Request", "usage: ?PORT&TEXT\r\n");
        return HSE_STATUS_SUCCESS;
    }
    *pszText++ = '\0';
    _snprintf(szAddress, sizeof(szAddress), "127.0.0.1:%s", szQuery);
    if (WSAStringToAddressA(szAddress, AF_INET, NULL, (LPSOCKADDR)&sin, &cbSin) == SOCKET_ERROR) {
        Fail(pECB, s);
        return HSE_STATUS_SUCCESS;
    }
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET || connect(s, (SOCKADDR *)&sin, sizeof(sin)) == SOCKET_ERROR) {
        Fail(pECB, s);
        return HSE_STATUS_SUCCESS;
    }
    /* Non-blocking, as a gateway that never wants a thread stuck in recv() makes it. */
    if (ioctlsocket(s, FIONBIO, &nonBlocking) == SOCKET_ERROR) {
        Fail(pECB, s);
        return HSE_STATUS_SUCCESS;
    }

    ZeroMemory(&ov, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    out[0].buf = szPrefix;
    out[0].len = 1;
    out[1].buf = pszText;
    out[1].len = (ULONG)strlen(pszText);
    cbWanted = out[0].len + out[1].len;
    if (WSASend(s, out, 2, &cbSent, 0, &ov, NULL) == SOCKET_ERROR) {
        if (WSAGetLastError() != WSA_IO_PENDING ||
            WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE) != WSA_WAIT_EVENT_0 ||
            !WSAGetOverlappedResult(s, &ov, &cbSent, FALSE, &dwFlags)) {
            WSACloseEvent(ov.hEvent);
            Fail(pECB, s);
            return HSE_STATUS_SUCCESS;
        }
    }
    while (cbGot < cbWanted && cbGot < sizeof(szEcho) - 1) {
        DWORD cb = 0;
        WSAResetEvent(ov.hEvent);
        in.buf = szEcho + cbGot;
        in.len = (ULONG)(sizeof(szEcho) - 1 - cbGot);
        dwFlags = 0;
        if (WSARecv(s, &in, 1, &cb, &dwFlags, &ov, NULL) == SOCKET_ERROR) {
            if (WSAGetLastError() != WSA_IO_PENDING) break;
            ++nPending;
            if (!WSAGetOverlappedResult(s, &ov, &cb, TRUE, &dwFlags)) break;
        }
        if (cb == 0) break;  /* the service closed */
        cbGot += cb;
    }
    WSACloseEvent(ov.hEvent);
    closesocket(s);
    szEcho[cbGot] = '\0';
    _snprintf(szBody, sizeof(szBody), "echo=%s pending=%d sent=%lu\r\n", szEcho, nPending,
              (unsigned long)cbSent);
    Answer(pECB, "200 OK", szBody);
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    WSACleanup();
    return TRUE;
}
