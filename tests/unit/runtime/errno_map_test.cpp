#include "runtime/errno_map.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include <isapi/windef_subset.h>

namespace isapi_fcgi::runtime {
namespace {

TEST(errno_map, common_file_and_socket_errors) {
    EXPECT_EQ(win32_error_from_errno(0), static_cast<std::uint32_t>(ERROR_SUCCESS));
    EXPECT_EQ(win32_error_from_errno(ENOENT), static_cast<std::uint32_t>(ERROR_FILE_NOT_FOUND));
    EXPECT_EQ(win32_error_from_errno(EACCES), static_cast<std::uint32_t>(ERROR_ACCESS_DENIED));
    EXPECT_EQ(win32_error_from_errno(EISDIR), static_cast<std::uint32_t>(ERROR_ACCESS_DENIED));
    EXPECT_EQ(win32_error_from_errno(EBADF), static_cast<std::uint32_t>(ERROR_INVALID_HANDLE));
    EXPECT_EQ(win32_error_from_errno(EINVAL), static_cast<std::uint32_t>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(win32_error_from_errno(ENOMEM), static_cast<std::uint32_t>(ERROR_NOT_ENOUGH_MEMORY));
    EXPECT_EQ(win32_error_from_errno(EPIPE), static_cast<std::uint32_t>(ERROR_BROKEN_PIPE));
    EXPECT_EQ(win32_error_from_errno(ECONNRESET),
              static_cast<std::uint32_t>(ERROR_NETNAME_DELETED));
    EXPECT_EQ(win32_error_from_errno(ECONNABORTED),
              static_cast<std::uint32_t>(ERROR_CONNECTION_ABORTED));
    EXPECT_EQ(win32_error_from_errno(EMFILE), static_cast<std::uint32_t>(ERROR_TOO_MANY_OPEN_FILES));
}

TEST(errno_map, unknown_values_are_a_generic_failure_not_the_raw_errno) {
    EXPECT_EQ(win32_error_from_errno(EIO), static_cast<std::uint32_t>(ERROR_GEN_FAILURE));
    EXPECT_EQ(win32_error_from_errno(-7), static_cast<std::uint32_t>(ERROR_GEN_FAILURE));
    EXPECT_EQ(win32_error_from_errno(100000), static_cast<std::uint32_t>(ERROR_GEN_FAILURE));
}

} // namespace
} // namespace isapi_fcgi::runtime
