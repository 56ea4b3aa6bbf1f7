// Overlapped file I/O and completion ports: the traces a completion leaves (OVERLAPPED fields,
// event, packet) and the error codes Windows gives.
#include <windows.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace {

class overlapped_io : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/isapi-win32-overlapped-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        std::ofstream(dir_ / "data.bin", std::ios::binary) << "0123456789abcdef";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    HANDLE open(DWORD access, DWORD disposition = OPEN_EXISTING) {
        return CreateFileA((dir_ / "data.bin").c_str(), access, FILE_SHARE_READ, nullptr,
                           disposition, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, nullptr);
    }

    std::filesystem::path dir_;
};

TEST_F(overlapped_io, create_file_accepts_the_flag_and_the_handle_keeps_no_position) {
    HANDLE file = open(GENERIC_READ);
    ASSERT_NE(file, INVALID_HANDLE_VALUE) << GetLastError();
    char buffer[4] = {};
    OVERLAPPED at{};
    at.Offset = 10;
    DWORD got = 0;
    ASSERT_TRUE(ReadFile(file, buffer, 4, &got, &at));
    EXPECT_EQ(got, 4u);
    EXPECT_EQ(std::string(buffer, 4), "abcd");
    EXPECT_TRUE(HasOverlappedIoCompleted(&at));
    EXPECT_EQ(at.InternalHigh, 4u);
    EXPECT_EQ(at.Internal, 0u);
    // The same offset again: nothing moved.
    ASSERT_TRUE(ReadFile(file, buffer, 4, &got, &at));
    EXPECT_EQ(std::string(buffer, 4), "abcd");
    // Windows needs the OVERLAPPED on such a handle.
    EXPECT_FALSE(ReadFile(file, buffer, 4, &got, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_TRUE(CloseHandle(file));
}

TEST_F(overlapped_io, completion_sets_the_event_and_get_overlapped_result_reports_it) {
    HANDLE file = open(GENERIC_READ);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    HANDLE done = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    ASSERT_NE(done, nullptr);
    char buffer[32] = {};
    OVERLAPPED at{};
    at.Offset = 12;
    at.hEvent = done;
    // The caller pattern of the corpus: pending or not, the result comes from
    // GetOverlappedResult.
    if (!ReadFile(file, buffer, sizeof(buffer), nullptr, &at)) {
        ASSERT_EQ(GetLastError(), static_cast<DWORD>(ERROR_IO_PENDING));
    }
    EXPECT_EQ(WaitForSingleObject(done, 0), static_cast<DWORD>(WAIT_OBJECT_0));
    DWORD got = 0;
    ASSERT_TRUE(GetOverlappedResult(file, &at, &got, TRUE));
    EXPECT_EQ(got, 4u);  // short read at the end of the file
    EXPECT_EQ(std::string(buffer, got), "cdef");
    ASSERT_TRUE(GetOverlappedResult(file, &at, &got, FALSE));
    // At the end: ERROR_HANDLE_EOF, as an overlapped read fails on Windows (a synchronous
    // handle returns TRUE with 0 bytes instead).
    ResetEvent(done);
    at.Offset = 16;
    EXPECT_FALSE(ReadFile(file, buffer, sizeof(buffer), &got, &at));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_HANDLE_EOF));
    EXPECT_FALSE(GetOverlappedResult(file, &at, &got, TRUE));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_HANDLE_EOF));
    EXPECT_EQ(got, 0u);
    CloseHandle(done);
    CloseHandle(file);
}

TEST_F(overlapped_io, a_pending_operation_is_incomplete_until_its_event) {
    HANDLE done = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    OVERLAPPED at{};
    at.hEvent = done;
    at.Internal = STATUS_PENDING;  // as a driver would leave it while the I/O runs
    EXPECT_FALSE(HasOverlappedIoCompleted(&at));
    DWORD got = 0;
    EXPECT_FALSE(GetOverlappedResult(nullptr, &at, &got, FALSE));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_IO_INCOMPLETE));
    EXPECT_FALSE(GetOverlappedResultEx(nullptr, &at, &got, 20, FALSE));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
    std::thread completer([&] {
        // A completer publishes the status last, atomically (the reader may be looking).
        at.InternalHigh = 7;
        __atomic_store_n(&at.Internal, ULONG_PTR{0}, __ATOMIC_RELEASE);
        SetEvent(done);
    });
    EXPECT_TRUE(GetOverlappedResult(nullptr, &at, &got, TRUE));
    completer.join();
    EXPECT_EQ(got, 7u);
    CloseHandle(done);
}

