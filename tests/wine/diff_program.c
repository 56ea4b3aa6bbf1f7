/*
 * diff_program - one program, built twice: for Windows with mingw-w64 (run under Wine) and for
 * Linux against include/isapi/win32 and libisapi-win32. Each line it prints is the result of
 * one documented behaviour (return value, GetLastError, buffer contents); the wine test
 * compares the two outputs line by line. Nothing printed depends on paths, the clock, the code
 * page or message texts, which legitimately differ.
 */
#include <windows.h>
#define STRSAFE_NO_DEPRECATE /* the SDK header would rename sprintf and friends */
#include <strsafe.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int g_line = 0;

static void out(const char *name, const char *format, ...)
{
    char text[512];
    va_list args;
    va_start(args, format);
    /* The CRT's own formatter on both systems: %lu is a 32-bit DWORD on each. */
    _vsnprintf(text, sizeof(text) - 1, format, args);
    text[sizeof(text) - 1] = '\0';
    va_end(args);
    printf("%03d %s: %s\n", ++g_line, name, text);
}

static void hex(char *to, const void *bytes, int n)
{
    const unsigned char *b = (const unsigned char *)bytes;
    int i;
    to[0] = '\0';
    for (i = 0; i < n; i++) sprintf(to + 2 * i, "%02x", b[i]);
}

static void quiet_handler(const WCHAR *e, const WCHAR *f, const WCHAR *file, unsigned int l,
                          uintptr_t r)
{
    (void)e; (void)f; (void)file; (void)l; (void)r;
}

