// Files, time/locale formatting, system, tokens and unsupported calls of libisapi-win32.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <string>

#include <windows.h>
#include <isapi_list_entry.h>
#include <shlwapi.h>

namespace {

std::string scratch_dir() {
    char pattern[] = "/tmp/isapi_win32_surfaceXXXXXX";
    return ::mkdtemp(pattern);
}

TEST(FileAttributes, DirectoriesFilesAndMissingPathsReportAsWindows) {
    const std::string dir = scratch_dir();
    EXPECT_EQ(GetFileAttributesA(dir.c_str()) & FILE_ATTRIBUTE_DIRECTORY, DWORD{FILE_ATTRIBUTE_DIRECTORY});
    EXPECT_EQ(GetFileAttributesA((dir + "/missing").c_str()), INVALID_FILE_ATTRIBUTES);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_FILE_NOT_FOUND});
    EXPECT_EQ(GetFileAttributesA((dir + "/no/such").c_str()), INVALID_FILE_ATTRIBUTES);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_PATH_NOT_FOUND});
    EXPECT_TRUE(CreateDirectoryA((dir + "\\sub").c_str(), nullptr));
    EXPECT_FALSE(CreateDirectoryA((dir + "/sub").c_str(), nullptr));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_ALREADY_EXISTS});
    char name[MAX_PATH];
    const UINT unique = GetTempFileNameA(dir.c_str(), "isapi", 0, name);
    EXPECT_NE(unique, 0u);
    EXPECT_NE(std::string(name).find("/isa"), std::string::npos);
    WIN32_FILE_ATTRIBUTE_DATA data{};
    ASSERT_TRUE(GetFileAttributesExA(name, GetFileExInfoStandard, &data));
    EXPECT_EQ(data.dwFileAttributes, DWORD{FILE_ATTRIBUTE_NORMAL});
    EXPECT_EQ(data.nFileSizeLow, 0u);
    HANDLE file = CreateFileA(name, GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    BY_HANDLE_FILE_INFORMATION info{};
    EXPECT_TRUE(GetFileInformationByHandle(file, &info));
    EXPECT_EQ(info.nNumberOfLinks, 1u);
    CloseHandle(file);
    DeleteFileA(name);
    RemoveDirectoryA((dir + "/sub").c_str());
    RemoveDirectoryA(dir.c_str());
}

TEST(FileAttributes, CurrentDirectoryFollowsTheBufferRules) {
    const DWORD needed = GetCurrentDirectoryA(0, nullptr);
    ASSERT_GT(needed, 1u);
    std::string buffer(needed, '\0');
    EXPECT_EQ(GetCurrentDirectoryA(needed, buffer.data()), needed - 1);
    EXPECT_EQ(GetCurrentDirectoryA(needed - 1, buffer.data()), needed);
    EXPECT_FALSE(SetCurrentDirectoryA("/nonexistent-isapi-dir"));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_FILE_NOT_FOUND});
}

TEST(ShellPaths, AppendAndRemoveFileSpecKeepTheSeparator) {
    char path[MAX_PATH] = "C:\\inetpub";
    EXPECT_TRUE(PathAppendA(path, "scripts\\app.ini"));
    EXPECT_STREQ(path, "C:\\inetpub\\scripts\\app.ini");
    EXPECT_TRUE(PathRemoveFileSpecA(path));
    EXPECT_STREQ(path, "C:\\inetpub\\scripts");
    char root[MAX_PATH] = "/app.ini";
    EXPECT_TRUE(PathRemoveFileSpecA(root));
    EXPECT_STREQ(root, "/");
}

