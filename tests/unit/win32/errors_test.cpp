// FormatMessage for the codes the layer sets, inserts, and OutputDebugString into the log.
#include <windows.h>

#include <gtest/gtest.h>

#include "captured_log.hpp"

#include <cstring>

#include <mutex>
#include <string>
#include <vector>

namespace {

TEST(format_message, system_messages_end_in_crlf) {
    char out[256];
    const DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, ERROR_FILE_NOT_FOUND, 0, out, sizeof(out), nullptr);
    ASSERT_GT(n, 2u);
    EXPECT_EQ(n, std::strlen(out));
    EXPECT_EQ(std::string(out + n - 2), "\r\n");
    EXPECT_NE(std::string(out).find("file"), std::string::npos);
    EXPECT_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, 0x12345, 0, out, sizeof(out), nullptr),
              0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MR_MID_NOT_FOUND));
    EXPECT_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, ERROR_ACCESS_DENIED, 0, out, 4, nullptr),
              0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
}

TEST(format_message, every_code_the_host_sets_has_a_message) {
    char out[256];
    const DWORD codes[] = {ERROR_INVALID_PARAMETER, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_INDEX,
                           ERROR_NO_DATA,           ERROR_NETNAME_DELETED,     ERROR_INVALID_HANDLE,
                           ERROR_NOT_SUPPORTED,     ERROR_OPERATION_ABORTED,   WSAEINVAL};
    for (const DWORD code : codes) {
        EXPECT_GT(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, code, 0, out, sizeof(out), nullptr),
                  0u)
            << code;
    }
}

TEST(format_message, allocate_buffer_is_freed_with_local_free) {
    LPSTR text = nullptr;
    const DWORD n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM
                                       | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, ERROR_ACCESS_DENIED,
                                   MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                                   reinterpret_cast<LPSTR>(&text), 0, nullptr);
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(n, std::strlen(text));
    EXPECT_EQ(LocalFree(text), nullptr);
}

DWORD format_with(char* out, DWORD size, const char* pattern, ...) {
    va_list args;
    va_start(args, pattern);
    const DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, pattern, 0, 0, out, size, &args);
    va_end(args);
    return n;
}

TEST(format_message, inserts_from_a_va_list_and_an_array) {
    char out[128];
    EXPECT_EQ(format_with(out, sizeof(out), "%1 then %2!d!, %1 again%n%%", "one", 42), 25u);
    EXPECT_STREQ(out, "one then 42, one again\r\n%");
    const DWORD_PTR values[] = {reinterpret_cast<DWORD_PTR>("x"), 255};
    EXPECT_GT(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             "%1 %2!04X!%0 ignored", 0, 0, out, sizeof(out),
                             reinterpret_cast<va_list*>(const_cast<DWORD_PTR*>(values))),
              0u);
    EXPECT_STREQ(out, "x 00FF");
    EXPECT_GT(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS, "%1 kept",
                             0, 0, out, sizeof(out), nullptr),
              0u);
    EXPECT_STREQ(out, "%1 kept");
}

TEST(output_debug_string, goes_to_the_log_hook_at_debug_level_with_the_caller) {
    captured_log log;
    isapi_set_log_hook(captured_log::capture, &log);
    isapi_set_log_level(ISAPI_LOG_DEBUG);
    SetLastError(1234);
    OutputDebugStringA("MyExt: starting\r\n");
    EXPECT_EQ(GetLastError(), 1234u);  // logging keeps the last error
    isapi_set_log_level(ISAPI_LOG_INFO);
    OutputDebugStringA("dropped below the level");
    isapi_set_log_hook(nullptr, nullptr);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0].first, ISAPI_LOG_DEBUG);
    EXPECT_NE(log.lines[0].second.find("MyExt: starting"), std::string::npos) << log.lines[0].second;
    EXPECT_EQ(log.lines[0].second.find('\r'), std::string::npos);
    EXPECT_NE(log.lines[0].second.find("win32_unit_tests"), std::string::npos) << log.lines[0].second;
}

}  // namespace
