// Reg* over the pool's store: seeded from a .reg file named in the environment the worker sets,
// Windows' return codes and buffer rules, and writes saved to the store file.
#include <windows.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

// The environment must be in place before the first Reg* call of the process.
const std::filesystem::path& store_dir() {
    static const std::filesystem::path dir = [] {
        char pattern[] = "/tmp/isapi-win32-registry-XXXXXX";
        std::filesystem::path made = ::mkdtemp(pattern);
        std::ofstream(made / "seed.reg", std::ios::binary)
            << "Windows Registry Editor Version 5.00\r\n\r\n"
               "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\App]\r\n"
               "\"Greeting\"=\"hello\"\r\n"
               "\"Workers\"=dword:00000004\r\n"
               "\"Hosts\"=hex(7):61,00,00,00,62,00,00,00,00,00\r\n"
               "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\App\\Alpha]\r\n"
               "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\App\\beta]\r\n";
        ::setenv("ISAPI_FCGI_REGISTRY_FILES", (made / "seed.reg").c_str(), 1);
        ::setenv("ISAPI_FCGI_REGISTRY_STORE", (made / "store.reg").c_str(), 1);
        return made;
    }();
    return dir;
}

class registry : public ::testing::Test {
protected:
    void SetUp() override {
        store_dir();
        ASSERT_EQ(RegOpenKeyExA(HKEY_LOCAL_MACHINE, "Software\\contoso\\APP", 0, KEY_READ, &app_),
                  ERROR_SUCCESS);
    }
    void TearDown() override { RegCloseKey(app_); }

    std::string saved_store() {
        std::ifstream in(store_dir() / "store.reg", std::ios::binary);
        std::string text;
        std::getline(in, text, '\0');
        return text;
    }

    HKEY app_ = nullptr;
};

TEST_F(registry, query_follows_windows_buffer_rules) {
    DWORD type = 0, size = 0;
    ASSERT_EQ(RegQueryValueExA(app_, "greeting", nullptr, &type, nullptr, &size), ERROR_SUCCESS);
    EXPECT_EQ(type, static_cast<DWORD>(REG_SZ));
    EXPECT_EQ(size, 6u);  // "hello" and its NUL
    char small[3];
    size = sizeof(small);
    EXPECT_EQ(RegQueryValueExA(app_, "Greeting", nullptr, nullptr, reinterpret_cast<LPBYTE>(small), &size),
              ERROR_MORE_DATA);
    EXPECT_EQ(size, 6u);
    char text[16];
    size = sizeof(text);
    ASSERT_EQ(RegQueryValueExA(app_, "Greeting", nullptr, nullptr, reinterpret_cast<LPBYTE>(text), &size),
              ERROR_SUCCESS);
    EXPECT_STREQ(text, "hello");
    DWORD workers = 0;
    size = sizeof(workers);
    ASSERT_EQ(RegQueryValueExA(app_, "Workers", nullptr, &type, reinterpret_cast<LPBYTE>(&workers), &size),
              ERROR_SUCCESS);
    EXPECT_EQ(type, static_cast<DWORD>(REG_DWORD));
    EXPECT_EQ(workers, 4u);
    // The W form gives the UTF-16 the store keeps.
    WCHAR wide[16];
    size = sizeof(wide);
    ASSERT_EQ(RegQueryValueExW(app_, u"Hosts", nullptr, &type, reinterpret_cast<LPBYTE>(wide), &size),
              ERROR_SUCCESS);
    EXPECT_EQ(type, static_cast<DWORD>(REG_MULTI_SZ));
    EXPECT_EQ(size, 10u);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(wide), 5), std::u16string(u"a\0b\0\0", 5));
    EXPECT_EQ(RegQueryValueExA(app_, "Absent", nullptr, nullptr, nullptr, &size), ERROR_FILE_NOT_FOUND);
    EXPECT_EQ(RegOpenKeyExA(HKEY_LOCAL_MACHINE, "Software\\Nobody", 0, KEY_READ, &app_), ERROR_FILE_NOT_FOUND);
}

