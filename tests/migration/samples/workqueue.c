/*
 * workqueue - the IIS SDK's worker-thread pattern: DllMain(DLL_PROCESS_ATTACH) starts a pool
 * of worker threads with CreateThread; HttpExtensionProc queues the ECB and returns
 * HSE_STATUS_PENDING; a worker writes the answer and ends the request with
 * HSE_REQ_DONE_WITH_SESSION. A semaphore counts queued requests, a CRITICAL_SECTION guards the
 * queue, an event tells the workers to stop; TerminateExtension waits for them with
 * WaitForMultipleObjects and a timeout.
 *
 * GET /scripts/workqueue.dll?ID answers 200 text/plain
 *   "request=ID worker=W queued_ms_ok=1\r\n"
 * where W (1..WORKERS) is the worker that answered, and a 503 when the queue is full.
 */
#include <windows.h>
#include <httpext.h>
#include <stdio.h>

#define WORKERS 4
#define QUEUE_SIZE 64

static HANDLE g_hWorkers[WORKERS];
static HANDLE g_hQueued;   /* semaphore: one count per queued ECB */
static HANDLE g_hStop;     /* manual-reset event */
static CRITICAL_SECTION g_csQueue;
static EXTENSION_CONTROL_BLOCK *g_Queue[QUEUE_SIZE];
static DWORD g_dwQueuedAt[QUEUE_SIZE];
static int g_nHead, g_nCount;
static LONG g_lStarted;

static void Answer(EXTENSION_CONTROL_BLOCK *pECB, const char *pszStatus, const char *pszBody)
{
    char szHeaders[128];
    HSE_SEND_HEADER_EX_INFO hdr;
    DWORD cbBody = (DWORD)lstrlenA(pszBody);
    DWORD dwStatus = HSE_STATUS_SUCCESS;

    wsprintfA(szHeaders, "Content-Type: text/plain\r\nContent-Length: %lu\r\n\r\n", cbBody);
    hdr.pszStatus = pszStatus;
    hdr.cchStatus = (DWORD)lstrlenA(pszStatus);
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)lstrlenA(szHeaders);
    hdr.fKeepConn = FALSE;
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL, NULL);
    pECB->WriteClient(pECB->ConnID, (LPVOID)pszBody, &cbBody, HSE_IO_SYNC);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

static DWORD WINAPI WorkerThread(LPVOID lpParam)
{
    DWORD dwWorker = (DWORD)(ULONG_PTR)lpParam;
    HANDLE hWait[2];
    hWait[0] = g_hStop;
    hWait[1] = g_hQueued;
    InterlockedIncrement(&g_lStarted);
    for (;;) {
        EXTENSION_CONTROL_BLOCK *pECB;
        DWORD dwQueuedAt;
        char szBody[128];
        DWORD dwWait = WaitForMultipleObjects(2, hWait, FALSE, INFINITE);
        if (dwWait != WAIT_OBJECT_0 + 1) break; /* stop, or a failure */
        EnterCriticalSection(&g_csQueue);
        pECB = g_Queue[g_nHead];
        dwQueuedAt = g_dwQueuedAt[g_nHead];
        g_nHead = (g_nHead + 1) % QUEUE_SIZE;
        g_nCount--;
        LeaveCriticalSection(&g_csQueue);
        _snprintf(szBody, sizeof(szBody), "request=%s worker=%lu queued_ms_ok=%d\r\n",
                  pECB->lpszQueryString, dwWorker, GetTickCount() - dwQueuedAt < 10000);
        Answer(pECB, "200 OK", szBody);
    }
    return 0;
}

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD fdwReason, LPVOID lpvReserved)
{
    DWORD i;
    (void)lpvReserved;
    if (fdwReason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(hinstDLL);
        InitializeCriticalSection(&g_csQueue);
        g_hStop = CreateEventA(NULL, TRUE, FALSE, NULL);
        g_hQueued = CreateSemaphoreA(NULL, 0, QUEUE_SIZE, NULL);
        if (g_hStop == NULL || g_hQueued == NULL) return FALSE;
        for (i = 0; i < WORKERS; i++) {
            DWORD dwId;
            g_hWorkers[i] = CreateThread(NULL, 0, WorkerThread, (LPVOID)(ULONG_PTR)(i + 1), 0, &dwId);
            if (g_hWorkers[i] == NULL) return FALSE;
        }
    } else if (fdwReason == DLL_PROCESS_DETACH) {
        CloseHandle(g_hQueued);
        CloseHandle(g_hStop);
        DeleteCriticalSection(&g_csQueue);
    }
    return TRUE;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    lstrcpynA(pVer->lpszExtensionDesc, "Worker thread sample", HSE_MAX_EXT_DLL_NAME_LEN);
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    BOOL fQueued = FALSE;
    EnterCriticalSection(&g_csQueue);
    if (g_nCount < QUEUE_SIZE) {
        int nTail = (g_nHead + g_nCount) % QUEUE_SIZE;
        g_Queue[nTail] = pECB;
        g_dwQueuedAt[nTail] = GetTickCount();
        g_nCount++;
        fQueued = TRUE;
    }
    LeaveCriticalSection(&g_csQueue);
    if (!fQueued) {
        Answer(pECB, "503 Service Unavailable", "queue full\r\n");
        return HSE_STATUS_PENDING;
    }
    ReleaseSemaphore(g_hQueued, 1, NULL);
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    DWORD i;
    (void)dwFlags;
    SetEvent(g_hStop);
    if (WaitForMultipleObjects(WORKERS, g_hWorkers, TRUE, 10000) != WAIT_OBJECT_0) {
        OutputDebugStringA("workqueue: workers did not stop in time\n");
    }
    for (i = 0; i < WORKERS; i++) CloseHandle(g_hWorkers[i]);
    return TRUE;
}
