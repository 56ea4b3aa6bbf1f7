// lstr*, wsprintf, the MSVC CRT string functions and strsafe, as Windows documents them.
#include <windows.h>
#include <strsafe.h>

#include <gtest/gtest.h>

#include <cstring>

#include <string>

namespace {

TEST(lstr, length_copy_and_concatenate_tolerate_null) {
    EXPECT_EQ(lstrlenA("four"), 4);
    EXPECT_EQ(lstrlenA(nullptr), 0);
    EXPECT_EQ(lstrlenW(u"wide"), 4);
    char buffer[16] = "x";
    EXPECT_EQ(lstrcpyA(buffer, "abc"), buffer);
    EXPECT_STREQ(lstrcatA(buffer, "def"), "abcdef");
    EXPECT_EQ(lstrcpyA(nullptr, "abc"), nullptr);
    EXPECT_EQ(lstrcatA(buffer, nullptr), nullptr);
}

TEST(lstr, lstrcpyn_copies_at_most_n_minus_one_and_terminates) {
    char buffer[8];
    std::memset(buffer, 'z', sizeof(buffer));
    EXPECT_EQ(lstrcpynA(buffer, "abcdefghij", 5), buffer);
    EXPECT_STREQ(buffer, "abcd");
    EXPECT_STREQ(lstrcpynA(buffer, "ab", 5), "ab");
    buffer[0] = 'q';
    lstrcpynA(buffer, "abc", 0);
    EXPECT_EQ(buffer[0], 'q');  // n = 0 writes nothing
}

TEST(lstr, comparisons_use_word_order_and_return_minus_one_zero_one) {
    EXPECT_EQ(lstrcmpA("abc", "abc"), 0);
    EXPECT_EQ(lstrcmpA("abc", "abd"), -1);
    EXPECT_EQ(lstrcmpA("b", "a"), 1);
    // Alphabetical before case: "a" < "B" although 'B' < 'a' in ASCII; then lower first.
    EXPECT_EQ(lstrcmpA("a", "B"), -1);
    EXPECT_EQ(lstrcmpA("a", "A"), -1);
    EXPECT_EQ(lstrcmpA("9", "a"), -1);
    EXPECT_EQ(lstrcmpA("ab", "a"), 1);
    EXPECT_EQ(lstrcmpiA("HeLLo", "hello"), 0);
    EXPECT_EQ(lstrcmpiA("apple", "BANANA"), -1);
    EXPECT_EQ(lstrcmpiA(nullptr, ""), 0);
}

TEST(wsprintf_format, long_is_32_bits_as_on_windows) {
    char out[1100];
    const DWORD big = 4000000000u;
    const LONG negative = -5;
    EXPECT_EQ(wsprintfA(out, "%lu %ld %lx", big, negative, big), 22);
    EXPECT_STREQ(out, "4000000000 -5 ee6b2800");
    wsprintfA(out, "%I64d|%I64u|%lld", -1LL, 18446744073709551615ULL, 123LL);
    EXPECT_STREQ(out, "-1|18446744073709551615|123");
    wsprintfA(out, "[%5s][%-4d][%04X][%c]", "ab", 7, 0xABu, 'z');
    EXPECT_STREQ(out, "[   ab][7   ][00AB][z]");
    wsprintfA(out, "%S and %ls", u"wide", u"\u00e9");
    EXPECT_STREQ(out, "wide and \xc3\xa9");
    wsprintfA(out, "%s", static_cast<const char*>(nullptr));
    EXPECT_STREQ(out, "(null)");
    wsprintfA(out, "%p", reinterpret_cast<void*>(0x12ab));
    EXPECT_STREQ(out, "00000000000012AB");
}

TEST(wsprintf_format, output_stops_at_1024_characters_including_the_terminator) {
    std::string out(1200, '#');
    const std::string long_text(2000, 'a');
    EXPECT_EQ(wsprintfA(out.data(), "%s", long_text.c_str()), 1023);
    EXPECT_EQ(std::strlen(out.c_str()), 1023u);
}

TEST(crt, stricmp_compares_lower_cased_bytes) {
    EXPECT_EQ(_stricmp("Content-Type", "content-type"), 0);
    EXPECT_LT(_stricmp("a", "B"), 0);
    EXPECT_LT(_stricmp("_", "a"), 0);
    EXPECT_EQ(_strnicmp("HTTP_HOST", "http_hostname", 9), 0);
    EXPECT_NE(_strnicmp("HTTP_HOST", "http_hostname", 10), 0);
    EXPECT_EQ(_strnicmp(nullptr, nullptr, 0), 0);
}

TEST(crt, snprintf_follows_msvc_truncation) {
    char out[8];
    std::memset(out, '#', sizeof(out));
    EXPECT_EQ(_snprintf(out, sizeof(out), "%s", "abc"), 3);
    EXPECT_STREQ(out, "abc");
    std::memset(out, '#', sizeof(out));
    EXPECT_EQ(_snprintf(out, 4, "%s", "abcd"), 4);  // exactly fits: no terminator
    EXPECT_EQ(std::string(out, 5), "abcd#");
    std::memset(out, '#', sizeof(out));
    EXPECT_EQ(_snprintf(out, 4, "%s", "abcdef"), -1);
    EXPECT_EQ(std::string(out, 5), "abcd#");
}

class secure_crt : public ::testing::Test {
protected:
    static void count_call(const WCHAR*, const WCHAR*, const WCHAR*, unsigned int, uintptr_t) {
        ++calls;
    }
    void SetUp() override {
        calls = 0;
        previous_ = _set_invalid_parameter_handler(count_call);
    }
    void TearDown() override { _set_invalid_parameter_handler(previous_); }

