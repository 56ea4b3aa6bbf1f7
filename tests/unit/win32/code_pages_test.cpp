// MultiByteToWideChar / WideCharToMultiByte with UTF-8, UTF-16 (16-bit WCHAR) and 1252.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

#include <string>

namespace {

TEST(code_pages, utf8_to_utf16_with_size_query_and_terminator) {
    const char* text = "h\xc3\xa9llo \xf0\x9f\x98\x80";  // é and an emoji (a surrogate pair)
    const int needed = MultiByteToWideChar(CP_UTF8, 0, text, -1, nullptr, 0);
    EXPECT_EQ(needed, 9);  // 6 + 2 units for U+1F600 + NUL
    WCHAR out[16];
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, 0, text, -1, out, 16), 9);
    EXPECT_EQ(std::u16string(out), u"h\u00e9llo \U0001F600");
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, 0, text, 3, out, 16), 2);  // no terminator counted
}

TEST(code_pages, too_small_buffer_and_bad_arguments) {
    WCHAR out[2];
    SetLastError(0);
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, 0, "abc", -1, out, 2), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, 0, "abc", 0, out, 2), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "abc", -1, out, 2), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_FLAGS));
    EXPECT_EQ(MultiByteToWideChar(932, 0, "abc", -1, out, 2), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST(code_pages, invalid_utf8_is_replaced_or_refused) {
    WCHAR out[8];
    const char bad[] = "a\xc3(\xed\xa0\x80";  // a truncated sequence and an encoded surrogate
    const int n = MultiByteToWideChar(CP_UTF8, 0, bad, -1, out, 8);
    EXPECT_EQ(std::u16string(out, static_cast<std::size_t>(n) - 1), u"a\uFFFD(\uFFFD\uFFFD\uFFFD");
    EXPECT_EQ(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bad, -1, out, 8), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NO_UNICODE_TRANSLATION));
}

TEST(code_pages, utf16_to_utf8_and_lone_surrogates) {
    char out[16];
    EXPECT_EQ(WideCharToMultiByte(CP_UTF8, 0, u"\u00e9\U0001F600", -1, out, 16, nullptr, nullptr), 7);
    EXPECT_STREQ(out, "\xc3\xa9\xf0\x9f\x98\x80");
    const WCHAR lone[] = {u'a', 0xD800, u'b', 0};
    EXPECT_EQ(WideCharToMultiByte(CP_UTF8, 0, lone, -1, out, 16, nullptr, nullptr), 6);
    EXPECT_STREQ(out, "a\xef\xbf\xbd" "b");
    EXPECT_EQ(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, -1, out, 16, nullptr, nullptr), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NO_UNICODE_TRANSLATION));
    BOOL used = FALSE;
    EXPECT_EQ(WideCharToMultiByte(CP_UTF8, 0, u"a", -1, out, 16, nullptr, &used), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST(code_pages, windows_1252_both_ways_with_default_char) {
    WCHAR wide[4];
    EXPECT_EQ(MultiByteToWideChar(1252, 0, "\x80\xe9", 2, wide, 4), 2);
    EXPECT_EQ(wide[0], 0x20AC);
    EXPECT_EQ(wide[1], 0x00E9);
    char narrow[4];
    BOOL used = FALSE;
    EXPECT_EQ(WideCharToMultiByte(1252, 0, u"\u20ac\u4e00", 2, narrow, 4, nullptr, &used), 2);
    EXPECT_EQ(narrow[0], '\x80');
    EXPECT_EQ(narrow[1], '?');
    EXPECT_TRUE(used);
    EXPECT_EQ(GetACP(), static_cast<UINT>(CP_UTF8));
}

}  // namespace
