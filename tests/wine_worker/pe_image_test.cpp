// The PE reader on real DLLs built by mingw-w64 from the project's sources (and on bytes that
// are not, or not quite, a PE image).
#include "wine/pe_image.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace isapi_fcgi::wine {
namespace {

std::vector<std::uint8_t> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    const std::string text = read.str();
    return {text.begin(), text.end()};
}

TEST(pe_image, a_mingw_built_extension_is_an_amd64_dll_exporting_both_entry_points) {
    std::string error;
    const auto info = read_pe_file(ISAPI_WINE_DLL_HELLO, error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->machine, pe_machine::amd64);
    EXPECT_TRUE(info->is_dll);
    EXPECT_TRUE(info->exports_name("GetExtensionVersion"));
    EXPECT_TRUE(info->exports_name("HttpExtensionProc"));
    EXPECT_EQ(extension_problem(*info), "");
}

TEST(pe_image, an_i686_build_of_the_same_source_is_an_i386_dll_with_undecorated_exports) {
#ifdef ISAPI_WINE32_DLL_HELLO
    std::string error;
    const auto info = read_pe_file(ISAPI_WINE32_DLL_HELLO, error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->machine, pe_machine::i386);
    EXPECT_EQ(extension_problem(*info), "");  // --kill-at: "HttpExtensionProc", not "_HttpExtensionProc@4"
#else
    GTEST_SKIP() << "no i686-w64-mingw32-g++-posix: the 32-bit sub-build is not configured";
#endif
}

TEST(pe_image, a_dll_without_HttpExtensionProc_is_named_as_such) {
    std::string error;
    const auto info = read_pe_file(ISAPI_WINE_DLL_NOPROC, error);
    ASSERT_TRUE(info) << error;
    EXPECT_TRUE(info->exports_name("GetExtensionVersion"));
    EXPECT_EQ(extension_problem(*info), "it does not export HttpExtensionProc");
}

TEST(pe_image, the_windows_worker_is_an_executable_not_a_dll) {
    std::string error;
    const auto info = read_pe_file(ISAPI_WINE_WORKER_EXE, error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->machine, pe_machine::amd64);
    EXPECT_FALSE(info->is_dll);
    EXPECT_EQ(extension_problem(*info), "it does not export GetExtensionVersion");
}

TEST(pe_image, a_linux_shared_object_is_not_a_pe_file) {
    std::string error;
    EXPECT_FALSE(read_pe_file(ISAPI_LINUX_SO, error));
    EXPECT_EQ(error, "not a PE file: no MZ header");
}

TEST(pe_image, every_truncation_of_a_real_dll_is_refused_or_read_without_overrun) {
    const auto bytes = file_bytes(ISAPI_WINE_DLL_HELLO);
    ASSERT_GT(bytes.size(), 1024u);
    // Every prefix up to the end of the headers, then a coarser walk: the reader must stay
    // inside the span (ASan checks that) and never claim exports it could not read whole.
    for (std::size_t size = 0; size < bytes.size(); size += size < 2048 ? 1 : 997) {
        std::string error;
        const auto info = read_pe_image(std::span(bytes.data(), size), error);
        if (info) EXPECT_LE(info->exports.size(), 16u) << size;
        else EXPECT_EQ(error.rfind("not a PE file: ", 0), 0u) << size;
    }
}

TEST(pe_image, an_mz_header_pointing_past_the_end_is_refused) {
    std::vector<std::uint8_t> bytes(0x40, 0);
    bytes[0] = 'M';
    bytes[1] = 'Z';
    bytes[0x3c] = 0xff;
    bytes[0x3d] = 0xff;
    std::string error;
    EXPECT_FALSE(read_pe_image(bytes, error));
    EXPECT_EQ(error, "not a PE file: no PE signature at the offset the MZ header gives");
}

TEST(pe_image, describe_names_both_architectures_and_unknown_machines) {
    EXPECT_EQ(describe(pe_machine::i386, 0x14c), "i386 (32-bit)");
    EXPECT_EQ(describe(pe_machine::amd64, 0x8664), "amd64 (64-bit)");
    EXPECT_EQ(describe(pe_machine::other, 0xaa64), "machine 0xaa64");
}

}  // namespace
}  // namespace isapi_fcgi::wine
