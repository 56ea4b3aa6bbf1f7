// The exported C API of libisapi-runtime.so, called as the host and extensions call it.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <isapi/isapi_runtime.h>

namespace {

struct captured {
    std::mutex mutex;
    std::vector<std::pair<int, std::string>> messages;
};

void capture_hook(void* context, int level, const char* message, std::size_t length) {
    auto* sink = static_cast<captured*>(context);
    std::lock_guard lock(sink->mutex);
    sink->messages.emplace_back(level, std::string(message, length));
}

// Restores the default sink and level whatever a test did.
class runtime_log : public ::testing::Test {
protected:
    void TearDown() override {
        isapi_set_log_hook(nullptr, nullptr);
        isapi_set_log_level(ISAPI_LOG_INFO);
    }
};

TEST(last_error, starts_at_zero_and_is_per_thread) {
    std::thread([] { EXPECT_EQ(GetLastError(), 0U); }).join();
    SetLastError(ERROR_INVALID_INDEX);
    DWORD other_thread_value = 99;
    std::thread([&] {
        other_thread_value = GetLastError();
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
    }).join();
    EXPECT_EQ(other_thread_value, 0U);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_INDEX));
}

TEST(last_error, is_not_errno) {
    errno = EACCES;
    SetLastError(ERROR_ACCESS_DENIED);
    EXPECT_EQ(errno, EACCES);
    errno = 0;
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
}

TEST(handle_api, fd_zero_round_trips_and_is_neither_null_nor_invalid) {
    const HANDLE handle = isapi_handle_from_fd(0);
    EXPECT_NE(handle, nullptr);
    EXPECT_NE(handle, INVALID_HANDLE_VALUE);
    EXPECT_EQ(isapi_fd_from_handle(handle), 0);
    EXPECT_EQ(isapi_handle_release(handle), 0);
}

TEST(handle_api, survives_truncation_to_32_bits_as_win64_allows) {
    const HANDLE handle = isapi_handle_from_fd(1);
    const auto truncated = static_cast<DWORD>(reinterpret_cast<ULONG_PTR>(handle));
    const auto restored = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(static_cast<LONG>(truncated)));
    EXPECT_EQ(restored, handle);
    EXPECT_EQ(isapi_fd_from_handle(restored), 1);
    isapi_handle_release(handle);
}

TEST(handle_api, bad_handles_fail_with_error_invalid_handle) {
    for (const HANDLE bad : {static_cast<HANDLE>(nullptr), INVALID_HANDLE_VALUE,
                             reinterpret_cast<HANDLE>(std::uintptr_t{0x7ffffffc}),
                             reinterpret_cast<HANDLE>(std::uintptr_t{3})}) {
        SetLastError(0);
        EXPECT_EQ(isapi_fd_from_handle(bad), -1) << bad;
        EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
        SetLastError(0);
        EXPECT_EQ(isapi_handle_release(bad), -1) << bad;
        EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    }
}

TEST(handle_api, released_handle_is_stale_and_the_fd_stays_open) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const HANDLE handle = isapi_handle_from_fd(fd);
    ASSERT_NE(handle, INVALID_HANDLE_VALUE);
    EXPECT_EQ(isapi_handle_release(handle), fd);
    EXPECT_EQ(isapi_fd_from_handle(handle), -1);
    EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC); // not closed by the table
    ::close(fd);
}

