/*
 * sehguard - guards a risky parser with SEH, as IIS extensions guarded third-party code.
 *
 * GET /scripts/sehguard.dll?inside   a write through a bad pointer inside __try: the __except
 *     filter sees EXCEPTION_ACCESS_VIOLATION and the __finally ran on the way: 200
 *     "caught=c0000005 write=1 finally=1".
 * GET /scripts/sehguard.dll?divide   an integer division by zero inside __try: 200 "caught=c0000094".
 * GET /scripts/sehguard.dll?outside  the same write with no __try around it: the worker dies
 *     (the pool starts another), as an unhandled access violation ends w3wp.exe.
 */
#include <windows.h>
#include <httpext.h>
#include <stdio.h>
#include <string.h>

static volatile ULONG_PTR g_BadAddress = 16;
static volatile int g_Zero;

static void Poke(void)
{
    *(volatile int *)g_BadAddress = 1;
}

static int Divide(int n)
{
    return n / g_Zero;
}

static int Classify(EXCEPTION_POINTERS *pInfo, DWORD *pdwCode, ULONG_PTR *pWrite)
{
    *pdwCode = pInfo->ExceptionRecord->ExceptionCode;
    *pWrite = pInfo->ExceptionRecord->NumberParameters >= 1 ? pInfo->ExceptionRecord->ExceptionInformation[0] : 0;
    return EXCEPTION_EXECUTE_HANDLER;
}

static void Reply(EXTENSION_CONTROL_BLOCK *pECB, LPCSTR pszBody)
{
    char szHeaders[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cb = (DWORD)strlen(pszBody);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, "200 OK", NULL,
                                (LPDWORD)szHeaders);
    pECB->WriteClient(pECB->ConnID, (LPVOID)pszBody, &cb, HSE_IO_SYNC);
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strcpy_s(pVer->lpszExtensionDesc, HSE_MAX_EXT_DLL_NAME_LEN, "SEH guard sample");
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szBody[96];
    DWORD dwCode = 0;
    ULONG_PTR write = 0;
    volatile int fFinally = 0;

    if (strcmp(pECB->lpszQueryString, "outside") == 0) {
        Poke();
        Reply(pECB, "not reached\r\n");
        return HSE_STATUS_SUCCESS;
    }
    if (strcmp(pECB->lpszQueryString, "divide") == 0) {
        __try {
            _snprintf(szBody, sizeof(szBody), "quotient=%d\r\n", Divide(7));
        } __except (Classify(GetExceptionInformation(), &dwCode, &write)) {
            _snprintf(szBody, sizeof(szBody), "caught=%08lx\r\n", (unsigned long)dwCode);
        }
        Reply(pECB, szBody);
        return HSE_STATUS_SUCCESS;
    }
    __try {
        __try {
            Poke();
        } __finally {
            fFinally = 1;
        }
    } __except (Classify(GetExceptionInformation(), &dwCode, &write)) {
        _snprintf(szBody, sizeof(szBody), "caught=%08lx write=%lu finally=%d\r\n", (unsigned long)dwCode,
                  (unsigned long)write, fFinally);
    }
    Reply(pECB, szBody);
    return HSE_STATUS_SUCCESS;
}
