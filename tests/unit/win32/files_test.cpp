// CreateFile and friends on the runtime's HANDLE table, with Windows' dispositions and codes.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

class files : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/isapi-win32-files-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    std::filesystem::path dir_;
};

TEST_F(files, dispositions_report_existing_files) {
    const std::string name = path("a.txt");
    HANDLE created = CreateFileA(name.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
    ASSERT_NE(created, INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    CloseHandle(created);
    EXPECT_EQ(CreateFileA(name.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, 0, nullptr),
              INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_FILE_EXISTS));
    HANDLE again = CreateFileA(name.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, 0, nullptr);
    ASSERT_NE(again, INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    CloseHandle(again);
    HANDLE opened = CreateFileA(name.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_ALWAYS,
                                0, nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    CloseHandle(opened);
}

TEST_F(files, missing_file_and_missing_directory_differ) {
    EXPECT_EQ(CreateFileA(path("none.txt").c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr),
              INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
    EXPECT_EQ(CreateFileA(path("no/dir.txt").c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr),
              INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_PATH_NOT_FOUND));
    EXPECT_EQ(CreateFileA(dir_.c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr),
              INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
}

TEST_F(files, write_read_seek_and_size) {
    std::string name = path("data.bin");
    HANDLE file = CreateFileA(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                              CREATE_ALWAYS, 0, nullptr);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    DWORD written = 0;
    EXPECT_TRUE(WriteFile(file, "0123456789", 10, &written, nullptr));
    EXPECT_EQ(written, 10u);
    DWORD high = 99;
    EXPECT_EQ(GetFileSize(file, &high), 10u);
    EXPECT_EQ(high, 0u);
    LARGE_INTEGER size{};
    EXPECT_TRUE(GetFileSizeEx(file, &size));
    EXPECT_EQ(size.QuadPart, 10);
    EXPECT_EQ(SetFilePointer(file, 2, nullptr, FILE_BEGIN), 2u);
    char buffer[16] = {};
    DWORD read = 0;
    EXPECT_TRUE(ReadFile(file, buffer, 3, &read, nullptr));
    EXPECT_EQ(std::string(buffer, read), "234");
    EXPECT_EQ(SetFilePointer(file, -2, nullptr, FILE_END), 8u);
    EXPECT_TRUE(ReadFile(file, buffer, 16, &read, nullptr));
    EXPECT_EQ(std::string(buffer, read), "89");
    EXPECT_TRUE(ReadFile(file, buffer, 16, &read, nullptr));  // end of file: TRUE, 0 bytes
    EXPECT_EQ(read, 0u);
    EXPECT_EQ(SetFilePointer(file, -100, nullptr, FILE_CURRENT), INVALID_SET_FILE_POINTER);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NEGATIVE_SEEK));
    LARGE_INTEGER to{};
    to.QuadPart = 5;
    LARGE_INTEGER now{};
    EXPECT_TRUE(SetFilePointerEx(file, to, &now, FILE_BEGIN));
    EXPECT_EQ(now.QuadPart, 5);
    OVERLAPPED at{};
    at.Offset = 1;
    EXPECT_TRUE(ReadFile(file, buffer, 2, &read, &at));
    EXPECT_EQ(std::string(buffer, read), "12");
    EXPECT_TRUE(FlushFileBuffers(file));
    EXPECT_TRUE(CloseHandle(file));
    EXPECT_FALSE(ReadFile(file, buffer, 1, &read, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST_F(files, handle_is_the_runtime_file_handle_transmit_file_takes) {
    std::ofstream(path("t.txt")) << "transmit";
    HANDLE file = CreateFileA(path("t.txt").c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr,
                              OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    ASSERT_NE(file, INVALID_HANDLE_VALUE);
    const int fd = isapi_fd_from_handle(file);
    ASSERT_GE(fd, 0);
    char buffer[8];
    EXPECT_EQ(::pread(fd, buffer, 8, 0), 8);
    EXPECT_EQ(std::string(buffer, 8), "transmit");
    EXPECT_TRUE(CloseHandle(file));
    EXPECT_EQ(isapi_fd_from_handle(file), -1);
}

TEST_F(files, backslashes_append_and_delete) {
    const std::string windows_name = dir_.string() + "\\log.txt";
    HANDLE log = CreateFileA(windows_name.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ, nullptr,
                             OPEN_ALWAYS, 0, nullptr);
    ASSERT_NE(log, INVALID_HANDLE_VALUE);
    DWORD written = 0;
    SetFilePointer(log, 0, nullptr, FILE_BEGIN);
    WriteFile(log, "one\r\n", 5, &written, nullptr);
    CloseHandle(log);
    log = CreateFileA(windows_name.c_str(), FILE_APPEND_DATA, 0, nullptr, OPEN_ALWAYS, 0, nullptr);
    WriteFile(log, "two\r\n", 5, &written, nullptr);
    CloseHandle(log);
    char text[32] = {};
    std::ifstream(path("log.txt"), std::ios::binary).read(text, sizeof(text) - 1);
    EXPECT_STREQ(text, "one\r\ntwo\r\n");
    EXPECT_TRUE(DeleteFileA(windows_name.c_str()));
    EXPECT_FALSE(DeleteFileA(windows_name.c_str()));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
    EXPECT_FALSE(DeleteFileA(dir_.c_str()));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
}

TEST_F(files, temp_path_ends_in_a_separator_and_reports_its_size) {
    ::setenv("TMPDIR", "/var/tmp", 1);
    char buffer[MAX_PATH];
    EXPECT_EQ(GetTempPathA(MAX_PATH, buffer), 9u);
    EXPECT_STREQ(buffer, "/var/tmp/");
    EXPECT_EQ(GetTempPathA(4, buffer), 10u);  // too small: size needed with the NUL
    ::unsetenv("TMPDIR");
    EXPECT_EQ(GetTempPathA(MAX_PATH, buffer), 5u);
    EXPECT_STREQ(buffer, "/tmp/");
}

}  // namespace