TEST(handle_api, negative_fd_is_refused) {
    SetLastError(0);
    EXPECT_EQ(isapi_handle_from_fd(-1), INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST(errno_api, maps_through_the_exported_function) {
    EXPECT_EQ(isapi_win32_error_from_errno(ENOENT), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
    EXPECT_EQ(isapi_win32_error_from_errno(EACCES), static_cast<DWORD>(ERROR_ACCESS_DENIED));
}

TEST_F(runtime_log, hook_receives_formatted_messages_with_levels) {
    captured sink;
    isapi_set_log_hook(capture_hook, &sink);
    isapi_log(ISAPI_LOG_WARN, "ext %s failed: %d", "app.dll", 42);
    isapi_log(ISAPI_LOG_CRITICAL + 10, "clamped");
    ASSERT_EQ(sink.messages.size(), 2U);
    EXPECT_EQ(sink.messages[0].first, ISAPI_LOG_WARN);
    EXPECT_EQ(sink.messages[0].second, "ext app.dll failed: 42");
    EXPECT_EQ(sink.messages[1].first, ISAPI_LOG_CRITICAL);
}

TEST_F(runtime_log, level_filters_before_the_hook) {
    captured sink;
    isapi_set_log_hook(capture_hook, &sink);
    isapi_set_log_level(ISAPI_LOG_ERROR);
    EXPECT_FALSE(isapi_log_enabled(ISAPI_LOG_WARN));
    EXPECT_TRUE(isapi_log_enabled(ISAPI_LOG_ERROR));
    isapi_log(ISAPI_LOG_WARN, "dropped");
    isapi_log(ISAPI_LOG_ERROR, "kept");
    isapi_set_log_level(ISAPI_LOG_OFF);
    EXPECT_FALSE(isapi_log_enabled(ISAPI_LOG_CRITICAL));
    isapi_log(ISAPI_LOG_CRITICAL, "dropped too");
    ASSERT_EQ(sink.messages.size(), 1U);
    EXPECT_EQ(sink.messages[0].second, "kept");
}

TEST_F(runtime_log, long_messages_arrive_whole_up_to_64_kib) {
    captured sink;
    isapi_set_log_hook(capture_hook, &sink);
    const std::string medium(5000, 'm');
    const std::string huge(100000, 'h');
    isapi_log(ISAPI_LOG_INFO, "<%s>", medium.c_str());
    isapi_log(ISAPI_LOG_INFO, "%s", huge.c_str());
    ASSERT_EQ(sink.messages.size(), 2U);
    EXPECT_EQ(sink.messages[0].second, "<" + medium + ">");
    EXPECT_EQ(sink.messages[1].second, huge.substr(0, 64 * 1024));
}

TEST_F(runtime_log, logging_preserves_last_error_and_errno) {
    captured sink;
    isapi_set_log_hook(capture_hook, &sink);
    SetLastError(ERROR_NO_DATA);
    errno = ENOENT;
    isapi_log(ISAPI_LOG_INFO, "x");
    EXPECT_EQ(errno, ENOENT);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NO_DATA));
}

TEST_F(runtime_log, default_sink_writes_one_line_to_stderr) {
    char path[] = "/tmp/isapi-runtime-stderr-XXXXXX";
    const int file = ::mkstemp(path);
    ASSERT_GE(file, 0);
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    ASSERT_GE(saved, 0);
    ::dup2(file, STDERR_FILENO);
    isapi_log(ISAPI_LOG_ERROR, "to stderr %d", 7);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);

    std::string text(256, '\0');
    const ssize_t n = ::pread(file, text.data(), text.size(), 0);
    ::close(file);
    ::unlink(path);
    ASSERT_GE(n, 0);
    text.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(text, "isapi: error: to stderr 7\n");
}

TEST_F(runtime_log, no_call_reaches_a_hook_after_it_was_replaced) {
    captured first;
    std::atomic<bool> stop{false};
    std::atomic<int> after_swap_calls{0};
    std::atomic<bool> swapped{false};
    struct guard_context {
        captured* sink;
        std::atomic<bool>* swapped;
        std::atomic<int>* after_swap_calls;
    } guard{&first, &swapped, &after_swap_calls};
    const isapi_log_hook_fn guarded = [](void* context, int level, const char* message,
                                         std::size_t length) {
        auto* g = static_cast<guard_context*>(context);
        if (g->swapped->load()) {
            g->after_swap_calls->fetch_add(1);
        }
        capture_hook(g->sink, level, message, length);
    };
    isapi_set_log_hook(guarded, &guard);
    std::vector<std::thread> loggers;
    for (int t = 0; t < 3; ++t) {
        loggers.emplace_back([&stop] {
            while (!stop.load()) {
                isapi_log(ISAPI_LOG_INFO, "busy");
            }
        });
    }
    // Wait (bounded) until the loggers are really inside the hook before swapping.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        std::lock_guard lock(first.mutex);
        if (first.messages.size() > 100) {
            break;
        }
    }
    captured second;
    isapi_set_log_hook(capture_hook, &second);
    swapped.store(true);
    stop.store(true);
    for (auto& thread : loggers) {
        thread.join();
    }
    EXPECT_EQ(after_swap_calls.load(), 0);
    EXPECT_GT(first.messages.size(), 100U);
}

} // namespace