TEST_F(overlapped_io, writes_land_at_their_offsets) {
    HANDLE file = open(GENERIC_READ | GENERIC_WRITE);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    OVERLAPPED at{};
    at.Offset = 20;  // past the end: the gap is zeros, as on Windows
    DWORD put = 0;
    ASSERT_TRUE(WriteFile(file, "XY", 2, &put, &at));
    EXPECT_EQ(put, 2u);
    at.Offset = 0;
    ASSERT_TRUE(WriteFile(file, "AB", 2, &put, &at));
    CloseHandle(file);
    std::string content(std::filesystem::file_size(dir_ / "data.bin"), '\0');
    std::ifstream(dir_ / "data.bin", std::ios::binary).read(content.data(), 22);
    EXPECT_EQ(content, std::string("AB23456789abcdef\0\0\0\0XY", 22));
}

TEST_F(overlapped_io, an_associated_file_queues_one_packet_per_operation) {
    HANDLE file = open(GENERIC_READ);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(CreateIoCompletionPort(file, port, 0x5150, 0), port);
    // One association per handle.
    EXPECT_EQ(CreateIoCompletionPort(file, port, 1, 0), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    char buffer[3];
    OVERLAPPED first{}, second{};
    first.Offset = 1;
    second.Offset = 5;
    ASSERT_TRUE(ReadFile(file, buffer, 3, nullptr, &first));
    ASSERT_TRUE(ReadFile(file, buffer, 2, nullptr, &second));
    // An event with the low bit set asks for no packet.
    HANDLE quiet = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    OVERLAPPED third{};
    third.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(quiet) | 1);
    ASSERT_TRUE(ReadFile(file, buffer, 1, nullptr, &third));
    EXPECT_EQ(WaitForSingleObject(quiet, 0), static_cast<DWORD>(WAIT_OBJECT_0));

    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED which = nullptr;
    ASSERT_TRUE(GetQueuedCompletionStatus(port, &bytes, &key, &which, 1000));
    EXPECT_EQ(which, &first);
    EXPECT_EQ(bytes, 3u);
    EXPECT_EQ(key, 0x5150u);
    ASSERT_TRUE(GetQueuedCompletionStatus(port, &bytes, &key, &which, 1000));
    EXPECT_EQ(which, &second);
    EXPECT_EQ(bytes, 2u);
    // Nothing else: a timeout leaves lpOverlapped NULL.
    EXPECT_FALSE(GetQueuedCompletionStatus(port, &bytes, &key, &which, 10));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(which, nullptr);
    CloseHandle(quiet);
    CloseHandle(file);
    CloseHandle(port);
}

TEST_F(overlapped_io, a_new_port_for_a_file_and_posted_packets) {
    HANDLE file = open(GENERIC_READ);
    HANDLE port = CreateIoCompletionPort(file, nullptr, 9, 0);
    ASSERT_NE(port, nullptr) << GetLastError();
    OVERLAPPED marker{};
    ASSERT_TRUE(PostQueuedCompletionStatus(port, 42, 77, &marker));
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED which = nullptr;
    ASSERT_TRUE(GetQueuedCompletionStatus(port, &bytes, &key, &which, INFINITE));
    EXPECT_EQ(bytes, 42u);
    EXPECT_EQ(key, 77u);
    EXPECT_EQ(which, &marker);
    EXPECT_FALSE(PostQueuedCompletionStatus(file, 0, 0, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_EQ(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    CloseHandle(file);
    CloseHandle(port);
}

TEST_F(overlapped_io, worker_threads_drain_a_port_and_closing_it_releases_them) {
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 2);
    ASSERT_NE(port, nullptr);
    std::atomic<int> sum{0};
    std::atomic<int> abandoned{0};
    std::atomic<int> told_to_leave{0};
    std::vector<std::thread> workers;
    for (int i = 0; i < 3; ++i) {
        workers.emplace_back([&] {
            for (;;) {
                DWORD bytes = 0;
                ULONG_PTR key = 0;
                LPOVERLAPPED which = nullptr;
                if (!GetQueuedCompletionStatus(port, &bytes, &key, &which, INFINITE)) {
                    // Blocked in the call when the port closed, or calling after it closed.
                    const DWORD error = GetLastError();
                    if (error == ERROR_ABANDONED_WAIT_0 || error == ERROR_INVALID_HANDLE) ++abandoned;
                    return;
                }
                if (key == 0) {  // the usual shutdown packet
                    ++told_to_leave;
                    return;
                }
                sum += static_cast<int>(bytes);
            }
        });
    }
    for (DWORD i = 1; i <= 100; ++i) ASSERT_TRUE(PostQueuedCompletionStatus(port, i, 1, nullptr));
    ASSERT_TRUE(PostQueuedCompletionStatus(port, 0, 0, nullptr));  // one worker leaves
    // The other two are released by the close, as Windows releases them.
    while (sum.load() != 5050 || told_to_leave.load() != 1) std::this_thread::yield();
    CloseHandle(port);
    for (auto& w : workers) w.join();
    EXPECT_EQ(sum.load(), 5050);
    EXPECT_EQ(abandoned.load(), 2);
}

}  // namespace
