// GetPrivateProfileString/Int and the environment functions.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

#include <cstdlib>
#include <fstream>
#include <string>

#include "win32/ini_file.hpp"

namespace {

class profile : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/isapi-win32-profile-" + std::to_string(::getpid()) + ".ini";
        std::ofstream(path_, std::ios::binary)
            << "\xEF\xBB\xBF; settings written on Windows\r\n"
               "[Database]\r\n"
               "Server = db01 \r\n"
               "Port=1433\r\n"
               "Name=\"quoted value\"\r\n"
               "Timeout=-5\r\n"
               "Empty=\r\n"
               "[database]\r\n"
               "Server=ignored duplicate\r\n"
               "[Paths]\r\n"
               "Root=C:\\inetpub\\data\r\n";
    }
    void TearDown() override { std::remove(path_.c_str()); }

    std::string path_;
};

TEST_F(profile, values_trimmed_unquoted_and_case_insensitive) {
    char out[64];
    EXPECT_EQ(GetPrivateProfileStringA("DATABASE", "server", "x", out, sizeof(out), path_.c_str()), 4u);
    EXPECT_STREQ(out, "db01");
    EXPECT_EQ(GetPrivateProfileStringA("Database", "Name", "", out, sizeof(out), path_.c_str()), 12u);
    EXPECT_STREQ(out, "quoted value");
    GetPrivateProfileStringA("Paths", "Root", "", out, sizeof(out), path_.c_str());
    EXPECT_STREQ(out, "C:\\inetpub\\data");
    EXPECT_EQ(GetPrivateProfileStringA("Database", "Empty", "dflt", out, sizeof(out), path_.c_str()), 0u);
    EXPECT_STREQ(out, "");
}

TEST_F(profile, defaults_and_truncation) {
    char out[64];
    EXPECT_EQ(GetPrivateProfileStringA("Database", "Missing", "fallback  ", out, sizeof(out), path_.c_str()), 8u);
    EXPECT_STREQ(out, "fallback");
    EXPECT_EQ(GetPrivateProfileStringA("Database", "Name", "", out, 6, path_.c_str()), 5u);
    EXPECT_STREQ(out, "quote");
    EXPECT_EQ(GetPrivateProfileStringA("Database", "Missing", nullptr, out, 6, path_.c_str()), 0u);
    EXPECT_STREQ(out, "");
}

TEST_F(profile, lists_of_sections_and_keys_end_with_two_nuls) {
    char out[128];
    const DWORD n = GetPrivateProfileStringA(nullptr, nullptr, "", out, sizeof(out), path_.c_str());
    EXPECT_EQ(std::string(out, n + 1), std::string("Database\0Paths\0\0", 16));
    const DWORD keys = GetPrivateProfileStringA("Database", nullptr, "", out, sizeof(out), path_.c_str());
    EXPECT_EQ(std::string(out, keys), std::string("Server\0Port\0Name\0Timeout\0Empty\0", 31));
    char small[8];
    EXPECT_EQ(GetPrivateProfileStringA(nullptr, nullptr, "", small, sizeof(small), path_.c_str()), 6u);
    EXPECT_EQ(small[6], '\0');
    EXPECT_EQ(small[7], '\0');
}

TEST_F(profile, missing_file_gives_the_default_and_file_not_found) {
    char out[16];
    EXPECT_EQ(GetPrivateProfileStringA("a", "b", "dflt", out, sizeof(out), "/nonexistent/x.ini"), 4u);
    EXPECT_STREQ(out, "dflt");
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
}

TEST_F(profile, integers) {
    EXPECT_EQ(GetPrivateProfileIntA("Database", "Port", 0, path_.c_str()), 1433u);
    EXPECT_EQ(GetPrivateProfileIntA("Database", "Missing", 77, path_.c_str()), 77u);
    EXPECT_EQ(GetPrivateProfileIntA("Database", "Server", 77, path_.c_str()), 0u);  // not a number
    EXPECT_EQ(GetPrivateProfileIntA("Database", "Timeout", 0, path_.c_str()), static_cast<UINT>(-5));
    EXPECT_EQ(GetPrivateProfileIntA("Database", "Empty", 3, path_.c_str()), 3u);
}

TEST(ini_file, lines_before_the_first_section_and_lf_endings) {
    const isapi_fcgi::win32::ini_file ini("orphan=1\n[S]\nk = v\n;k2=commented\n");
    EXPECT_EQ(ini.value("S", "K"), "v");
    EXPECT_FALSE(ini.value("S", "k2"));
    EXPECT_FALSE(ini.value("", "orphan"));
}

TEST(environment, sizes_missing_and_empty_values) {
    ::setenv("ISAPI_TEST_VAR", "value", 1);
    char out[16];
    EXPECT_EQ(GetEnvironmentVariableA("ISAPI_TEST_VAR", out, sizeof(out)), 5u);
    EXPECT_STREQ(out, "value");
    EXPECT_EQ(GetEnvironmentVariableA("ISAPI_TEST_VAR", out, 3), 6u);
    EXPECT_EQ(GetEnvironmentVariableA("ISAPI_TEST_MISSING", out, sizeof(out)), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ENVVAR_NOT_FOUND));
    EXPECT_TRUE(SetEnvironmentVariableA("ISAPI_TEST_VAR", ""));
    EXPECT_EQ(GetEnvironmentVariableA("ISAPI_TEST_VAR", out, sizeof(out)), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_TRUE(SetEnvironmentVariableA("ISAPI_TEST_VAR", nullptr));
    EXPECT_EQ(GetEnvironmentVariableA("ISAPI_TEST_VAR", out, sizeof(out)), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ENVVAR_NOT_FOUND));
    EXPECT_FALSE(SetEnvironmentVariableA("A=B", "x"));
}

}  // namespace