    static inline int calls = 0;
    _invalid_parameter_handler previous_ = nullptr;
};

TEST_F(secure_crt, strcpy_s_copies_or_empties_the_destination) {
    char out[6] = "zzzzz";
    EXPECT_EQ(strcpy_s(out, sizeof(out), "hello"), 0);
    EXPECT_STREQ(out, "hello");
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(strcpy_s(out, sizeof(out), "hello!"), ERANGE);
    EXPECT_EQ(out[0], '\0');
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(strcpy_s(out, sizeof(out), nullptr), EINVAL);
    EXPECT_EQ(strcpy_s(nullptr, 4, "x"), EINVAL);
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(strcpy_s(out, "tmpl"), 0);  // the C++ array overload
    EXPECT_STREQ(out, "tmpl");
}

TEST_F(secure_crt, strncpy_s_truncate_and_counts) {
    char out[5];
    EXPECT_EQ(strncpy_s(out, sizeof(out), "abcdefgh", _TRUNCATE), STRUNCATE);
    EXPECT_STREQ(out, "abcd");
    EXPECT_EQ(strncpy_s(out, sizeof(out), "abcdefgh", 3), 0);
    EXPECT_STREQ(out, "abc");
    EXPECT_EQ(strncpy_s(out, sizeof(out), "abcdefgh", 5), ERANGE);
    EXPECT_STREQ(out, "");
    EXPECT_EQ(strncpy_s(out, sizeof(out), "ab", _TRUNCATE), 0);
    EXPECT_STREQ(out, "ab");
    EXPECT_EQ(strncpy_s(nullptr, 0, nullptr, 0), 0);
    EXPECT_EQ(calls, 1);
}

TEST_F(secure_crt, strcat_s_and_strncat_s) {
    char out[8] = "abc";
    EXPECT_EQ(strcat_s(out, sizeof(out), "defg"), 0);
    EXPECT_STREQ(out, "abcdefg");
    EXPECT_EQ(strcat_s(out, sizeof(out), "h"), ERANGE);
    EXPECT_STREQ(out, "");
    std::strcpy(out, "abc");
    EXPECT_EQ(strncat_s(out, sizeof(out), "defghij", _TRUNCATE), STRUNCATE);
    EXPECT_STREQ(out, "abcdefg");
    char unterminated[3] = {'a', 'b', 'c'};
    EXPECT_EQ(strcat_s(unterminated, sizeof(unterminated), "x"), EINVAL);
    EXPECT_EQ(calls, 2);
}

TEST_F(secure_crt, sprintf_s_and_snprintf_s) {
    char out[8];
    EXPECT_EQ(sprintf_s(out, sizeof(out), "%lu-%s", 42u, "ab"), 5);
    EXPECT_STREQ(out, "42-ab");
    EXPECT_EQ(sprintf_s(out, sizeof(out), "%s", "too long!"), -1);
    EXPECT_STREQ(out, "");
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(_snprintf_s(out, sizeof(out), _TRUNCATE, "%s", "too long!"), -1);
    EXPECT_STREQ(out, "too lon");
    EXPECT_EQ(_snprintf_s(out, sizeof(out), 3, "%s", "abcdef"), -1);
    EXPECT_STREQ(out, "abc");
    EXPECT_EQ(_snprintf_s(out, sizeof(out), 3, "%s", "ab"), 2);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(sprintf_s(out, "%d", 7), 1);  // the C++ array overload
    EXPECT_EQ(sprintf_s(out, sizeof(out), "%n", &calls), -1);  // %n is refused
}

TEST_F(secure_crt, memcpy_s_zeroes_the_destination_on_error) {
    char out[4] = {'a', 'b', 'c', 'd'};
    EXPECT_EQ(memcpy_s(out, sizeof(out), "wxyz", 4), 0);
    EXPECT_EQ(std::string(out, 4), "wxyz");
    EXPECT_EQ(memcpy_s(out, sizeof(out), "12345", 5), ERANGE);
    EXPECT_EQ(std::string(out, 4), std::string(4, '\0'));
    EXPECT_EQ(memcpy_s(out, sizeof(out), nullptr, 1), EINVAL);
    EXPECT_EQ(memcpy_s(nullptr, 0, nullptr, 0), 0);
    EXPECT_EQ(calls, 2);
}

TEST_F(secure_crt, itoa_s_in_several_radixes) {
    char out[40];
    EXPECT_EQ(_itoa_s(-42, out, sizeof(out), 10), 0);
    EXPECT_STREQ(out, "-42");
    EXPECT_EQ(_itoa_s(255, out, sizeof(out), 16), 0);
    EXPECT_STREQ(out, "ff");
    EXPECT_EQ(_itoa_s(-1, out, sizeof(out), 16), 0);
    EXPECT_STREQ(out, "ffffffff");
    char small[3];
    EXPECT_EQ(_itoa_s(-42, small, sizeof(small), 10), ERANGE);
    EXPECT_EQ(calls, 1);
}

TEST(secure_crt_default, a_violation_without_handler_returns_instead_of_aborting) {
    char out[2];
    EXPECT_EQ(strcpy_s(out, sizeof(out), "xyz"), ERANGE);
    EXPECT_EQ(errno, ERANGE);
}

TEST(strsafe, copy_cat_and_printf_truncate_with_insufficient_buffer) {
    char out[6];
    EXPECT_EQ(StringCchCopyA(out, sizeof(out), "hello"), S_OK);
    EXPECT_STREQ(out, "hello");
    EXPECT_EQ(StringCchCopyA(out, sizeof(out), "hello world"), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(out, "hello");
    EXPECT_EQ(StringCchCopyA(out, 0, "x"), STRSAFE_E_INVALID_PARAMETER);
    EXPECT_EQ(StringCchCopyNA(out, sizeof(out), "abcdef", 2), S_OK);
    EXPECT_STREQ(out, "ab");
    EXPECT_EQ(StringCchCatA(out, sizeof(out), "cd"), S_OK);
    EXPECT_STREQ(out, "abcd");
    EXPECT_EQ(StringCchCatA(out, sizeof(out), "efg"), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(out, "abcde");
    EXPECT_EQ(StringCchPrintfA(out, sizeof(out), "%lu", 123456u), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(out, "12345");
    EXPECT_EQ(StringCbPrintfA(out, sizeof(out), "%d", 42), S_OK);
    EXPECT_STREQ(out, "42");
}

TEST(strsafe, length_fails_for_null_and_unterminated) {
    size_t length = 99;
    EXPECT_EQ(StringCchLengthA("abc", 10, &length), S_OK);
    EXPECT_EQ(length, 3u);
    EXPECT_EQ(StringCchLengthA("abc", 3, &length), STRSAFE_E_INVALID_PARAMETER);
    EXPECT_EQ(length, 0u);
    EXPECT_EQ(StringCchLengthA(nullptr, 3, &length), STRSAFE_E_INVALID_PARAMETER);
}

}  // namespace