TEST_F(registry, enumeration_ends_with_no_more_items) {
    char name[16];
    DWORD count = sizeof(name);
    ASSERT_EQ(RegEnumKeyExA(app_, 0, name, &count, nullptr, nullptr, nullptr, nullptr), ERROR_SUCCESS);
    EXPECT_STREQ(name, "Alpha");
    EXPECT_EQ(count, 5u);
    count = sizeof(name);
    ASSERT_EQ(RegEnumKeyExA(app_, 1, name, &count, nullptr, nullptr, nullptr, nullptr), ERROR_SUCCESS);
    EXPECT_STREQ(name, "beta");
    count = sizeof(name);
    EXPECT_EQ(RegEnumKeyExA(app_, 2, name, &count, nullptr, nullptr, nullptr, nullptr), ERROR_NO_MORE_ITEMS);
    count = 3;
    EXPECT_EQ(RegEnumKeyExA(app_, 0, name, &count, nullptr, nullptr, nullptr, nullptr), ERROR_MORE_DATA);
    DWORD values = 0;
    for (;; ++values) {
        count = sizeof(name);
        const LSTATUS status = RegEnumValueA(app_, values, name, &count, nullptr, nullptr, nullptr, nullptr);
        if (status == ERROR_NO_MORE_ITEMS) break;
        ASSERT_EQ(status, ERROR_SUCCESS);
    }
    EXPECT_EQ(values, 3u);
}

TEST_F(registry, access_rights_are_checked) {
    const DWORD one = 1;
    EXPECT_EQ(RegSetValueExA(app_, "X", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&one), 4),
              ERROR_ACCESS_DENIED);
    HKEY query_only = nullptr;
    ASSERT_EQ(RegOpenKeyExA(app_, "", 0, KEY_QUERY_VALUE, &query_only), ERROR_SUCCESS);
    char name[16];
    DWORD count = sizeof(name);
    EXPECT_EQ(RegEnumKeyExA(query_only, 0, name, &count, nullptr, nullptr, nullptr, nullptr),
              ERROR_ACCESS_DENIED);
    RegCloseKey(query_only);
    EXPECT_EQ(RegCloseKey(query_only), ERROR_INVALID_HANDLE);
}

TEST_F(registry, writes_are_saved_and_stay_in_the_store) {
    HKEY key = nullptr;
    DWORD disposition = 0;
    ASSERT_EQ(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Contoso\\App\\..\\..\\Written", 0, nullptr,
                              REG_OPTION_NON_VOLATILE, KEY_ALL_ACCESS, nullptr, &key, &disposition),
              ERROR_SUCCESS);
    EXPECT_EQ(disposition, static_cast<DWORD>(REG_CREATED_NEW_KEY));
    ASSERT_EQ(RegSetValueExW(key, u"Name", 0, REG_SZ, reinterpret_cast<const BYTE*>(u"J\u00fcrgen"), 14),
              ERROR_SUCCESS);
    ASSERT_EQ(RegSetValueExA(key, "Count", 0, REG_SZ, reinterpret_cast<const BYTE*>("42"), 3), ERROR_SUCCESS);
    // ".." was a key name: the new key sits under App\..\.. (nothing escapes the store).
    EXPECT_NE(saved_store().find("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\App\\..\\..\\Written]\r\n"
                                 "\"Count\"=\"42\"\r\n\"Name\"=\"J\xC3\xBCrgen\"\r\n"),
              std::string::npos)
        << saved_store();
    EXPECT_EQ(RegCreateKeyExA(key, "bad\nname", 0, nullptr, 0, KEY_ALL_ACCESS, nullptr, &app_, nullptr),
              ERROR_INVALID_PARAMETER);
    ASSERT_EQ(RegDeleteValueA(key, "count"), ERROR_SUCCESS);
    EXPECT_EQ(RegDeleteValueA(key, "count"), ERROR_FILE_NOT_FOUND);
    EXPECT_EQ(saved_store().find("Count"), std::string::npos);
    // A key with subkeys stays; once empty it goes, and its open handle reports it.
    HKEY child = nullptr;
    ASSERT_EQ(RegCreateKeyA(key, "Child", &child), ERROR_SUCCESS);
    EXPECT_EQ(RegDeleteKeyA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Contoso\\App\\..\\..\\Written"), ERROR_ACCESS_DENIED);
    ASSERT_EQ(RegDeleteKeyA(key, "child"), ERROR_SUCCESS);
    EXPECT_EQ(RegSetValueExA(child, "x", 0, REG_SZ, reinterpret_cast<const BYTE*>("y"), 2), ERROR_KEY_DELETED);
    EXPECT_EQ(RegDeleteKeyA(HKEY_LOCAL_MACHINE, ""), ERROR_ACCESS_DENIED);
    RegCloseKey(child);
    RegCloseKey(key);
}

}  // namespace