TEST(DateTimeFormat, PicturesFlagsAndBufferRules) {
    SYSTEMTIME time{};
    time.wYear = 2004;
    time.wMonth = 2;
    time.wDay = 29;
    time.wHour = 13;
    time.wMinute = 5;
    time.wSecond = 9;
    char text[64];
    EXPECT_EQ(GetDateFormatA(LOCALE_SYSTEM_DEFAULT, 0, &time, "ddd',' dd MMM yyyy", text, sizeof text), 17);
    EXPECT_STREQ(text, "Sun, 29 Feb 2004");
    EXPECT_EQ(GetDateFormatA(LOCALE_USER_DEFAULT, DATE_LONGDATE, &time, nullptr, text, sizeof text), 26);
    EXPECT_STREQ(text, "Sunday, February 29, 2004");
    EXPECT_EQ(GetTimeFormatA(LOCALE_SYSTEM_DEFAULT, 0, &time, nullptr, text, sizeof text), 11);
    EXPECT_STREQ(text, "1:05:09 PM");
    EXPECT_EQ(GetTimeFormatA(LOCALE_SYSTEM_DEFAULT, 0, &time, "HH':'mm':'ss", nullptr, 0), 9);
    EXPECT_EQ(GetTimeFormatA(LOCALE_SYSTEM_DEFAULT, 0, &time, "HH':'mm':'ss", text, 8), 0);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INSUFFICIENT_BUFFER});
    time.wDay = 30;
    EXPECT_EQ(GetDateFormatA(LOCALE_SYSTEM_DEFAULT, 0, &time, nullptr, text, sizeof text), 0);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_PARAMETER});
}

TEST(TimeZone, UtcZoneHasNoBiasAndConvertsUnchanged) {
    const char* saved = std::getenv("TZ");
    const std::string previous = saved != nullptr ? saved : "";
    ::setenv("TZ", "UTC", 1);
    TIME_ZONE_INFORMATION zone{};
    EXPECT_EQ(GetTimeZoneInformation(&zone), DWORD{TIME_ZONE_ID_UNKNOWN});
    EXPECT_EQ(zone.Bias, 0);
    ::setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    EXPECT_NE(GetTimeZoneInformation(&zone), DWORD{TIME_ZONE_ID_UNKNOWN});
    EXPECT_EQ(zone.Bias, -60);
    EXPECT_EQ(zone.DaylightBias, -60);
    EXPECT_EQ(zone.DaylightDate.wMonth, 3);
    EXPECT_EQ(zone.StandardDate.wMonth, 10);
    SYSTEMTIME utc{};
    utc.wYear = 2020;
    utc.wMonth = 7;
    utc.wDay = 1;
    utc.wHour = 12;
    SYSTEMTIME local{};
    ASSERT_TRUE(SystemTimeToTzSpecificLocalTime(nullptr, &utc, &local));
    EXPECT_EQ(local.wHour, 14);
    if (saved != nullptr) ::setenv("TZ", previous.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
}

TEST(SystemInfo, VersionProcessorsAndConsoleSession) {
    SYSTEM_INFO info{};
    GetSystemInfo(&info);
    EXPECT_GE(info.dwNumberOfProcessors, 1u);
    EXPECT_EQ(info.dwPageSize, static_cast<DWORD>(::sysconf(_SC_PAGESIZE)));
    OSVERSIONINFO version{};
    EXPECT_FALSE(GetVersionExA(&version));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INSUFFICIENT_BUFFER});
    version.dwOSVersionInfoSize = sizeof(version);
    ASSERT_TRUE(GetVersionExA(&version));
    EXPECT_EQ(version.dwMajorVersion, 6u);
    EXPECT_EQ(version.dwPlatformId, DWORD{VER_PLATFORM_WIN32_NT});
    EXPECT_EQ(WTSGetActiveConsoleSessionId(), 0xFFFFFFFFu);
    GUID a{}, b{};
    EXPECT_EQ(CoCreateGuid(&a), S_OK);
    EXPECT_EQ(CoCreateGuid(&b), S_OK);
    EXPECT_NE(std::memcmp(&a, &b, sizeof a), 0);
    EXPECT_EQ(a.Data3 >> 12, 4);
}

