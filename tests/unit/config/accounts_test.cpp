#include "config/accounts.hpp"

#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <string>

namespace isapi_fcgi::config {
namespace {

// The running user's own names exist on any system the tests run on, including containers.
std::string own_user_name() {
    const passwd* entry = ::getpwuid(::geteuid());
    return entry != nullptr ? entry->pw_name : "";
}

std::string own_group_name() {
    const group* entry = ::getgrgid(::getegid());
    return entry != nullptr ? entry->gr_name : "";
}

TEST(accounts, existing_names_exist) {
    ASSERT_FALSE(own_user_name().empty());
    ASSERT_FALSE(own_group_name().empty());
    EXPECT_TRUE(user_exists(own_user_name()));
    EXPECT_TRUE(group_exists(own_group_name()));
}

TEST(accounts, unknown_names_do_not) {
    EXPECT_FALSE(user_exists("no-such-user-isapi-fcgi"));
    EXPECT_FALSE(group_exists("no-such-group-isapi-fcgi"));
    EXPECT_FALSE(user_exists("root\n"));
}

TEST(accounts, numeric_ids_need_no_entry) {
    EXPECT_TRUE(user_exists("0"));
    EXPECT_TRUE(user_exists("4000000000"));
    EXPECT_TRUE(group_exists("65534"));
    // (uid_t)-1 means "leave unchanged" to chown, and larger values are not ids.
    EXPECT_FALSE(user_exists("4294967295"));
    EXPECT_FALSE(group_exists("99999999999"));
    EXPECT_FALSE(user_exists("-1"));
}

}  // namespace
}  // namespace isapi_fcgi::config
