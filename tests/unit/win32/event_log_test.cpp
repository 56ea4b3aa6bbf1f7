// The event log: each ReportEvent is one line in the log, with the source, id and level.
#include <windows.h>

#include <gtest/gtest.h>

#include "captured_log.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace {

class event_log : public ::testing::Test {
protected:
    void SetUp() override { isapi_set_log_hook(captured_log::capture, &log_); }
    void TearDown() override { isapi_set_log_hook(nullptr, nullptr); }
    captured_log log_;
};

TEST_F(event_log, reports_become_lines_at_their_level) {
    HANDLE source = RegisterEventSourceA(nullptr, "Contoso Gateway");
    ASSERT_NE(source, nullptr);
    LPCSTR strings[] = {"backend down", "retrying"};
    ASSERT_TRUE(ReportEventA(source, EVENTLOG_ERROR_TYPE, 3, 0xC0010064, nullptr, 2, 0, strings, nullptr));
    ASSERT_TRUE(ReportEventA(source, EVENTLOG_WARNING_TYPE, 0, 7, nullptr, 0, 0, nullptr, nullptr));
    HANDLE wide = RegisterEventSourceW(nullptr, u"Caf\u00e9");
    LPCWSTR wide_strings[] = {u"d\u00e9marr\u00e9"};
    ASSERT_TRUE(ReportEventW(wide, EVENTLOG_INFORMATION_TYPE, 0, 1, nullptr, 1, 0, wide_strings, nullptr));
    ASSERT_EQ(log_.lines.size(), 3u);
    EXPECT_EQ(log_.lines[0].first, ISAPI_LOG_ERROR);
    EXPECT_EQ(log_.lines[0].second, "event log [Contoso Gateway] error id=100 category=3: backend down | retrying");
    EXPECT_EQ(log_.lines[1].first, ISAPI_LOG_WARN);
    EXPECT_EQ(log_.lines[1].second, "event log [Contoso Gateway] warning id=7 category=0: ");
    EXPECT_EQ(log_.lines[2].first, ISAPI_LOG_INFO);
    EXPECT_EQ(log_.lines[2].second, "event log [Caf\xC3\xA9] information id=1 category=0: d\xC3\xA9marr\xC3\xA9");
    EXPECT_TRUE(DeregisterEventSource(source));
    EXPECT_TRUE(DeregisterEventSource(wide));
    EXPECT_FALSE(ReportEventA(source, EVENTLOG_ERROR_TYPE, 0, 1, nullptr, 0, 0, nullptr, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_FALSE(DeregisterEventSource(source));
}

TEST_F(event_log, remote_servers_and_nameless_sources_are_refused) {
    EXPECT_EQ(RegisterEventSourceA("\\\\other", "App"), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
    EXPECT_EQ(RegisterEventSourceA(nullptr, ""), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

}  // namespace