TEST(Unsupported, FailTheWindowsWay) {
    EXPECT_EQ(MessageBoxA(nullptr, "text", "caption", MB_OK | MB_SERVICE_NOTIFICATION), 0);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_NOT_SUPPORTED});
    char buffer[8] = "x";
    EXPECT_EQ(LoadStringA(nullptr, 1, buffer, sizeof buffer), 0);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_RESOURCE_NAME_NOT_FOUND});
    EXPECT_STREQ(buffer, "");
    DWORD handle = 1;
    EXPECT_EQ(GetFileVersionInfoSizeA("/proc/self/exe", &handle), 0u);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_RESOURCE_TYPE_NOT_FOUND});
    // A Linux process cannot start suspended (process_test.cpp has the rest of CreateProcess).
    PROCESS_INFORMATION process{};
    STARTUPINFOW startup{};
    std::u16string command = u"sh -c true";
    EXPECT_FALSE(CreateProcessW(nullptr, reinterpret_cast<LPWSTR>(command.data()), nullptr, nullptr, FALSE,
                                CREATE_SUSPENDED, nullptr, nullptr, &startup, &process));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_NOT_SUPPORTED});
}

TEST(Tokens, ProcessTokenUserIsTheUnixUserSid) {
    HANDLE token = nullptr;
    ASSERT_TRUE(OpenProcessToken(GetCurrentProcess(), TOKEN_READ, &token));
    DWORD needed = 0;
    EXPECT_FALSE(GetTokenInformation(token, TokenUser, nullptr, 0, &needed));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INSUFFICIENT_BUFFER});
    std::vector<unsigned char> buffer(needed);
    ASSERT_TRUE(GetTokenInformation(token, TokenUser, buffer.data(), needed, &needed));
    const auto* user = reinterpret_cast<TOKEN_USER*>(buffer.data());
    EXPECT_EQ(GetLengthSid(user->User.Sid), 16u);
    char name[256], domain[64];
    DWORD name_size = 1, domain_size = sizeof domain;
    SID_NAME_USE use{};
    EXPECT_FALSE(LookupAccountSidA(nullptr, user->User.Sid, name, &name_size, domain, &domain_size, &use));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INSUFFICIENT_BUFFER});
    EXPECT_GT(name_size, 1u);
    name_size = sizeof name;
    if (LookupAccountSidA(nullptr, user->User.Sid, name, &name_size, domain, &domain_size, &use)) {
        EXPECT_EQ(use, SidTypeUser);
        EXPECT_STREQ(domain, "Unix User");
    }
    EXPECT_TRUE(RevertToSelf());
    EXPECT_TRUE(SetThreadToken(nullptr, token));
    EXPECT_TRUE(CloseHandle(token));
}

struct request_node {
    int id;
    LIST_ENTRY link;
};

TEST(ListEntry, HelpersKeepTheDdkSemantics) {
    LIST_ENTRY head;
    InitializeListHead(&head);
    EXPECT_TRUE(IsListEmpty(&head));
    request_node a{1, {}}, b{2, {}}, c{3, {}};
    InsertTailList(&head, &a.link);
    InsertTailList(&head, &b.link);
    InsertHeadList(&head, &c.link);
    EXPECT_EQ(CONTAINING_RECORD(head.Flink, request_node, link)->id, 3);
    EXPECT_FALSE(RemoveEntryList(&a.link));
    EXPECT_EQ(CONTAINING_RECORD(RemoveHeadList(&head), request_node, link)->id, 3);
    EXPECT_EQ(CONTAINING_RECORD(RemoveHeadList(&head), request_node, link)->id, 2);
    EXPECT_TRUE(IsListEmpty(&head));
    EXPECT_EQ(RemoveHeadList(&head), &head);
}

TEST(MemoryProtection, QueryAndProtectAMappedPage) {
    void* page = VirtualAlloc(nullptr, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    ASSERT_NE(page, nullptr);
    MEMORY_BASIC_INFORMATION info{};
    ASSERT_EQ(VirtualQuery(page, &info, sizeof info), sizeof info);
    EXPECT_EQ(info.State, DWORD{MEM_COMMIT});
    EXPECT_EQ(info.Protect, DWORD{PAGE_READWRITE});
    DWORD old = 0;
    EXPECT_FALSE(VirtualProtect(page, 4096, PAGE_READONLY, nullptr));
    ASSERT_TRUE(VirtualProtect(page, 4096, PAGE_READONLY, &old));
    EXPECT_EQ(old, DWORD{PAGE_READWRITE});
    ASSERT_EQ(VirtualQuery(page, &info, sizeof info), sizeof info);
    EXPECT_EQ(info.Protect, DWORD{PAGE_READONLY});
    VirtualFree(page, 0, MEM_RELEASE);
}

}  // namespace

