// _splitpath/_makepath and the other MSVC CRT extras, against the CRT's documented behaviour.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include <windows.h>

namespace {

TEST(CrtPaths, SplitpathSplitsDriveDirectoryNameAndExtension) {
    char drive[_MAX_DRIVE], dir[_MAX_DIR], fname[_MAX_FNAME], ext[_MAX_EXT];
    _splitpath("C:\\inetpub\\scripts\\app.v2.dll", drive, dir, fname, ext);
    EXPECT_STREQ(drive, "C:");
    EXPECT_STREQ(dir, "\\inetpub\\scripts\\");
    EXPECT_STREQ(fname, "app.v2");
    EXPECT_STREQ(ext, ".dll");
    _splitpath("/srv/www/.hidden", drive, dir, fname, ext);
    EXPECT_STREQ(drive, "");
    EXPECT_STREQ(dir, "/srv/www/");
    EXPECT_STREQ(fname, "");
    EXPECT_STREQ(ext, ".hidden");
}

TEST(CrtPaths, SplitpathSTooSmallEmptiesEveryBufferWithErange) {
    char drive[_MAX_DRIVE] = "x", dir[4] = "x", fname[_MAX_FNAME] = "x", ext[_MAX_EXT] = "x";
    EXPECT_EQ(_splitpath_s("C:\\long\\dir\\a.txt", drive, sizeof drive, dir, sizeof dir, fname,
                           sizeof fname, ext, sizeof ext), ERANGE);
    EXPECT_STREQ(drive, "");
    EXPECT_STREQ(dir, "");
    EXPECT_STREQ(fname, "");
    EXPECT_STREQ(ext, "");
    EXPECT_EQ(_splitpath_s(nullptr, drive, sizeof drive, nullptr, 0, nullptr, 0, nullptr, 0), EINVAL);
    EXPECT_EQ(_splitpath_s("a.b", drive, sizeof drive, nullptr, 0, fname, sizeof fname, ext, sizeof ext), 0);
    EXPECT_STREQ(fname, "a");
}

TEST(CrtPaths, MakepathAddsTheSeparatorAndTheDot) {
    char path[_MAX_PATH];
    _makepath(path, "c", "\\scripts", "app", "dll");
    EXPECT_STREQ(path, "c:\\scripts\\app.dll");
    EXPECT_EQ(_makepath_s(path, sizeof path, nullptr, "/srv/", "x", ".ini"), 0);
    EXPECT_STREQ(path, "/srv/x.ini");
    char small[6];
    EXPECT_EQ(_makepath_s(small, sizeof small, nullptr, "/srv/", "x", ".ini"), ERANGE);
    EXPECT_STREQ(small, "");
}

TEST(CrtExtras, ScprintfCountsWithMsvcFormats) {
    EXPECT_EQ(_scprintf("%lu-%s", 4294967295UL, "abc"), 14);
    EXPECT_EQ(_scprintf("%I64d", -1LL), 2);
}

TEST(CrtExtras, ItoaAndCaseMapping) {
    char buffer[40];
    EXPECT_STREQ(itoa(-42, buffer, 10), "-42");
    EXPECT_STREQ(_itoa(-1, buffer, 16), "ffffffff");
    EXPECT_STREQ(_i64toa(-1, buffer, 16), "ffffffffffffffff");
    char text[] = "MiXeD Case 1";
    EXPECT_STREQ(strlwr(text), "mixed case 1");
    EXPECT_STREQ(_strupr(text), "MIXED CASE 1");
    char* stack = static_cast<char*>(_alloca(16));
    std::strcpy(stack, "ok");
    EXPECT_STREQ(stack, "ok");
}

TEST(CrtExtras, WideFunctionsUseWcharAndMsvcWideFormats) {
    EXPECT_EQ(_wcsicmp(u"Content-Type", u"content-type"), 0);
    EXPECT_LT(_wcsicmp(u"a", u"B"), 0);
    WCHAR buffer[16];
    EXPECT_EQ(swprintf_s(buffer, 16, u"%s=%d %S", u"n", 7, "x"), 5);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(buffer)), u"n=7 x");
    EXPECT_EQ(swprintf_s(buffer, 4, u"%s", u"toolong"), -1);
    EXPECT_EQ(buffer[0], 0);
    EXPECT_EQ(wcsncpy_s(buffer, 4, u"abcdef", _TRUNCATE), STRUNCATE);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(buffer)), u"abc");
}

TEST(CrtExtras, TimeFunctionsUseMicrosoftArgumentOrderAndChecks) {
    const time_t epoch_day = 86400;
    struct tm result{};
    EXPECT_EQ(gmtime_s(&result, &epoch_day), 0);
    EXPECT_EQ(result.tm_mday, 2);
    const time_t negative = -1;
    EXPECT_EQ(gmtime_s(&result, &negative), EINVAL);
    EXPECT_EQ(result.tm_mday, -1);
    char text[26];
    EXPECT_EQ(ctime_s(text, sizeof text, &epoch_day), 0);
    EXPECT_EQ(std::strlen(text), 25u);
    char small[10];
    EXPECT_EQ(ctime_s(small, sizeof small, &epoch_day), ERANGE);
}

TEST(CrtExtras, FsopenChecksTheShareFlagAndFopenSReportsErrno) {
    FILE* file = nullptr;
    EXPECT_EQ(fopen_s(&file, "/nonexistent/dir/file", "r"), ENOENT);
    EXPECT_EQ(file, nullptr);
    EXPECT_EQ(_fsopen("/dev/null", "r", 0x99), nullptr);
    FILE* shared = _fsopen("/dev/null", "rt", _SH_DENYNO);
    ASSERT_NE(shared, nullptr);
    std::fclose(shared);
}

}  // namespace