static void strings(void)
{
    static const char *pairs[][2] = {{"a", "B"}, {"a", "A"}, {"B", "a"}, {"abc", "abd"}, {"ab", "abc"},
                                     {"9", "a"}, {"", "x"}, {"same", "same"}, {"Zebra", "apple"}};
    char buffer[64];
    size_t i;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        { /* arguments evaluated in order */
            __auto_type v0_ = (pairs[i][0]);
            __auto_type v1_ = (pairs[i][1]);
            __auto_type v2_ = (lstrcmpA(pairs[i][0], pairs[i][1]));
            __auto_type v3_ = (lstrcmpiA(pairs[i][0], pairs[i][1]));
            out("lstrcmp", "%s %s %d %d", v0_, v1_, v2_, v3_);
        }
    }
    memset(buffer, 'z', sizeof(buffer));
    lstrcpynA(buffer, "abcdefgh", 5);
    out("lstrcpyn", "%s", buffer);
    { /* arguments evaluated in order */
        __auto_type v0_ = (lstrlenA("four"));
        __auto_type v1_ = (lstrlenA(NULL));
        out("lstrlen", "%d %d", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (wsprintfA(buffer, "%lu|%ld|%lx|%5s|%-3d|%04X|%c", 4000000000UL, -5L,
                                         3000000000UL, "ab", 7, 171, 'q'));
        __auto_type v1_ = (buffer);
        out("wsprintf", "%d [%s]", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (wsprintfA(buffer, "%I64d|%I64u", -1LL, 18446744073709551615ULL));
        __auto_type v1_ = (buffer);
        out("wsprintf64", "%d [%s]", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (_stricmp("ABC", "abc") == 0);
        __auto_type v1_ = (_stricmp("a", "B") < 0);
        __auto_type v2_ = (_stricmp("_", "a") < 0);
        out("stricmp", "%d %d %d", v0_, v1_, v2_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (_strnicmp("HTTP_HOST", "http_hostname", 9));
        __auto_type v1_ = (_strnicmp("ab", "AC", 2) < 0);
        out("strnicmp", "%d %d", v0_, v1_);
    }
    memset(buffer, '#', sizeof(buffer));
    { /* arguments evaluated in order */
        __auto_type v0_ = (_snprintf(buffer, 8, "%s", "abc"));
        __auto_type v1_ = (buffer);
        out("_snprintf fits", "%d %s", v0_, v1_);
    }
    memset(buffer, '#', sizeof(buffer));
    { /* arguments evaluated in order */
        __auto_type v0_ = (_snprintf(buffer, 4, "%s", "abcd"));
        __auto_type v1_ = (buffer);
        out("_snprintf exact", "%d %.6s", v0_, v1_);
    }
    memset(buffer, '#', sizeof(buffer));
    { /* arguments evaluated in order */
        __auto_type v0_ = (_snprintf(buffer, 4, "%s", "abcdef"));
        __auto_type v1_ = (buffer);
        out("_snprintf over", "%d %.6s", v0_, v1_);
    }
}

static void secure_crt(void)
{
    char buffer[6];
    char small[3];
    _set_invalid_parameter_handler(quiet_handler);
    { /* arguments evaluated in order */
        __auto_type v0_ = (strcpy_s(buffer, sizeof(buffer), "hello"));
        __auto_type v1_ = (buffer);
        out("strcpy_s ok", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strcpy_s(buffer, sizeof(buffer), "hello!"));
        __auto_type v1_ = (buffer);
        out("strcpy_s range", "%d [%s]", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strcpy_s(buffer, sizeof(buffer), NULL));
        __auto_type v1_ = (buffer);
        out("strcpy_s null", "%d [%s]", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strncpy_s(buffer, sizeof(buffer), "abcdefgh", _TRUNCATE));
        __auto_type v1_ = (buffer);
        out("strncpy_s trunc", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strncpy_s(buffer, sizeof(buffer), "abcdefgh", 3));
        __auto_type v1_ = (buffer);
        out("strncpy_s count", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strncpy_s(buffer, sizeof(buffer), "abcdefgh", 5));
        __auto_type v1_ = (buffer);
        out("strncpy_s range", "%d [%s]", v0_, v1_);
    }
    strcpy_s(buffer, sizeof(buffer), "ab");
    { /* arguments evaluated in order */
        __auto_type v0_ = (strcat_s(buffer, sizeof(buffer), "cde"));
        __auto_type v1_ = (buffer);
        out("strcat_s ok", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (strcat_s(buffer, sizeof(buffer), "f"));
        __auto_type v1_ = (buffer);
        out("strcat_s range", "%d [%s]", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (sprintf_s(buffer, sizeof(buffer), "%lu", 12345UL));
        __auto_type v1_ = (buffer);
        out("sprintf_s ok", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (sprintf_s(buffer, sizeof(buffer), "%s", "toolong"));
        __auto_type v1_ = (buffer[0] == '\0');
        out("sprintf_s range", "%d %d", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (_snprintf_s(buffer, sizeof(buffer), _TRUNCATE, "%s", "toolong"));
        __auto_type v1_ = (buffer);
        out("_snprintf_s trunc", "%d %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (_snprintf_s(buffer, sizeof(buffer), 3, "%s", "abcdef"));
        __auto_type v1_ = (buffer);
        out("_snprintf_s count", "%d %s", v0_, v1_);
    }
    memcpy(small, "xyz", 3);
    { /* arguments evaluated in order */
        __auto_type v0_ = (memcpy_s(small, sizeof(small), "1234", 4));
        __auto_type v1_ = (small[0]);
        __auto_type v2_ = (small[1]);
        __auto_type v3_ = (small[2]);
        out("memcpy_s range", "%d %d%d%d", v0_, v1_, v2_, v3_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (memcpy_s(small, sizeof(small), "abc", 3));
        __auto_type v1_ = (small);
        out("memcpy_s ok", "%d %.3s", v0_, v1_);
    }
}

static void strsafe(void)
{
    char buffer[6];
    size_t length = 99;
    { /* arguments evaluated in order */
        __auto_type v0_ = ((unsigned long)StringCchCopyA(buffer, sizeof(buffer), "hello world"));
        __auto_type v1_ = (buffer);
        out("StringCchCopy", "%08lx %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = ((unsigned long)StringCchCatA(buffer, sizeof(buffer), "x"));
        __auto_type v1_ = (buffer);
        out("StringCchCat", "%08lx %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = ((unsigned long)StringCchPrintfA(buffer, sizeof(buffer), "%d", 42));
        __auto_type v1_ = (buffer);
        out("StringCchPrintf", "%08lx %s", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = ((unsigned long)StringCchLengthA("abc", 3, &length));
        __auto_type v1_ = ((int)length);
        out("StringCchLength", "%08lx %d", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = ((unsigned long)StringCchCopyNA(buffer, sizeof(buffer), "abcdef", 2));
        __auto_type v1_ = (buffer);
        out("StringCchCopyN", "%08lx %s", v0_, v1_);
    }
}

static void conversions(void)
{
    WCHAR wide[16];
    char narrow[32];
    char text[128];
    int n;
    BOOL used = FALSE;
    const char bad[] = "a\xc3(\xed\xa0\x80";
    const WCHAR lone[] = {'a', 0xD800, 'b', 0};
    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9\xf0\x9f\x98\x80", -1, wide, 16);
    hex(text, wide, n * 2);
    out("utf8->utf16", "%d %s", n, text);
    out("utf8 size", "%d", MultiByteToWideChar(CP_UTF8, 0, "abc", -1, NULL, 0));
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (MultiByteToWideChar(CP_UTF8, 0, "abc", -1, wide, 2));
        __auto_type v1_ = (GetLastError());
        out("utf8 small", "%d %lu", v0_, v1_);
    }
    n = MultiByteToWideChar(CP_UTF8, 0, bad, -1, wide, 16);
    hex(text, wide, n * 2);
    out("utf8 invalid", "%d %s", n, text);
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bad, -1, wide, 16));
        __auto_type v1_ = (GetLastError());
        out("utf8 strict", "%d %lu", v0_, v1_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "a", -1, wide, 16));
        __auto_type v1_ = (GetLastError());
        out("utf8 flags", "%d %lu", v0_, v1_);
    }
    n = WideCharToMultiByte(CP_UTF8, 0, lone, -1, narrow, sizeof(narrow), NULL, NULL);
    hex(text, narrow, n);
    out("utf16 lone", "%d %s", n, text);
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, -1, narrow, 32, NULL, NULL));
        __auto_type v1_ = (GetLastError());
        out("utf16 strict", "%d %lu", v0_, v1_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (WideCharToMultiByte(CP_UTF8, 0, lone, -1, narrow, 32, NULL, &used));
        __auto_type v1_ = (GetLastError());
        out("utf16 defaultchar", "%d %lu", v0_, v1_);
    }
    n = MultiByteToWideChar(1252, 0, "\x80\xe9\x9f", 3, wide, 16);
    hex(text, wide, n * 2);
    out("cp1252->utf16", "%d %s", n, text);
    wide[0] = 0x20AC; wide[1] = 0x4E00; wide[2] = 'z';
    n = WideCharToMultiByte(1252, 0, wide, 3, narrow, 32, NULL, &used);
    hex(text, narrow, n);
    out("utf16->cp1252", "%d %s %d", n, text, used);
}

static void memory(void)
{
    HANDLE heap = HeapCreate(0, 0, 0);
    char *block = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 16);
    char *moved;
    HLOCAL local;
    LPVOID region;
    int zero = 1, i;
    for (i = 0; i < 16; i++) zero = zero && block[i] == 0;
    { /* arguments evaluated in order */
        __auto_type v0_ = (zero);
        __auto_type v1_ = ((unsigned long)HeapSize(heap, 0, block));
        out("HeapAlloc zero", "%d %lu", v0_, v1_);
    }
    memset(block, 'x', 16);
    moved = (char *)HeapReAlloc(heap, HEAP_ZERO_MEMORY, block, 64);
    zero = 1;
    for (i = 16; i < 64; i++) zero = zero && moved[i] == 0;
    { /* arguments evaluated in order */
        __auto_type v0_ = (moved[15]);
        __auto_type v1_ = (zero);
        __auto_type v2_ = ((unsigned long)HeapSize(heap, 0, moved));
        out("HeapReAlloc", "%c %d %lu", v0_, v1_, v2_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (HeapFree(heap, 0, moved));
        __auto_type v1_ = (HeapFree(heap, 0, NULL));
        out("HeapFree", "%d %d", v0_, v1_);
    }
    out("HeapDestroy", "%d", HeapDestroy(heap));
    local = LocalAlloc(LPTR, 10);
    out("LocalSize", "%lu", (unsigned long)LocalSize(local));
    out("LocalFree", "%d", LocalFree(local) == NULL);
    region = VirtualAlloc(NULL, 8192, MEM_RESERVE, PAGE_NOACCESS);
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (VirtualFree(region, 4096, MEM_RELEASE));
        __auto_type v1_ = (GetLastError());
        out("VirtualFree size", "%d %lu", v0_, v1_);
    }
    out("VirtualFree", "%d", VirtualFree(region, 0, MEM_RELEASE));
}

static void sync(void)
{
    HANDLE event, again, semaphore, mutex, both[2];
    LONG previous = -1;
    DWORD index;
    event = CreateEventA(NULL, FALSE, TRUE, "isapi-diff-event");
    { /* arguments evaluated in order */
        __auto_type v0_ = (event != NULL);
        __auto_type v1_ = (GetLastError());
        out("CreateEvent", "%d %lu", v0_, v1_);
    }
    again = CreateEventA(NULL, FALSE, TRUE, "isapi-diff-event");
    { /* arguments evaluated in order */
        __auto_type v0_ = (again != NULL);
        __auto_type v1_ = (GetLastError());
        out("CreateEvent again", "%d %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (WaitForSingleObject(event, 0));
        __auto_type v1_ = (WaitForSingleObject(again, 0));
        out("Wait auto", "%lu %lu", v0_, v1_);
    }
    both[0] = event;
    both[1] = event;
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (WaitForMultipleObjects(2, both, TRUE, 0));
        __auto_type v1_ = (GetLastError());
        out("WaitAll duplicate", "%lx %lu", v0_, v1_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (WaitForMultipleObjects(0, both, FALSE, 0));
        __auto_type v1_ = (GetLastError());
        out("Wait none", "%lx %lu", v0_, v1_);
    }
    semaphore = CreateSemaphoreA(NULL, 1, 2, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (ReleaseSemaphore(semaphore, 1, &previous));
        __auto_type v1_ = (previous);
        out("ReleaseSemaphore", "%d %ld", v0_, v1_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (ReleaseSemaphore(semaphore, 1, &previous));
        __auto_type v1_ = (GetLastError());
        out("ReleaseSemaphore over", "%d %lu", v0_, v1_);
    }
    both[0] = semaphore;
    both[1] = event;
    index = WaitForMultipleObjects(2, both, FALSE, 0);
    out("WaitAny", "%lu", index);
    SetEvent(event);
    { /* arguments evaluated in order */
        __auto_type v0_ = (WaitForMultipleObjects(2, both, TRUE, 0));
        __auto_type v1_ = (WaitForSingleObject(event, 0));
        out("WaitAll", "%lu %lu", v0_, v1_);
    }
    mutex = CreateMutexA(NULL, TRUE, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (ReleaseMutex(mutex));
        __auto_type v1_ = (ReleaseMutex(mutex));
        out("ReleaseMutex", "%d %d", v0_, v1_);
    }
    out("ReleaseMutex error", "%lu", GetLastError());
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (CreateSemaphoreA(NULL, 3, 2, NULL) != NULL);
        __auto_type v1_ = (GetLastError());
        out("CreateSemaphore bad", "%d %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (CloseHandle(event));
        __auto_type v1_ = (CloseHandle(again));
        __auto_type v2_ = (CloseHandle(semaphore));
        __auto_type v3_ = (CloseHandle(mutex));
        out("CloseHandle", "%d %d %d %d", v0_, v1_, v2_, v3_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (CloseHandle(mutex));
        __auto_type v1_ = (GetLastError());
        out("CloseHandle twice", "%d %lu", v0_, v1_);
    }
    {
        DWORD tls = TlsAlloc();
        SetLastError(5);
        { /* arguments evaluated in order */
            __auto_type v0_ = (TlsGetValue(tls) == NULL);
            __auto_type v1_ = (GetLastError());
            out("TlsGetValue", "%d %lu", v0_, v1_);
        }
        out("TlsFree", "%d", TlsFree(tls));
    }
}

static void files(void)
{
    char dir[MAX_PATH];
    char path[MAX_PATH];
    char data[16];
    HANDLE file;
    DWORD n = 0, high = 7;
    LONG move_high = 0;
    GetTempPathA(MAX_PATH, dir);
    wsprintfA(path, "%sisapi-diff-%lu.txt", dir, GetCurrentProcessId());
    DeleteFileA(path);
    file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file != INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        out("CreateFile new", "%d %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (WriteFile(file, "0123456789", 10, &n, NULL));
        __auto_type v1_ = (n);
        out("WriteFile", "%d %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (GetFileSize(file, &high));
        __auto_type v1_ = (high);
        out("GetFileSize", "%lu %lu", v0_, v1_);
    }
    out("SetFilePointer", "%lu", SetFilePointer(file, 3, NULL, FILE_BEGIN));
    { /* arguments evaluated in order */
        __auto_type v0_ = (ReadFile(file, data, 4, &n, NULL));
        __auto_type v1_ = (n);
        out("ReadFile", "%d %lu", v0_, v1_);
    }
    out("SetFilePointer end", "%lu", SetFilePointer(file, -2, NULL, FILE_END));
    { /* arguments evaluated in order */
        __auto_type v0_ = (ReadFile(file, data, 16, &n, NULL));
        __auto_type v1_ = (n);
        __auto_type v2_ = (ReadFile(file, data, 16, &n, NULL) && n == 0);
        out("ReadFile eof", "%d %lu %d", v0_, v1_, v2_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (SetFilePointer(file, -100, NULL, FILE_CURRENT));
        __auto_type v1_ = (GetLastError());
        out("SetFilePointer negative", "%lx %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (SetFilePointer(file, 1, &move_high, FILE_BEGIN));
        __auto_type v1_ = (move_high);
        __auto_type v2_ = (GetLastError());
        out("SetFilePointer high", "%lu %ld %lu", v0_, v1_, v2_);
    }
    CloseHandle(file);
    file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file == INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        out("CreateFile exists", "%d %lu", v0_, v1_);
    }
    file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file != INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        out("CreateFile always", "%d %lu", v0_, v1_);
    }
    CloseHandle(file);
    file = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_ALWAYS, 0, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file != INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        __auto_type v2_ = (GetFileSize(file, NULL));
        out("CreateFile open always", "%d %lu %lu", v0_, v1_, v2_);
    }
    CloseHandle(file);
    out("DeleteFile", "%d", DeleteFileA(path));
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (DeleteFileA(path));
        __auto_type v1_ = (GetLastError());
        out("DeleteFile missing", "%d %lu", v0_, v1_);
    }
    file = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file == INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        out("CreateFile missing", "%d %lu", v0_, v1_);
    }
    strcat(dir, "isapi-no-such-dir\\x.txt");
    file = CreateFileA(dir, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    { /* arguments evaluated in order */
        __auto_type v0_ = (file == INVALID_HANDLE_VALUE);
        __auto_type v1_ = (GetLastError());
        out("CreateFile no dir", "%d %lu", v0_, v1_);
    }
}

static void profiles(void)
{
    char dir[MAX_PATH];
    char path[MAX_PATH];
    char value[64];
    char small[6];
    DWORD n;
    FILE *ini;
    GetTempPathA(MAX_PATH, dir);
    wsprintfA(path, "%sisapi-diff-%lu.ini", dir, GetCurrentProcessId());
    ini = fopen(path, "wb");
    fputs("; comment\r\n[Main]\r\nName = value with spaces \r\nQuoted=\"in quotes\"\r\nNumber=42abc\r\n"
          "Negative=-7\r\nEmpty=\r\n[Second]\r\nKey=2\r\n", ini);
    fclose(ini);
    n = GetPrivateProfileStringA("main", "NAME", "d", value, sizeof(value), path);
    out("profile value", "%lu [%s]", n, value);
    n = GetPrivateProfileStringA("Main", "Quoted", "d", value, sizeof(value), path);
    out("profile quoted", "%lu [%s]", n, value);
    n = GetPrivateProfileStringA("Main", "Missing", "dflt  ", value, sizeof(value), path);
    out("profile default", "%lu [%s]", n, value);
    n = GetPrivateProfileStringA("Main", "Name", "", small, sizeof(small), path);
    out("profile truncated", "%lu [%s]", n, small);
    n = GetPrivateProfileStringA(NULL, NULL, "", value, sizeof(value), path);
    { /* arguments evaluated in order */
        __auto_type v0_ = (n);
        __auto_type v1_ = (value);
        __auto_type v2_ = (value + strlen(value) + 1);
        out("profile sections", "%lu [%s|%s]", v0_, v1_, v2_);
    }
    n = GetPrivateProfileStringA("Main", NULL, "", small, sizeof(small), path);
    out("profile keys small", "%lu [%s]", n, small);
    { /* arguments evaluated in order */
        __auto_type v0_ = (GetPrivateProfileIntA("Main", "Number", 5, path));
        __auto_type v1_ = (GetPrivateProfileIntA("Main", "Negative", 5, path));
        __auto_type v2_ = (GetPrivateProfileIntA("Main", "Missing", 5, path));
        __auto_type v3_ = (GetPrivateProfileIntA("Main", "Empty", 5, path));
        out("profile ints", "%u %u %u %u", v0_, v1_, v2_, v3_);
    }
    DeleteFileA(path);
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (GetEnvironmentVariableA("ISAPI_DIFF_MISSING", value, sizeof(value)));
        __auto_type v1_ = (GetLastError());
        out("env missing", "%lu %lu", v0_, v1_);
    }
    SetEnvironmentVariableA("ISAPI_DIFF_VAR", "hello");
    { /* arguments evaluated in order */
        __auto_type v0_ = (GetEnvironmentVariableA("ISAPI_DIFF_VAR", value, sizeof(value)));
        __auto_type v1_ = (GetEnvironmentVariableA("ISAPI_DIFF_VAR", small, 3));
        out("env value", "%lu %lu", v0_, v1_);
    }
}

static void times(void)
{
    SYSTEMTIME st = {2024, 2, 0, 29, 23, 59, 58, 999};
    SYSTEMTIME back;
    FILETIME ft, zero = {0, 0};
    { /* arguments evaluated in order */
        __auto_type v0_ = (SystemTimeToFileTime(&st, &ft));
        __auto_type v1_ = (ft.dwHighDateTime);
        __auto_type v2_ = (ft.dwLowDateTime);
        out("SystemTimeToFileTime", "%d %08lx%08lx", v0_, v1_, v2_);
    }
    FileTimeToSystemTime(&ft, &back);
    out("FileTimeToSystemTime", "%u-%u-%u %u %u:%u:%u.%u", back.wYear, back.wMonth, back.wDay, back.wDayOfWeek,
        back.wHour, back.wMinute, back.wSecond, back.wMilliseconds);
    FileTimeToSystemTime(&zero, &back);
    out("epoch 1601", "%u-%u-%u %u", back.wYear, back.wMonth, back.wDay, back.wDayOfWeek);
    st.wYear = 2023;
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (SystemTimeToFileTime(&st, &ft));
        __auto_type v1_ = (GetLastError());
        out("bad date", "%d %lu", v0_, v1_);
    }
    { /* arguments evaluated in order */
        __auto_type v0_ = (CompareFileTime(&zero, &ft));
        __auto_type v1_ = (CompareFileTime(&ft, &ft));
        out("CompareFileTime", "%ld %ld", v0_, v1_);
    }
}

static void messages(void)
{
    char buffer[128];
    DWORD_PTR args[2];
    args[0] = (DWORD_PTR)"x";
    args[1] = 255;
    { /* arguments evaluated in order */
        __auto_type v0_ = (FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1 %2!04X!%% end%0 cut", 0, 0,
                       buffer, sizeof(buffer), (va_list *)args));
        __auto_type v1_ = (buffer);
        out("FormatMessage array", "%lu [%s]", v0_, v1_);
    }
    SetLastError(0);
    { /* arguments evaluated in order */
        __auto_type v0_ = (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x12345678, 0, buffer, sizeof(buffer), NULL));
        __auto_type v1_ = (GetLastError());
        out("FormatMessage unknown", "%lu %lu", v0_, v1_);
    }
    out("FormatMessage crlf", "%d",
        (int)(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_ACCESS_DENIED, 0,
                             buffer, sizeof(buffer), NULL) > 2 &&
              strcmp(buffer + strlen(buffer) - 2, "\r\n") == 0));
}

int main(void)
{
    strings();
    secure_crt();
    strsafe();
    conversions();
    memory();
    sync();
    files();
    profiles();
    times();
    messages();
    return 0;
}