namespace {

struct timer_counter {
    std::atomic<int> fired{0};
    HANDLE enough = nullptr;
};

VOID CALLBACK count_tick(PVOID parameter, BOOLEAN timer_fired) {
    auto* counter = static_cast<timer_counter*>(parameter);
    if (timer_fired && ++counter->fired == 3) SetEvent(counter->enough);
}

TEST(TimerQueue, PeriodicTimerFiresUntilDeletedAndDeleteWaits) {
    timer_counter counter;
    counter.enough = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    HANDLE timer = nullptr;
    ASSERT_TRUE(CreateTimerQueueTimer(&timer, nullptr, count_tick, &counter, 10, 10, 0));
    ASSERT_EQ(WaitForSingleObject(counter.enough, 30000), WAIT_OBJECT_0);
    EXPECT_TRUE(DeleteTimerQueueTimer(nullptr, timer, INVALID_HANDLE_VALUE));
    const int after_delete = counter.fired.load();
    Sleep(50);
    EXPECT_EQ(counter.fired.load(), after_delete);
    EXPECT_FALSE(DeleteTimerQueueTimer(nullptr, timer, INVALID_HANDLE_VALUE));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_PARAMETER});
    HANDLE queue = reinterpret_cast<HANDLE>(1);
    EXPECT_FALSE(CreateTimerQueueTimer(&timer, queue, count_tick, &counter, 0, 0, 0));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_HANDLE});
    CloseHandle(counter.enough);
}

TEST(NamedMutex, OpenMutexFindsOnlyExistingMutexes) {
    EXPECT_EQ(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, "isapi-surface-missing"), nullptr);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_FILE_NOT_FOUND});
    HANDLE created = CreateMutexA(nullptr, FALSE, "isapi-surface-mutex");
    ASSERT_NE(created, nullptr);
    HANDLE opened = OpenMutex(MUTEX_ALL_ACCESS, FALSE, "isapi-surface-mutex");
    ASSERT_NE(opened, nullptr);
    EXPECT_EQ(WaitForSingleObject(opened, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(created));
    HANDLE event = CreateEventA(nullptr, FALSE, FALSE, "isapi-surface-event");
    EXPECT_EQ(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, "isapi-surface-event"), nullptr);
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_HANDLE});
    CloseHandle(event);
    CloseHandle(opened);
    CloseHandle(created);
}

}  // namespace

namespace {

struct captured_log {
    std::mutex mutex;
    std::vector<std::string> lines;
};

void capture(void* context, int, const char* message, size_t length) {
    auto* log = static_cast<captured_log*>(context);
    const std::lock_guard lock(log->mutex);
    log->lines.emplace_back(message, length);
}

TEST(Unsupported, EachFunctionIsLoggedOncePerExtension) {
    HANDLE stdin_handle = isapi_handle_from_fd(0);
    ASSERT_NE(stdin_handle, INVALID_HANDLE_VALUE);
    captured_log log;
    isapi_set_log_hook(capture, &log);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(DeviceIoControl(stdin_handle, FSCTL_GET_REPARSE_POINT, nullptr, 0,
                                  nullptr, 0, nullptr, nullptr), FALSE);
        EXPECT_EQ(GetLastError(), DWORD{ERROR_NOT_SUPPORTED});
    }
    isapi_set_log_hook(nullptr, nullptr);
    isapi_handle_release(stdin_handle);
    int mentions = 0;
    for (const auto& line : log.lines) {
        if (line.find("DeviceIoControl") != std::string::npos) {
            ++mentions;
            EXPECT_NE(line.find("win32_unit_tests calls DeviceIoControl"), std::string::npos) << line;
        }
    }
    EXPECT_EQ(mentions, 1);
}

}  // namespace
