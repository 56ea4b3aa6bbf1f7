/*
 * workerthread - the classic IIS pattern for slow work: HttpExtensionProc queues the ECB for the
 * extension's own worker threads and returns HSE_STATUS_PENDING at once, so the server's thread
 * is free again. A worker does the (slow) work, writes the response synchronously and ends the
 * request with HSE_REQ_DONE_WITH_SESSION.
 *
 *     GET /scripts/workerthread.dll?ms=N     (the work takes N milliseconds; default 0, <= 60000)
 *
 * Answers "worker <k> finished request <n> after <N> ms". The workers start in
 * GetExtensionVersion and stop in TerminateExtension, which the host calls only after every
 * request has ended.
 */
#include <windows.h>
#include <httpext.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKERS 4

typedef struct WORK_ITEM {
    EXTENSION_CONTROL_BLOCK *pECB;
    DWORD dwMilliseconds;
    struct WORK_ITEM *pNext;
} WORK_ITEM;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static WORK_ITEM *g_pHead;
static WORK_ITEM *g_pTail;
static BOOL g_fStopping;
static unsigned long g_ulRequests;
static pthread_t g_workers[WORKERS];
static int g_cWorkers;

static void SleepMilliseconds(DWORD dwMilliseconds)
{
    struct timespec ts;
    ts.tv_sec = dwMilliseconds / 1000;
    ts.tv_nsec = (long)(dwMilliseconds % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void Serve(WORK_ITEM *pItem, int iWorker)
{
    EXTENSION_CONTROL_BLOCK *pECB = pItem->pECB;
    HSE_SEND_HEADER_EX_INFO hdr;
    char szHeaders[96];
    char szBody[128];
    DWORD cbBody;
    DWORD dwStatus = HSE_STATUS_SUCCESS;
    unsigned long ulRequest;

    SleepMilliseconds(pItem->dwMilliseconds);
    pthread_mutex_lock(&g_lock);
    ulRequest = ++g_ulRequests;
    pthread_mutex_unlock(&g_lock);

    cbBody = (DWORD)snprintf(szBody, sizeof(szBody), "worker %d finished request %lu after %u ms\n",
                             iWorker, ulRequest, (unsigned)pItem->dwMilliseconds);
    snprintf(szHeaders, sizeof(szHeaders), "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n",
             (unsigned)cbBody);
    hdr.pszStatus = "200 OK";
    hdr.cchStatus = 6;
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)strlen(szHeaders);
    hdr.fKeepConn = TRUE;
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL, NULL) ||
        !pECB->WriteClient(pECB->ConnID, szBody, &cbBody, HSE_IO_SYNC)) {
        dwStatus = HSE_STATUS_ERROR;
    }
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
    free(pItem);
}

static void *WorkerMain(void *pArg)
{
    int iWorker = (int)(size_t)pArg;
    for (;;) {
        WORK_ITEM *pItem;
        pthread_mutex_lock(&g_lock);
        while (!g_pHead && !g_fStopping) {
            pthread_cond_wait(&g_wake, &g_lock);
        }
        if (!g_pHead) {
            pthread_mutex_unlock(&g_lock);
            return NULL;
        }
        pItem = g_pHead;
        g_pHead = pItem->pNext;
        if (!g_pHead) {
            g_pTail = NULL;
        }
        pthread_mutex_unlock(&g_lock);
        Serve(pItem, iWorker);
    }
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    int i;
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "workerthread: PENDING requests served by own threads",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    for (i = 0; i < WORKERS; ++i) {
        if (pthread_create(&g_workers[i], NULL, WorkerMain, (void *)(size_t)i) != 0) {
            return FALSE;
        }
        g_cWorkers = i + 1;
    }
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    const char *pszMs = strstr(pECB->lpszQueryString, "ms=");
    unsigned long ulMs = pszMs ? strtoul(pszMs + 3, NULL, 10) : 0;
    WORK_ITEM *pItem = (WORK_ITEM *)calloc(1, sizeof(WORK_ITEM));
    if (!pItem) {
        return HSE_STATUS_ERROR;
    }
    pItem->pECB = pECB;
    pItem->dwMilliseconds = ulMs > 60000 ? 60000 : (DWORD)ulMs;

    pthread_mutex_lock(&g_lock);
    if (g_pTail) {
        g_pTail->pNext = pItem;
    } else {
        g_pHead = pItem;
    }
    g_pTail = pItem;
    pthread_cond_signal(&g_wake);
    pthread_mutex_unlock(&g_lock);
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    int i;
    (void)dwFlags;
    pthread_mutex_lock(&g_lock);
    g_fStopping = TRUE;
    pthread_cond_broadcast(&g_wake);
    pthread_mutex_unlock(&g_lock);
    for (i = 0; i < g_cWorkers; ++i) {
        pthread_join(g_workers[i], NULL);
    }
    g_cWorkers = 0;
    return TRUE;
}
